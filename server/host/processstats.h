#pragma once

#include <QtGlobal>

namespace pc::host {

// This process as the kernel sees it (Linux /proc), for the standard process_* metrics.
struct ProcessStats
{
    double cpuSeconds = 0; // user + system
    qint64 residentBytes = 0;
    qint64 virtualBytes = 0;
    qint64 openFds = 0;
    qint64 maxFds = 0;
    double startTimeSeconds = 0; // since the Unix epoch

    static ProcessStats read();
};

} // namespace pc::host
