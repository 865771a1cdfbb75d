#include "filelimit.h"

#include "hostlog.h"

#include <QDir>

#include <algorithm>

#include <sys/resource.h>

namespace pc::host {

namespace {

    int softLimit()
    {
        rlimit limit {};
        if (::getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY)
            return 1 << 20;
        return int(std::min<rlim_t>(limit.rlim_cur, 1 << 30));
    }

    int openFiles()
    {
        return int(
            QDir(QStringLiteral("/proc/self/fd")).entryList(QDir::Files | QDir::System).size());
    }

} // namespace

int raiseFileLimit()
{
    rlimit limit {};
    if (::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
        const rlim_t was = limit.rlim_cur;
        limit.rlim_cur = limit.rlim_max;
        if (::setrlimit(RLIMIT_NOFILE, &limit) == 0)
            qCInfo(lcHost) << "open-file limit raised from" << was << "to" << limit.rlim_cur;
    }
    return softLimit();
}

int connectionBudget(int reserve)
{
    return std::max(1, softLimit() - openFiles() - reserve);
}

} // namespace pc::host
