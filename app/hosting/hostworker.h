#pragma once

#include <QHostAddress>
#include <QObject>
#include <QTimer>

#include <memory>

namespace pc::host {
class EmbeddedRedis;
class RoomHost;
} // namespace pc::host

namespace pc::hosting {

// The host and its Redis, created, run and destroyed on HostController's worker thread.
// Only invoked through queued (or, from the destructor, blocking queued) calls.
class HostWorker : public QObject
{
    Q_OBJECT
public:
    explicit HostWorker(QObject *parent = nullptr);
    ~HostWorker() override;

    // fallback: when the port is taken, listen on a free one instead of failing.
    void start(const QHostAddress &address, quint16 port, bool fallback);
    // Closes every connection (1001), lets the close frames go out, then stops Redis.
    void stop();
    void stopNow(); // the same without the grace period

Q_SIGNALS:
    void started(const QHostAddress &address, quint16 port);
    void failed(const QString &error);
    void stopped();

private:
    void createHost(quint16 port);
    void onRedisReady();
    void fail(const QString &error);
    void tearDown();

    std::unique_ptr<host::EmbeddedRedis> m_redis;
    std::unique_ptr<host::RoomHost> m_host;
    QHostAddress m_address;
    bool m_fallback = false;
    bool m_listening = false;
    QTimer m_giveUp; // Redis did not answer in time
};

} // namespace pc::hosting
