#pragma once

#include "histogram.h"

#include "protocol/errors.h"
#include "protocol/schema.h"

#include <array>

namespace pc::host {

enum class Transport { WebSocket, Http };
inline constexpr int kTransportCount = 2;

#define PC_COUNT_ENTRY(...) +1
inline constexpr int kErrorCodeCount = 0 PC_PROTOCOL_ERRORS(PC_COUNT_ENTRY);
#undef PC_COUNT_ENTRY

// What one host process counted since it started, for /metrics. Only what is the same for
// everyone is counted: no room ID, name, token or text is ever part of a metric.
struct HostCounters
{
    std::array<std::array<quint64, protocol::kOpCount>, kTransportCount> requests {};
    std::array<std::array<quint64, kErrorCodeCount>, kTransportCount> errors {};
    quint64 websocketsOpened = 0;
    quint64 httpRequests = 0; // every HTTP request, /healthz and /metrics too
    quint64 roomsCreated = 0;
    quint64 joins = 0;             // successful room.join, rejoins included
    quint64 messagesReceived = 0;  // messages.send that stored a message
    quint64 messagesDelivered = 0; // chat.message events written to subscribers
    quint64 slowReadersDropped = 0;
    quint64 connectionsRefused = 0; // by the handshake gate: per-address cap, host full
    // Redis round trips of the store's scripts and the health probe's PINGs.
    Histogram redisRoundTrip { { 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
        0.1, 0.25, 0.5, 1 } };

    void countRequest(protocol::Op op, Transport t) { ++requests[int(t)][int(op)]; }
    void countError(protocol::ErrorCode code, Transport t) { ++errors[int(t)][int(code)]; }
};

} // namespace pc::host
