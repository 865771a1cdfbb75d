#include "epolleventdispatcher.h"

#include "eventlooplog.h"

#include <QCoreApplication>
#include <QSocketNotifier>
#include <QThread>
#include <QTimerEvent>
#include <QVarLengthArray>

#include <cerrno>
#include <climits>
#include <cstring>
#include <limits>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

namespace pc::eventloop {

namespace {

    using namespace std::chrono_literals;

    // epoll_data of the wake-up eventfd; fd registrations always carry a serial >= 1.
    constexpr quint64 kWakeUpTag = 0;
    // Events taken per wait; more stay ready in the kernel (level-triggered) for the next pass.
    constexpr int kMaxEvents = 256;

    // Like poll() in QEventDispatcherUNIX: hang-up and error wake every type of notifier.
    constexpr quint32 kTypeEvents[3] = { EPOLLIN, EPOLLOUT, EPOLLPRI };
    constexpr quint32 kTypeTriggers[3] = { EPOLLIN | EPOLLHUP | EPOLLERR,
        EPOLLOUT | EPOLLHUP | EPOLLERR, EPOLLPRI | EPOLLHUP | EPOLLERR };

    const char *typeName(int type)
    {
        static const char *const names[3] = { "Read", "Write", "Exception" };
        return type >= 0 && type < 3 ? names[type] : "?";
    }

    quint64 tag(int fd, quint32 serial)
    {
        return (quint64(serial) << 32) | quint32(fd);
    }

    timespec toTimespec(qint64 ns)
    {
        return { time_t(ns / 1000000000), long(ns % 1000000000) };
    }

