#pragma once

#include "protocol/schema_lists.h" // the protocol's limits, from schema.toml

#include <QtGlobal>

// The host's own defaults beside the protocol's limits (which schema.toml defines).
namespace pc::protocol::limits {

inline constexpr int kHandshakeTimeoutMs = 5'000;
inline constexpr int kMaxConnectionsPerAddress = 256;
inline constexpr int kReservedFileDescriptors = 64; // never used for connections

// room.create: per connection, per source address (a bucket each), per host process.
inline constexpr double kRoomBurstPerConnection = 200;
inline constexpr double kRoomsPerConnectionPerMinute = 60;
inline constexpr double kRoomBurstPerAddress = 1000;
inline constexpr double kRoomsPerAddressPerMinute = 120;
inline constexpr int kMaxLiveRooms = 10'000;

} // namespace pc::protocol::limits
