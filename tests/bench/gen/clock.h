// The generator's clocks: CLOCK_MONOTONIC, the clock Node's process.hrtime() reads, so the
// driver can turn the generator's timestamps into its own.
#pragma once
#include <cstdint>
#include <ctime>

inline int64_t monoNs()
{
    timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return int64_t(t.tv_sec) * 1000000000 + t.tv_nsec;
}
inline double monoUs()
{
    return double(monoNs()) / 1000.0;
}
