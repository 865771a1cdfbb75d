#pragma once

// Private to server/redis.

#include "options.h"

#include <QRandomGenerator>

namespace pc::redis {

// Exponential backoff with "equal jitter": half the delay fixed, half random, so that many
// hosts that lost one Redis do not all come back in the same millisecond. attempt: failed
// attempts so far.
inline int reconnectDelayMs(int attempt, const Options &options)
{
    const qint64 minDelay = qMax(1, options.minReconnectDelayMs);
    const qint64 maxDelay = qMax<qint64>(minDelay, options.maxReconnectDelayMs);
    qint64 delay = minDelay;
    for (int i = 0; i < attempt && delay < maxDelay; ++i)
        delay *= 2;
    delay = qMin(delay, maxDelay);
    const qint64 half = delay / 2;
    return int(half + QRandomGenerator::global()->bounded(delay - half + 1));
}

} // namespace pc::redis
