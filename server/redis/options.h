#pragma once

#include "url.h"

namespace pc::redis {

struct Options
{
    Url url;
    int connectTimeoutMs = 2000;
    int minReconnectDelayMs = 100;  // doubles per failed attempt ...
    int maxReconnectDelayMs = 5000; // ... up to this
};

} // namespace pc::redis
