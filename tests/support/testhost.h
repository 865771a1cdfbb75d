#pragma once

#include "host/embeddedredis.h"
#include "host/hostoptions.h"
#include "host/roomhost.h"

#include <QProcess>
#include <QTemporaryDir>
#include <QUrl>

#include <memory>
#include <optional>

namespace pc::test {

// A real Redis of the test's own (dies with the test) and a real RoomHost on port 0.
class TestHost
{
public:
    // With redis null the host gets a Redis of its own; else it shares that one.
    explicit TestHost(host::HostOptions options = {}, host::EmbeddedRedis *redis = nullptr);
    // A host on a Redis the test runs itself (a TestCluster's redis+cluster:// URL).
    TestHost(host::HostOptions options, const redis::Url &redis);
    ~TestHost();

    bool start(); // Redis up, host connected and listening
    // The host process dies (its sessions drop) while Redis stays; restartHost() brings it
    // back on the same port.
    void stopHost();
    bool restartHost();
    QUrl url() const;
    quint16 port() const { return m_port; }
    host::RoomHost &host() { return *m_host; }
    host::EmbeddedRedis &redis() { return *m_redis; }
    // Runs redis-cli against the test's Redis and returns its output.
    QByteArray redisCli(const QStringList &args) const;
    // Every key whose name contains text (SCAN), sorted.
    QStringList keysContaining(const QString &text) const;

private:
    host::HostOptions m_options;
    std::unique_ptr<host::EmbeddedRedis> m_ownRedis;
    host::EmbeddedRedis *m_redis = nullptr;
    std::optional<redis::Url> m_redisUrl; // instead of m_redis
    std::unique_ptr<host::RoomHost> m_host;
    quint16 m_port = 0;
};

// privatechat-server as a child process (PC_SERVER_BINARY), killed with the test. Its
// identity (when it serves TLS and no --identity is given) is made in a folder of its own
// (XDG_STATE_HOME), unless the test's environment names one.
class ServerProcess
{
public:
    explicit ServerProcess(const QStringList &arguments);
    ~ServerProcess();
    // Starts it with this open-file limit (soft, hard), as a desktop session would.
    void setFileLimit(int soft, int hard);
    // Waits for the "listening on" line (and over TLS the "fingerprint:" line after it).
    bool start(int timeoutMs = 10000);
    // The URL a plain WebSocket client uses: ws://, which a TLS host serves on loopback too.
    QUrl url() const;
    // The URL as the host printed it (wss:// unless --plain), and its fingerprint (or empty).
    QUrl listeningUrl() const { return m_url; }
    QString fingerprint() const { return m_fingerprint; }
    QProcess &process() { return m_process; }
    QString firstLine() const { return m_line; }

private:
    QProcess m_process;
    QStringList m_arguments;
    QUrl m_url;
    QString m_line;
    QString m_fingerprint;
    QTemporaryDir m_state;
};

// The plain ws:// URL of a host's wss:// one: what a loopback client may use.
QUrl plainUrl(QUrl url);

// A QProcess child modifier: the child gets SIGKILL when the test dies.
void dieWithParent();

} // namespace pc::test
