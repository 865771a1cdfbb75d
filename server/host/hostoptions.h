#pragma once

#include "listenaddress.h"
#include "tlsidentity.h"

#include "protocol/limits.h"

#include <QByteArray>
#include <QHostAddress>

#include <optional>

namespace pc::host {

struct RateLimit
{
    double burst = protocol::limits::kRateBurst;
    double perSecond = protocol::limits::kRatePerSecond;
    int abuseLimit = protocol::limits::kRateAbuseLimit; // refused requests before close 1008
    // How fast refusals are forgiven: a client refused now and then (less than one request in
    // ten of the sustained rate) is never closed; one that keeps sending while limited is.
    double abuseDrainPerSecond = protocol::limits::kRatePerSecond / 10;
};

// What room.create may cost: a bucket per connection and one per source address (`burst`
// rooms at once, refilled per minute), and the live rooms this host process takes at most.
// The defaults keep the contract's promise of a 200-request burst for any op.
struct RoomCaps
{
    double perConnectionBurst = protocol::limits::kRoomBurstPerConnection;
    double perConnectionPerMinute = protocol::limits::kRoomsPerConnectionPerMinute;
    double perAddressBurst = protocol::limits::kRoomBurstPerAddress;
    double perAddressPerMinute = protocol::limits::kRoomsPerAddressPerMinute;
    int maxLiveRooms = protocol::limits::kMaxLiveRooms;
};

struct HostOptions
{
    QHostAddress address = QHostAddress::LocalHost;
    quint16 port = 7878;    // 0 picks a free port
    QByteArray redisPrefix; // prepended to every Redis key and channel
    int maxTtl = protocol::limits::kMaxTtl;
    RateLimit rateLimit;
    RoomCaps roomCaps;
    int idleTimeoutMs = protocol::limits::kIdleTimeoutMs;
    qint64 maxIncomingMessageBytes = protocol::limits::kMaxIncomingMessageBytes;
    qint64 maxOutgoingQueueBytes = protocol::limits::kMaxOutgoingQueueBytes;
    int listenBacklog = 4096;
    int handshakeTimeoutMs = protocol::limits::kHandshakeTimeoutMs; // accept to request head
    int maxConnectionsPerAddress = protocol::limits::kMaxConnectionsPerAddress; // 0: no cap
    // All connections: 0 takes what the open-file limit leaves after a reserve.
    int maxConnections = 0;
    bool sharePort = false; // listen with SO_REUSEPORT: one of --workers N processes
    // --metrics-listen: /metrics (and /healthz) there; the host's own port has no /metrics then.
    std::optional<ListenAddress> metricsListen;
    int workerNumber = 0; // of --workers N: 1..N, a label on every metric; 0: no workers
    // wss:// with this identity (plain ws:// still from loopback addresses); none: ws:// only
    // (--plain).
    std::optional<TlsIdentity> tls;
};

} // namespace pc::host
