#pragma once

#include "hostoptions.h"
#include "ratelimiter.h"

#include "protocol/schema.h"

#include <map>

namespace pc::host {

// What one client may ask of the host: its request bucket, its room.create bucket and the
// ops' own buckets. A WebSocket session has one; over HTTP each source address has one.
class ClientLimits
{
public:
    explicit ClientLimits(const HostOptions &options)
        : m_requests(options.rateLimit)
        , m_roomCreation(RateLimiter::perMinute(
              options.roomCaps.perConnectionBurst, options.roomCaps.perConnectionPerMinute))
    {
    }

    RateLimiter &requests() { return m_requests; }
    RateLimiter &roomCreation() { return m_roomCreation; }
    // An op's own limit (made on first use from limit).
    RateLimiter &op(protocol::Op op, const RateLimit &limit)
    {
        return m_ops.try_emplace(op, limit).first->second;
    }
    // Every bucket full again: forgetting it changes nothing.
    bool isIdle()
    {
        for (auto &[op, limiter] : m_ops) {
            if (!limiter.isIdle())
                return false;
        }
        return m_requests.isIdle() && m_roomCreation.isIdle();
    }

private:
    RateLimiter m_requests;
    RateLimiter m_roomCreation;
    std::map<protocol::Op, RateLimiter> m_ops; // empty for most: a few ops have their own
};

} // namespace pc::host
