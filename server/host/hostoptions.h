#pragma once

#include "protocol/limits.h"

#include <QByteArray>
#include <QHostAddress>

namespace pc::host {

struct RateLimit
{
    double burst = protocol::limits::kRateBurst;
    double perSecond = protocol::limits::kRatePerSecond;
    int abuseLimit = protocol::limits::kRateAbuseLimit; // refused requests before close 1008
};

struct HostOptions
{
    QHostAddress address = QHostAddress::LocalHost;
    quint16 port = 7878;    // 0 picks a free port
    QByteArray redisPrefix; // prepended to every Redis key and channel
    int maxTtl = protocol::limits::kMaxTtl;
    RateLimit rateLimit;
    int idleTimeoutMs = protocol::limits::kIdleTimeoutMs;
    qint64 maxIncomingMessageBytes = protocol::limits::kMaxIncomingMessageBytes;
    qint64 maxOutgoingQueueBytes = protocol::limits::kMaxOutgoingQueueBytes;
    int listenBacklog = 4096;
    bool sharePort = false; // listen with SO_REUSEPORT: one of --workers N processes
};

} // namespace pc::host
