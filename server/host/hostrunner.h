#pragma once

#include "hostoptions.h"

#include "redis/url.h"

#include <QHostAddress>
#include <QObject>
#include <QTimer>

#include <memory>
#include <optional>

namespace pc::host {

class EmbeddedRedis;
class RoomHost;

// How a host is brought up and down: its Redis (a private one, or a URL), the host on it,
// listening once Redis answers. The one start-up sequence of privatechat-server and of the
// app's hosting thread. Lives on one thread; everything it owns is made and destroyed there.
class HostRunner : public QObject
{
    Q_OBJECT
public:
    struct Options
    {
        std::optional<redis::Url> redis; // none: start a private redis-server
        bool fallbackToFreePort = false; // the port is taken: listen on a free one instead
        int redisTimeoutMs = 5000;       // Redis must answer within this
        int closeGraceMs = 300;          // stop(): for the close frames to go out
    };

    explicit HostRunner(QObject *parent = nullptr);
    ~HostRunner() override;

    // started() once listening; failed() with a sentence otherwise (everything is torn down).
    void start(const HostOptions &host, const Options &options);
    // Closes every connection (1001), lets the close frames go out, then stops Redis.
    void stop();
    void stopNow(); // the same without the grace period

    RoomHost *host() const { return m_host.get(); }
    bool usesPrivateRedis() const { return m_embedded != nullptr; }
    QString url() const; // wss://HOST:PORT/api/realtime (ws:// when plain) once started
    // What privatechat-server prints once listening: "listening on URL", and over TLS a second
    // line "fingerprint: FP" (the pin for invites). Each line ends with a newline.
    QString listeningLines() const;
    static QString listeningLines(const QString &url, const QString &fingerprint);

Q_SIGNALS:
    void started(const QHostAddress &address, quint16 port);
    void failed(const QString &error);
    void stopped();

private:
    void createHost(quint16 port);
    void onRedisReady();
    void fail(const QString &error);
    void tearDown();

    HostOptions m_hostOptions;
    Options m_options;
    std::unique_ptr<EmbeddedRedis> m_embedded;
    std::unique_ptr<RoomHost> m_host;
    bool m_listening = false;
    QTimer m_giveUp; // Redis did not answer in time
};

} // namespace pc::host
