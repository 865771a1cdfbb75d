#pragma once

#include "redis/url.h"

#include <QObject>
#include <QString>
#include <QStringList>

class QProcess;

namespace pc::host {

// A private redis-server as a child process: unix socket in a fresh 0700 folder, no TCP, no
// persistence, dies with us. Used by the host when no --redis URL is given, and by every test.
class EmbeddedRedis : public QObject
{
    Q_OBJECT
public:
    explicit EmbeddedRedis(QObject *parent = nullptr);
    ~EmbeddedRedis() override; // stop()

    // Creates the folder (under $XDG_RUNTIME_DIR if usable, else the temp folder) and starts
    // redis-server ($PC_REDIS_SERVER, else from PATH) there. Blocks until Redis answers PING
    // or timeoutMs passed; on failure returns false with errorString() set.
    bool start(int timeoutMs = 5000);
    void stop(); // SIGTERM, ≤ 2 s, then SIGKILL; removes the folder
    void kill(); // SIGKILL now, keeps the folder (tests simulate a crash)
    // Starts again in the same folder on the same socket path (after kill()).
    bool restart(int timeoutMs = 5000);

    bool isRunning() const;
    qint64 pid() const;
    QString socketPath() const;
    QString folder() const;
    redis::Url url() const; // unix://<socketPath>
    QString errorString() const;

Q_SIGNALS:
    // redis-server ended without stop() or kill(); reason has its last log line.
    void unexpectedExit(const QString &reason);

private:
    bool createFolder();
    bool launch(int timeoutMs);
    bool waitUntilReady(int timeoutMs);
    void readLog();
    void endProcess(bool graceful);
    void removeFolder();
    QString lastLogLine() const;
    bool fail(const QString &message);

    QProcess *m_process = nullptr;
    QString m_folder;
    QString m_error;
    QStringList m_log; // last few lines of redis-server's output, kept in memory only
    QByteArray m_partialLine;
    bool m_expectExit = false;
};

} // namespace pc::host
