#pragma once

#include <QElapsedTimer>
#include <QObject>
#include <QString>
#include <QTimer>

#include <optional>

namespace pc::redis {
class Connection;
class Subscriber;
} // namespace pc::redis

namespace pc::host {

class Histogram;

// Whether this host can serve rooms right now, for /healthz: both Redis links up and a PING
// answered lately. A PING goes out every 500 ms on the command link (its round trip feeds the
// latency histogram); a Redis that stops is seen at once (the link drops), one that hangs
// once its PING is a second late.
class HealthProbe : public QObject
{
    Q_OBJECT
public:
    HealthProbe(redis::Connection *redis, redis::Subscriber *subscriber, Histogram *roundTrips,
        QObject *parent = nullptr);

    // nullopt when healthy, else why not, in a sentence.
    std::optional<QString> problem() const;

private:
    void ping();

    redis::Connection *m_redis;
    redis::Subscriber *m_subscriber;
    Histogram *m_roundTrips;
    QTimer m_timer;
    QElapsedTimer m_sincePing; // valid while a PING waits for its answer
    QString m_lastLoss;        // why the command link went down last
};

} // namespace pc::host
