#include "preferreddispatcher.h"

#include "eventlooplog.h"

#include <QAbstractEventDispatcher>
#include <QThread>

#ifdef Q_OS_LINUX
#include "epolleventdispatcher.h"
#endif

// Debug output (fd bookkeeping) only on request: QT_LOGGING_RULES="pc.eventloop.debug=true".
Q_LOGGING_CATEGORY(lcEventLoop, "pc.eventloop", QtInfoMsg)

namespace pc::eventloop {

bool epollDispatcherPreferred()
{
#ifdef Q_OS_LINUX
    const QByteArray choice = qgetenv("PC_EVENT_DISPATCHER").trimmed().toLower();
    if (choice == "qt")
        return false;
    if (!choice.isEmpty() && choice != "epoll")
        qCWarning(lcEventLoop,
            "PC_EVENT_DISPATCHER=%s is neither \"epoll\" nor \"qt\"; using epoll",
            choice.constData());
    return true;
#else
    return false;
#endif
}

void installPreferredDispatcher()
{
    if (!epollDispatcherPreferred()) {
        qCDebug(lcEventLoop, "keeping Qt's event dispatcher");
        return;
    }
    if (QAbstractEventDispatcher::instance()) {
        qCWarning(lcEventLoop,
            "installPreferredDispatcher: this thread already has an event "
            "dispatcher (call it before QCoreApplication)");
        return;
    }
#ifdef Q_OS_LINUX
    // For the main thread this is what QCoreApplication::setEventDispatcher() does.
    QThread::currentThread()->setEventDispatcher(new EpollEventDispatcher);
    qCDebug(lcEventLoop, "epoll event dispatcher installed");
#endif
}

void installPreferredDispatcher(QThread *thread)
{
    if (!thread || !epollDispatcherPreferred())
        return;
    if (thread->isRunning() || thread->eventDispatcher()) {
        qCWarning(lcEventLoop,
            "installPreferredDispatcher: the thread already has an event "
            "dispatcher (call it before QThread::start())");
        return;
    }
#ifdef Q_OS_LINUX
    thread->setEventDispatcher(new EpollEventDispatcher);
    qCDebug(lcEventLoop, "epoll event dispatcher installed for thread \"%s\"",
        qPrintable(thread->objectName()));
#endif
}

} // namespace pc::eventloop
