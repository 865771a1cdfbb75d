#pragma once

#include "hostoptions.h"

#include <QElapsedTimer>

namespace pc::host {

// A token bucket per connection: `burst` requests at once, refilled at `perSecond`.
class RateLimiter
{
public:
    explicit RateLimiter(const RateLimit &limit);

    // Takes one request's token. Returns 0 when allowed, else the milliseconds until a token
    // is available (nothing is taken).
    qint64 take();
    // Requests refused since the last one allowed.
    int refusedInARow() const { return m_refusedInARow; }

private:
    void refill();

    RateLimit m_limit;
    double m_tokens;
    QElapsedTimer m_clock;
    qint64 m_lastRefillNs = 0;
    int m_refusedInARow = 0;
};

} // namespace pc::host
