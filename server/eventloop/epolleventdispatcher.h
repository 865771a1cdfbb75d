#pragma once

#include <QAbstractEventDispatcher>
#include <QMultiHash>

#include <atomic>
#include <chrono>
#include <deque>
#include <set>
#include <tuple>
#include <unordered_map>
#include <unordered_set>

namespace pc::eventloop {

// A Linux event dispatcher on one epoll set. Qt 6.4's QEventDispatcherUNIX (and the glib one)
// hand every socket notifier to poll() on every loop pass; here a pass costs O(active fds +
// due timers), so thousands of idle connections cost nothing.
//
// Install before the thread's first event loop:
//   QCoreApplication::setEventDispatcher(new EpollEventDispatcher); // before QCoreApplication
//   thread->setEventDispatcher(new EpollEventDispatcher);           // before QThread::start()
//
// Socket notifiers are level-triggered, like poll(). Timers keep Qt's precision contract:
// PreciseTimer to the millisecond, CoarseTimer within 5 % late, VeryCoarseTimer within 1 s
// late; none fires early. wakeUp() and interrupt() are safe from any thread.
class EpollEventDispatcher : public QAbstractEventDispatcher
{
    Q_OBJECT
public:
    explicit EpollEventDispatcher(QObject *parent = nullptr);
    ~EpollEventDispatcher() override;

    bool processEvents(QEventLoop::ProcessEventsFlags flags) override;

    void registerSocketNotifier(QSocketNotifier *notifier) override;
    void unregisterSocketNotifier(QSocketNotifier *notifier) override;

    using QAbstractEventDispatcher::registerTimer;
    void registerTimer(
        int timerId, qint64 interval, Qt::TimerType timerType, QObject *object) override;
    bool unregisterTimer(int timerId) override;
    bool unregisterTimers(QObject *object) override;
    QList<TimerInfo> registeredTimers(QObject *object) const override;
    int remainingTime(int timerId) override;

    void wakeUp() override;
    void interrupt() override;

private:
    using Clock = std::chrono::steady_clock;
    using TimePoint = Clock::time_point;

    struct FdEntry
    {
        QSocketNotifier *notifiers[3] = {}; // by QSocketNotifier::Type
        quint32 events = 0;                 // what epoll watches for
        quint32 serial = 0;                 // tells this registration's events from a stale one's
        quint8 pending = 0;                 // types marked for activation in this pass, by bit
        bool polled = false; // not pollable by epoll (regular file): always ready, like poll()
    };

    // (deadline, serial, id): the serial orders timers due together by registration.
    using TimerKey = std::tuple<TimePoint, quint64, int>;
    struct Timer
    {
        QObject *object = nullptr;
        qint64 interval = 0;
        Qt::TimerType type = Qt::CoarseTimer;
        std::chrono::nanoseconds slack {};
        TimePoint earliest;      // never fire before
        TimePoint latest;        // never fire after (earliest + slack)
        quint64 serial = 0;      // new on every registration, so a reused id is a new timer
        bool activating = false; // inside its own timerEvent: do not recurse
    };

    int waitForEvents(bool includeNotifiers, qint64 timeoutNs);
    bool applyEvents(int fd, FdEntry &entry);
    void markPending(int fd, FdEntry &entry, quint32 revents);
    int activateSocketNotifiers();
    int activateTimers();
    qint64 timerWaitNs(TimePoint now) const;
    void scheduleTimer(int id, Timer &timer, TimePoint earliest);
    void eraseTimer(std::unordered_map<int, Timer>::iterator it);
    void drainWakeUps();
    void rebuildEpollSet();

    int m_epollFd = -1;
    int m_wakeFd = -1;                           // eventfd
    std::atomic<bool> m_wakeUpPending { false }; // coalesces writes to m_wakeFd
    std::atomic<bool> m_interrupted { false };
    std::atomic<Qt::HANDLE> m_loopThread { nullptr }; // the thread running processEvents
    bool m_localWakeUp = false; // wakeUp() from our own thread: just do not block
    bool m_rebuild = false;     // a closed fd left a registration we cannot remove
    bool m_usePwait2 = true;    // epoll_pwait2 (ns timeout) until ENOSYS/EPERM

    std::unordered_map<int, FdEntry> m_fds;
    quint32 m_nextFdSerial = 1;
    std::unordered_set<int> m_polledFds;                // the FdEntry::polled ones
    std::deque<std::pair<int, int>> m_pendingNotifiers; // (fd, type), shared by nested passes

    std::unordered_map<int, Timer> m_timers;
    QMultiHash<QObject *, int> m_timersByObject;
    std::set<TimerKey> m_byEarliest; // when each timer may fire
    std::set<TimerKey> m_byLatest;   // when each timer must have fired
    quint64 m_nextTimerSerial = 1;
};

} // namespace pc::eventloop
