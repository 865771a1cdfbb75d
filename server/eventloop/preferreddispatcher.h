#pragma once

class QThread;

namespace pc::eventloop {

// The product's switch between our epoll dispatcher (the default on Linux) and Qt's own:
// PC_EVENT_DISPATCHER=qt keeps Qt's, e.g. to rule the dispatcher out when chasing a bug.
bool epollDispatcherPreferred();

// For the calling thread: call before its QCoreApplication is constructed (main thread) or
// before its first event loop. Does nothing if the thread already has a dispatcher.
void installPreferredDispatcher();

// For a QThread that has not been started yet (e.g. the app's host thread).
void installPreferredDispatcher(QThread *thread);

} // namespace pc::eventloop