    // How late Qt lets a timer be (qtimer.html#accuracy-and-timer-resolution). Timers never fire
    // early here, unlike Qt's own coarse timers, which are aligned to round boundaries.
    std::chrono::nanoseconds slackFor(qint64 interval, Qt::TimerType type)
    {
        if (interval == 0)
            return 0ns;
        switch (type) {
        case Qt::PreciseTimer:
            return 0ns;
        case Qt::CoarseTimer:
            // Qt's own thresholds: 5 % is under 1 ms below 20 ms, and over 1 s above 20 s.
            if (interval <= 20)
                return 0ns;
            if (interval < 20000)
                return std::chrono::milliseconds(interval) / 20;
            return 1s;
        case Qt::VeryCoarseTimer:
            return 1s;
        }
        return 0ns;
    }

} // namespace

EpollEventDispatcher::EpollEventDispatcher(QObject *parent) : QAbstractEventDispatcher(parent)
{
    m_epollFd = ::epoll_create1(EPOLL_CLOEXEC);
    m_wakeFd = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (m_epollFd < 0 || m_wakeFd < 0)
        qFatal("EpollEventDispatcher: cannot create epoll/eventfd: %s", std::strerror(errno));
    epoll_event event {};
    event.events = EPOLLIN;
    event.data.u64 = kWakeUpTag;
    if (::epoll_ctl(m_epollFd, EPOLL_CTL_ADD, m_wakeFd, &event) != 0)
        qFatal("EpollEventDispatcher: cannot watch the eventfd: %s", std::strerror(errno));
}

EpollEventDispatcher::~EpollEventDispatcher()
{
    ::close(m_epollFd);
    ::close(m_wakeFd);
}

bool EpollEventDispatcher::processEvents(QEventLoop::ProcessEventsFlags flags)
{
    const Qt::HANDLE self = QThread::currentThreadId();
    if (m_loopThread.load(std::memory_order_relaxed) != self)
        m_loopThread.store(self, std::memory_order_relaxed);

    m_interrupted.store(false, std::memory_order_relaxed);
    m_localWakeUp = false;
    // Public API only: the posts made while this runs wake us up through wakeUp().
    QCoreApplication::sendPostedEvents();

    const bool includeTimers = !(flags & QEventLoop::X11ExcludeTimers);
    const bool includeNotifiers = !(flags & QEventLoop::ExcludeSocketNotifiers);
    if (m_interrupted.load(std::memory_order_relaxed))
        return false;

    qint64 timeoutNs = 0;
    if ((flags & QEventLoop::WaitForMoreEvents) && !m_localWakeUp) {
        if (includeNotifiers && !m_polledFds.empty())
            timeoutNs = 0;
        else if (includeTimers)
            timeoutNs = timerWaitNs(Clock::now());
        else
            timeoutNs = -1;
    }
    if (m_rebuild)
        rebuildEpollSet();

    const bool blocking = timeoutNs != 0;
    if (blocking) {
        Q_EMIT aboutToBlock();
        // A slot on aboutToBlock may have posted an event or asked us to stop.
        if (m_localWakeUp || m_interrupted.load(std::memory_order_relaxed))
            timeoutNs = 0;
    }
    int handled = waitForEvents(includeNotifiers, timeoutNs);
    if (blocking)
        Q_EMIT awake();

    if (includeNotifiers)
        handled += activateSocketNotifiers();
    if (includeTimers)
        handled += activateTimers();
    return handled > 0;
}

int EpollEventDispatcher::waitForEvents(bool includeNotifiers, qint64 timeoutNs)
{
    timespec timeout = toTimespec(qMax<qint64>(timeoutNs, 0));
    timespec *timeoutPtr = timeoutNs < 0 ? nullptr : &timeout;

    if (!includeNotifiers) {
        // Sockets stay ready in the epoll set; watch only for a wake-up, or a busy loop follows.
        pollfd wake { m_wakeFd, POLLIN, 0 };
        const int n = ::ppoll(&wake, 1, timeoutPtr, nullptr);
        if (n > 0) {
            drainWakeUps();
            return 1;
        }
        if (n < 0 && errno != EINTR)
            qCWarning(lcEventLoop, "ppoll: %s", std::strerror(errno));
        return 0;
    }

    epoll_event events[kMaxEvents];
    int n = -1;
#if defined(__GLIBC__) && (__GLIBC__ > 2 || __GLIBC_MINOR__ >= 35)
    // epoll_pwait2 takes a timespec: precise timers keep sub-millisecond accuracy.
    if (m_usePwait2) {
        n = ::epoll_pwait2(m_epollFd, events, kMaxEvents, timeoutPtr, nullptr);
        // Kernels before 5.11 say ENOSYS; older container seccomp profiles say EPERM.
        if (n < 0 && (errno == ENOSYS || errno == EPERM))
            m_usePwait2 = false;
    }
#else
    m_usePwait2 = false;
#endif
    if (!m_usePwait2) {
        // Round up: waking a little early would only spin until the deadline.
        const qint64 ms = timeoutNs < 0 ? -1 : (timeoutNs + 999999) / 1000000;
        n = ::epoll_wait(m_epollFd, events, kMaxEvents, int(qMin<qint64>(ms, INT_MAX)));
    }
    if (n < 0) {
        if (errno != EINTR)
            qCWarning(lcEventLoop, "epoll_wait: %s", std::strerror(errno));
        return 0;
    }

    int woken = 0;
    for (int i = 0; i < n; ++i) {
        const quint64 data = events[i].data.u64;
        if (data == kWakeUpTag) {
            drainWakeUps();
            woken = 1;
            continue;
        }
        const int fd = int(quint32(data));
        const auto it = m_fds.find(fd);
        if (it == m_fds.end() || it->second.serial != quint32(data >> 32)) {
            // A closed fd whose file lives on (dup, fork) stays in the set and cannot be
            // removed by number any more; level-triggered, it would wake us forever.
            if (!m_rebuild)
                qCDebug(lcEventLoop, "stale epoll registration for fd %d; rebuilding the set", fd);
            m_rebuild = true;
            continue;
        }
        markPending(fd, it->second, events[i].events);
    }
    for (const int fd : m_polledFds) {
        const auto it = m_fds.find(fd);
        if (it != m_fds.end())
            markPending(fd, it->second, EPOLLIN | EPOLLOUT);
    }
    return woken;
}

void EpollEventDispatcher::markPending(int fd, FdEntry &entry, quint32 revents)
{
    for (int type = 0; type < 3; ++type) {
        const quint8 bit = quint8(1u << type);
        if (entry.notifiers[type] && (revents & kTypeTriggers[type]) && !(entry.pending & bit)) {
            entry.pending |= bit;
            m_pendingNotifiers.emplace_back(fd, type);
        }
    }
}

int EpollEventDispatcher::activateSocketNotifiers()
{
    // The queue holds (fd, type), not notifiers: a notifier disabled or deleted by an earlier
    // activation in this pass has already cleared its pending bit, so it is skipped here.
    // Nested loops (a slot calling processEvents) take from the same queue.
    int activated = 0;
    QEvent event(QEvent::SockAct);
    while (!m_pendingNotifiers.empty()) {
        const auto [fd, type] = m_pendingNotifiers.front();
        m_pendingNotifiers.pop_front();
        const auto it = m_fds.find(fd);
        if (it == m_fds.end())
            continue;
        FdEntry &entry = it->second;
        const quint8 bit = quint8(1u << type);
        if (!(entry.pending & bit))
            continue;
        entry.pending &= quint8(~bit);
        if (QSocketNotifier *notifier = entry.notifiers[type]) {
            QCoreApplication::sendEvent(notifier, &event);
            ++activated;
        }
    }
    return activated;
}

void EpollEventDispatcher::registerSocketNotifier(QSocketNotifier *notifier)
{
    Q_ASSERT(notifier);
    const int fd = int(notifier->socket());
    const int type = int(notifier->type());
    if (fd < 0 || type < 0 || type > 2) {
        qCWarning(lcEventLoop, "QSocketNotifier: invalid socket %d or type %d", fd, type);
        return;
    }
    if (notifier->thread() != thread() || thread() != QThread::currentThread()) {
        qCWarning(lcEventLoop, "QSocketNotifier: cannot be enabled from another thread");
        return;
    }

    FdEntry &entry = m_fds[fd];
    if (entry.notifiers[type] && entry.notifiers[type] != notifier) {
        qCWarning(lcEventLoop, "Multiple socket notifiers for socket %d and type %s; the last wins",
            fd, typeName(type));
    }
    entry.notifiers[type] = notifier;
    entry.pending &= quint8(~(1u << type));
    if (!applyEvents(fd, entry)) {
        entry.notifiers[type] = nullptr;
        applyEvents(fd, entry);
    }
    if (!entry.notifiers[0] && !entry.notifiers[1] && !entry.notifiers[2])
        m_fds.erase(fd);
}

void EpollEventDispatcher::unregisterSocketNotifier(QSocketNotifier *notifier)
{
    Q_ASSERT(notifier);
    const int fd = int(notifier->socket());
    const int type = int(notifier->type());
    if (notifier->thread() != thread() || thread() != QThread::currentThread()) {
        qCWarning(lcEventLoop, "QSocketNotifier: cannot be disabled from another thread");
        return;
    }
    const auto it = m_fds.find(fd);
    if (it == m_fds.end() || type < 0 || type > 2 || it->second.notifiers[type] != notifier)
        return;
    FdEntry &entry = it->second;
    entry.notifiers[type] = nullptr;
    entry.pending &= quint8(~(1u << type));
    applyEvents(fd, entry);
    if (!entry.notifiers[0] && !entry.notifiers[1] && !entry.notifiers[2])
        m_fds.erase(it);
}

// Brings the kernel's registration of fd in line with its notifiers. Returns false when fd
// cannot be watched at all (not open).
bool EpollEventDispatcher::applyEvents(int fd, FdEntry &entry)
{
    quint32 wanted = 0;
    for (int type = 0; type < 3; ++type) {
        if (entry.notifiers[type])
            wanted |= kTypeEvents[type];
    }

    if (entry.polled) {
        entry.events = wanted;
        if (!wanted) {
            m_polledFds.erase(fd);
            entry.polled = false;
        }
        return true;
    }

    if (!wanted) {
        // EBADF/ENOENT: the fd was closed while registered; the kernel dropped it with the file
        // (or, if the file lives on elsewhere, the stale events trigger a rebuild).
        if (entry.serial != 0 && ::epoll_ctl(m_epollFd, EPOLL_CTL_DEL, fd, nullptr) != 0)
            qCDebug(lcEventLoop, "EPOLL_CTL_DEL fd %d: %s", fd, std::strerror(errno));
        entry.events = 0;
        entry.serial = 0;
        return true;
    }

    // Always tell the kernel, even when the mask is unchanged: a closed and reused fd number
    // must be added afresh (MOD fails with ENOENT), and this is where we find out.
    epoll_event event {};
    event.events = wanted;
    if (entry.serial != 0) {
        event.data.u64 = tag(fd, entry.serial);
        if (::epoll_ctl(m_epollFd, EPOLL_CTL_MOD, fd, &event) == 0) {
            entry.events = wanted;
            return true;
        }
        if (errno != ENOENT) {
            qCWarning(lcEventLoop, "QSocketNotifier: cannot watch socket %d: %s", fd,
                std::strerror(errno));
            return false;
        }
    }
    // A new serial: events of an old file still registered under this number are stale.
    if (++m_nextFdSerial == 0)
        m_nextFdSerial = 1;
    entry.serial = m_nextFdSerial;
    event.data.u64 = tag(fd, entry.serial);
    int result = ::epoll_ctl(m_epollFd, EPOLL_CTL_ADD, fd, &event);
    if (result != 0 && errno == EEXIST)
        result = ::epoll_ctl(m_epollFd, EPOLL_CTL_MOD, fd, &event);
    if (result == 0) {
        entry.events = wanted;
        return true;
    }
    if (errno == EPERM) {
        // Regular files and /dev/null: poll() reports them always ready, so do we.
        entry.polled = true;
        entry.events = wanted;
        entry.serial = 0;
        m_polledFds.insert(fd);
        return true;
    }
    qCWarning(lcEventLoop, "QSocketNotifier: invalid socket %d: %s", fd, std::strerror(errno));
    entry.events = 0;
    entry.serial = 0;
    return false;
}

void EpollEventDispatcher::rebuildEpollSet()
{
    m_rebuild = false;
    int fresh = ::epoll_create1(EPOLL_CLOEXEC);
    if (fresh < 0) {
        qCWarning(lcEventLoop, "epoll_create1: %s", std::strerror(errno));
        return;
    }
    epoll_event event {};
    event.events = EPOLLIN;
    event.data.u64 = kWakeUpTag;
    if (::epoll_ctl(fresh, EPOLL_CTL_ADD, m_wakeFd, &event) != 0) {
        qCWarning(lcEventLoop, "epoll_ctl(eventfd): %s", std::strerror(errno));
        ::close(fresh);
        return;
    }
    std::swap(m_epollFd, fresh);
    ::close(fresh);
    for (auto &[fd, entry] : m_fds) {
        if (entry.polled)
            continue;
        entry.serial = 0; // not in the new set yet
        applyEvents(fd, entry);
    }
}

void EpollEventDispatcher::registerTimer(
    int timerId, qint64 interval, Qt::TimerType timerType, QObject *object)
{
    if (timerId < 1 || interval < 0 || !object) {
        qCWarning(lcEventLoop, "QAbstractEventDispatcher::registerTimer: invalid arguments");
        return;
    }
    if (object->thread() != thread() || thread() != QThread::currentThread()) {
        qCWarning(lcEventLoop, "QObject::startTimer: cannot start a timer from another thread");
        return;
    }
    if (const auto old = m_timers.find(timerId); old != m_timers.end())
        eraseTimer(old); // Qt never does this, but a stale entry would corrupt the sets

    Timer timer;
    timer.object = object;
    timer.interval = interval;
    timer.type = timerType;
    timer.slack = slackFor(interval, timerType);
    timer.serial = m_nextTimerSerial++;
    Timer &stored = m_timers.emplace(timerId, timer).first->second;
    m_timersByObject.insert(object, timerId);
    scheduleTimer(timerId, stored, Clock::now() + std::chrono::milliseconds(interval));
}

void EpollEventDispatcher::scheduleTimer(int id, Timer &timer, TimePoint earliest)
{
    timer.earliest = earliest;
    timer.latest = earliest + timer.slack;
    m_byEarliest.emplace(timer.earliest, timer.serial, id);
    m_byLatest.emplace(timer.latest, timer.serial, id);
}

void EpollEventDispatcher::eraseTimer(std::unordered_map<int, Timer>::iterator it)
{
    const Timer &timer = it->second;
    m_byEarliest.erase(TimerKey(timer.earliest, timer.serial, it->first));
    m_byLatest.erase(TimerKey(timer.latest, timer.serial, it->first));
    m_timersByObject.remove(timer.object, it->first);
    m_timers.erase(it);
}

bool EpollEventDispatcher::unregisterTimer(int timerId)
{
    const auto it = m_timers.find(timerId);
    if (it == m_timers.end())
        return false;
    if (thread() != QThread::currentThread()) {
        qCWarning(lcEventLoop, "QObject::killTimer: cannot stop a timer from another thread");
        return false;
    }
    eraseTimer(it);
    return true;
}

bool EpollEventDispatcher::unregisterTimers(QObject *object)
{
    if (!object)
        return false;
    if (object->thread() != thread() || thread() != QThread::currentThread()) {
        qCWarning(lcEventLoop, "QObject::killTimers: cannot stop timers from another thread");
        return false;
    }
    const QList<int> ids = m_timersByObject.values(object);
    for (const int id : ids) {
        if (const auto it = m_timers.find(id); it != m_timers.end())
            eraseTimer(it);
    }
    return !ids.isEmpty();
}

QList<QAbstractEventDispatcher::TimerInfo> EpollEventDispatcher::registeredTimers(
    QObject *object) const
{
    QList<TimerInfo> timers;
    if (!object)
        return timers;
    for (auto it = m_timersByObject.constFind(object);
         it != m_timersByObject.cend() && it.key() == object; ++it) {
        const Timer &timer = m_timers.at(it.value());
        timers.append(TimerInfo(it.value(), int(timer.interval), timer.type));
    }
    return timers;
}

int EpollEventDispatcher::remainingTime(int timerId)
{
    const auto it = m_timers.find(timerId);
    if (it == m_timers.end())
        return -1;
    const auto left = it->second.earliest - Clock::now();
    if (left <= 0ns)
        return 0;
    return int(std::chrono::ceil<std::chrono::milliseconds>(left).count());
}

// Nanoseconds until a timer is due (0: now, -1: none). Wakes at the latest moment that still
// honours every timer's slack, then pulls that back to the last deadline due by then: the
// same timers fire together, none later than it has to.
qint64 EpollEventDispatcher::timerWaitNs(TimePoint now) const
{
    const TimerKey *bound = nullptr;
    for (const TimerKey &key : m_byLatest) {
        // A timer inside its own timerEvent (a nested loop) does not fire, so does not wake.
        if (!m_timers.at(std::get<2>(key)).activating) {
            bound = &key;
            break;
        }
    }
    if (!bound)
        return -1;
    auto last = m_byEarliest.upper_bound(
        TimerKey(std::get<0>(*bound), std::numeric_limits<quint64>::max(), INT_MAX));
    Q_ASSERT(last != m_byEarliest.begin());
    const TimePoint fireAt = std::get<0>(*std::prev(last));
    if (fireAt <= now)
        return 0;
    return std::chrono::duration_cast<std::chrono::nanoseconds>(fireAt - now).count();
}

int EpollEventDispatcher::activateTimers()
{
    if (m_byEarliest.empty())
        return 0;
    const TimePoint now = Clock::now();

    // Snapshot what is due: a timer fires at most once per pass (zero timers included), and
    // one started or restarted by a timerEvent waits for the next pass.
    QVarLengthArray<std::pair<int, quint64>, 32> due;
    for (const TimerKey &key : m_byEarliest) {
        if (std::get<0>(key) > now)
            break;
        due.append({ std::get<2>(key), std::get<1>(key) });
    }

    int activated = 0;
    for (const auto &[id, serial] : due) {
        auto it = m_timers.find(id);
        // Gone (killed earlier in this pass), replaced by a new timer with the same id, or
        // already inside its own timerEvent further up the stack.
        if (it == m_timers.end() || it->second.serial != serial || it->second.activating)
            continue;
        Timer &timer = it->second;
        // From the previous deadline, so a repeating timer does not drift; skip missed ones.
        TimePoint next = timer.earliest + std::chrono::milliseconds(timer.interval);
        if (next < now)
            next = now + std::chrono::milliseconds(timer.interval);
        // Re-key the set nodes in place: no allocation per timeout.
        auto early = m_byEarliest.extract(TimerKey(timer.earliest, serial, id));
        auto late = m_byLatest.extract(TimerKey(timer.latest, serial, id));
        timer.earliest = next;
        timer.latest = next + timer.slack;
        early.value() = TimerKey(timer.earliest, serial, id);
        late.value() = TimerKey(timer.latest, serial, id);
        m_byEarliest.insert(std::move(early));
        m_byLatest.insert(std::move(late));
        if (timer.interval > 0)
            ++activated; // as QEventDispatcherUNIX: zero timers are not "events"

        timer.activating = true;
        QTimerEvent event(id);
        QCoreApplication::sendEvent(timer.object, &event);
        // `timer` may be dangling now: look it up again.
        it = m_timers.find(id);
        if (it != m_timers.end() && it->second.serial == serial)
            it->second.activating = false;
    }
    return activated;
}

void EpollEventDispatcher::wakeUp()
{
    // From our own thread we are not blocked: not blocking in the next wait is enough, and
    // saves a write and a read on the eventfd for every event posted while we run.
    if (m_loopThread.load(std::memory_order_relaxed) == QThread::currentThreadId()) {
        m_localWakeUp = true;
        return;
    }
    if (m_wakeUpPending.exchange(true, std::memory_order_acq_rel))
        return; // already signalled, not yet drained
    const quint64 one = 1;
    while (::write(m_wakeFd, &one, sizeof one) < 0 && errno == EINTR) { }
}

void EpollEventDispatcher::interrupt()
{
    m_interrupted.store(true, std::memory_order_relaxed);
    wakeUp();
}

void EpollEventDispatcher::drainWakeUps()
{
    quint64 count = 0;
    while (::read(m_wakeFd, &count, sizeof count) < 0 && errno == EINTR) { }
    // After the read: a wakeUp() between the two is covered by the next pass's
    // sendPostedEvents(); clearing first could leave the flag set with nothing to read.
    m_wakeUpPending.store(false, std::memory_order_release);
}

} // namespace pc::eventloop
