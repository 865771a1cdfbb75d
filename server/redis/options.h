#pragma once

#include "url.h"

namespace pc::redis {

struct Options
{
    Url url;
    int connectTimeoutMs = 2000;
    int minReconnectDelayMs = 100;  // doubles per failed attempt ...
    int maxReconnectDelayMs = 5000; // ... up to this
    // Redis Cluster: how long a command waits for its slot's master (a failover, a slot that
    // moves) before it fails as disconnected.
    int clusterWaitMs = 5000;
};

} // namespace pc::redis
