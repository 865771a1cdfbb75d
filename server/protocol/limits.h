#pragma once

#include <QtGlobal>

// Every limit of protocol v1, in one place.
namespace pc::protocol::limits {

inline constexpr qint64 kMaxIncomingMessageBytes = 65536;
inline constexpr qint64 kMaxOutgoingQueueBytes = 1024 * 1024;
inline constexpr int kIdleTimeoutMs = 60'000;
inline constexpr int kHandshakeTimeoutMs = 5'000;
inline constexpr int kMaxConnectionsPerAddress = 256;
inline constexpr int kReservedFileDescriptors = 64; // never used for connections

inline constexpr qint64 kMaxSafeInteger = (qint64(1) << 53) - 1;
inline constexpr int kMaxStringIdLength = 64;

inline constexpr int kMinTtl = 5;
inline constexpr int kMaxTtl = 604800;
inline constexpr int kDefaultTtl = 600;
inline constexpr int kMinParticipants = 2;
inline constexpr int kMaxParticipants = 100;
inline constexpr int kDefaultParticipants = 2;

inline constexpr int kMaxNameLength = 100;
inline constexpr int kMaxTextLength = 1000;
inline constexpr int kMaxClientMsgIdLength = 64;

inline constexpr int kHistoryLength = 1000; // kept per room
inline constexpr int kMaxListLimit = 1000;
// A messages.list reply stops before this many bytes of messages (hasMore), so a client that
// reads can always fetch a full history within the 1 MiB outgoing limit.
inline constexpr qint64 kMaxListReplyBytes = 512 * 1024;

inline constexpr int kRoomIdLength = 21;
inline constexpr int kTokenBytes = 32; // 256 bits
inline constexpr int kParticipantIdLength = 12;
inline constexpr int kMessageIdLength = 16;

// Rate limit defaults (per connection): a token bucket.
inline constexpr double kRateBurst = 200;
inline constexpr double kRatePerSecond = 20;
inline constexpr int kRateAbuseLimit = 50; // requests refused in a row before close 1008

// room.create: per connection, per source address (a bucket each), per host process.
inline constexpr double kRoomBurstPerConnection = 200;
inline constexpr double kRoomsPerConnectionPerMinute = 60;
inline constexpr double kRoomBurstPerAddress = 1000;
inline constexpr double kRoomsPerAddressPerMinute = 120;
inline constexpr int kMaxLiveRooms = 10'000;

} // namespace pc::protocol::limits
