#include "ratelimiter.h"

#include <cmath>
#include <limits>

namespace pc::host {

RateLimiter::RateLimiter(const RateLimit &limit) : m_limit(limit), m_tokens(limit.burst)
{
    m_clock.start();
}

void RateLimiter::refill()
{
    const qint64 nowNs = m_clock.nsecsElapsed();
    const double seconds = (nowNs - m_lastRefillNs) * 1e-9;
    m_tokens = std::min(m_limit.burst, m_tokens + seconds * m_limit.perSecond);
    m_abuse = std::max(0.0, m_abuse - seconds * m_limit.abuseDrainPerSecond);
    m_lastRefillNs = nowNs;
}

bool RateLimiter::isIdle()
{
    refill();
    return m_tokens >= m_limit.burst && m_abuse == 0;
}

RateLimit RateLimiter::perMinute(double burst, double perMinute)
{
    return { burst, perMinute / 60.0, std::numeric_limits<int>::max(), 0 };
}

qint64 RateLimiter::take()
{
    refill();
    if (m_tokens >= 1.0) {
        m_tokens -= 1.0;
        return 0;
    }
    m_abuse += 1.0;
    if (m_limit.perSecond <= 0)
        return 1000;
    return std::max<qint64>(1, qint64(std::ceil((1.0 - m_tokens) / m_limit.perSecond * 1000.0)));
}

} // namespace pc::host
