#include "healthprobe.h"

#include "histogram.h"

#include "redis/connection.h"
#include "redis/subscriber.h"

namespace pc::host {

namespace {
    constexpr int kPingIntervalMs = 500;
    constexpr int kPingLateMs = 1000;
} // namespace

HealthProbe::HealthProbe(
    redis::Connection *redis, redis::Subscriber *subscriber, Histogram *roundTrips, QObject *parent)
    : QObject(parent)
    , m_redis(redis)
    , m_subscriber(subscriber)
    , m_roundTrips(roundTrips)
    , m_timer(this) // a child, so it moves threads with us
{
    connect(m_redis, &redis::Connection::disconnected, this,
        [this](const QString &reason) { m_lastLoss = reason; });
    connect(&m_timer, &QTimer::timeout, this, &HealthProbe::ping);
    m_timer.start(kPingIntervalMs);
}

void HealthProbe::ping()
{
    if (!m_redis->isConnected() || m_sincePing.isValid())
        return; // a PING still waits: problem() says when it is late
    m_sincePing.start();
    m_redis->command({ QByteArrayLiteral("PING") }, [this](const redis::Reply &reply) {
        if (!reply.isError() && m_sincePing.isValid())
            m_roundTrips->observe(double(m_sincePing.nsecsElapsed()) / 1e9);
        m_sincePing.invalidate();
    });
}

std::optional<QString> HealthProbe::problem() const
{
    if (!m_redis->isConnected()) {
        return m_lastLoss.isEmpty() ? QStringLiteral("Redis is not connected.")
                                    : QStringLiteral("Redis is not connected: %1").arg(m_lastLoss);
    }
    if (!m_subscriber->isConnected())
        return QStringLiteral("The Redis pub/sub link is down: events cannot be delivered.");
    if (m_sincePing.isValid() && m_sincePing.elapsed() > kPingLateMs) {
        return QStringLiteral("Redis has not answered a PING for %1 ms.")
            .arg(m_sincePing.elapsed());
    }
    return std::nullopt;
}

} // namespace pc::host
