#pragma once

#include "hostoptions.h"

#include <QElapsedTimer>

namespace pc::host {

// A token bucket per connection: `burst` requests at once, refilled at `perSecond`. Refused
// requests add to an abuse score that drains slowly (abuseDrainPerSecond), so a client that
// keeps sending while limited passes the abuse limit even when single tokens come back now
// and then; one that waits as told never gets near it.
class RateLimiter
{
public:
    explicit RateLimiter(const RateLimit &limit);

    // Takes one request's token. Returns 0 when allowed, else the milliseconds until a token
    // is available (nothing is taken).
    qint64 take();
    // Whether the requests refused lately are more than the abuse limit.
    bool isAbused() const { return m_abuse > m_limit.abuseLimit; }
    // Refilled to the brim and nothing to forgive: forgetting it changes nothing.
    bool isIdle();
    // A bucket of `burst`, refilled at `perMinute`, that is never "abused".
    static RateLimit perMinute(double burst, double perMinute);

private:
    void refill();

    RateLimit m_limit;
    double m_tokens;
    double m_abuse = 0;
    QElapsedTimer m_clock;
    qint64 m_lastRefillNs = 0;
};

} // namespace pc::host
