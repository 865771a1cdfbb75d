#include "processstats.h"

#include <QByteArray>
#include <QDir>
#include <QFile>
#include <QList>

#include <sys/resource.h>
#include <unistd.h>

namespace pc::host {

namespace {

    QByteArray readFile(const char *path)
    {
        QFile file(QString::fromLatin1(path));
        return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
    }

    // The boot time, from /proc/stat's btime line.
    qint64 bootTimeSeconds()
    {
        const QByteArray stat = readFile("/proc/stat");
        const qsizetype at = stat.indexOf("\nbtime ");
        if (at < 0)
            return 0;
        const qsizetype end = stat.indexOf('\n', at + 1);
        return stat.mid(at + 7, end - at - 7).trimmed().toLongLong();
    }

    double seconds(const timeval &t)
    {
        return double(t.tv_sec) + double(t.tv_usec) / 1e6;
    }

} // namespace

ProcessStats ProcessStats::read()
{
    ProcessStats stats;
    const double ticks = double(::sysconf(_SC_CLK_TCK));
    // /proc/self/stat: the command may hold spaces; the fields after its ')' are fixed.
    const QByteArray stat = readFile("/proc/self/stat");
    const qsizetype close = stat.lastIndexOf(')');
    if (close > 0 && ticks > 0) {
        const QList<QByteArray> f = stat.mid(close + 2).split(' '); // f[0] is field 3 (state)
        if (f.size() > 21) {
            stats.startTimeSeconds = double(bootTimeSeconds()) + f[19].toDouble() / ticks;
            stats.virtualBytes = f[20].toLongLong();
            stats.residentBytes = f[21].toLongLong() * ::sysconf(_SC_PAGESIZE);
        }
    }
    // getrusage, not /proc's utime and stime: those are sampled at clock ticks, and a host
    // that has done little can read 0 there.
    rusage usage {};
    if (::getrusage(RUSAGE_SELF, &usage) == 0)
        stats.cpuSeconds = seconds(usage.ru_utime) + seconds(usage.ru_stime);
    stats.openFds = qint64(QDir(QStringLiteral("/proc/self/fd"))
                               .entryList(QDir::Files | QDir::System | QDir::NoDotAndDotDot)
                               .size());
    rlimit limit {};
    if (::getrlimit(RLIMIT_NOFILE, &limit) == 0)
        stats.maxFds = qint64(limit.rlim_cur);
    return stats;
}

} // namespace pc::host
