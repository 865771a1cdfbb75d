#pragma once

#include "redis/connection.h"
#include "redis/script.h"

#include <memory>

namespace pc::host {

// A room script for a Redis Cluster: its events go out with SPUBLISH (sharded pub/sub, on the
// room's shard only) instead of PUBLISH, which would cross the whole cluster bus.
redis::Script shardedVariant(const redis::Script &script);

// The host's command connection: on a Redis Cluster it runs every room script sharded.
std::unique_ptr<redis::Connection> roomConnection(const redis::Options &options);

} // namespace pc::host
