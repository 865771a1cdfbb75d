#include "acceptor.h"

#include "hostlog.h"
#include "reuseport.h"

#include <QTimer>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

namespace pc::host {

Acceptor::Acceptor(int backlog, QObject *parent) : QTcpServer(parent)
{
    setListenBacklogSize(backlog);
    connect(this, &QTcpServer::acceptError, this, &Acceptor::onAcceptError);
}

void Acceptor::onAcceptError(QAbstractSocket::SocketError error)
{
    if (error != QAbstractSocket::SocketResourceError)
        return;
    // EMFILE/ENFILE: the pending connection stays queued in the kernel; accept again once
    // descriptors may have come back, instead of a busy loop on a readable socket.
    if (!m_outOfDescriptors) {
        m_outOfDescriptors = true;
        qCWarning(lcHost) << "out of file descriptors: not accepting connections for now";
    }
    pauseAccepting();
    QTimer::singleShot(100, this, [this] {
        if (isListening())
            resumeAccepting();
    });
}

bool Acceptor::listenShared(const QHostAddress &address, quint16 port, QString *error)
{
    const int fd = bindPort(address, port, true, error);
    if (fd < 0)
        return false;
    if (::listen(fd, listenBacklogSize()) < 0 || !setSocketDescriptor(fd)) {
        if (error)
            *error = QStringLiteral("listen failed");
        ::close(fd);
        return false;
    }
    return true;
}

void Acceptor::incomingConnection(qintptr descriptor)
{
    if (m_outOfDescriptors) {
        m_outOfDescriptors = false;
        qCInfo(lcHost) << "accepting connections again";
    }
    const int one = 1;
    ::setsockopt(int(descriptor), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    Q_EMIT accepted(descriptor);
}

} // namespace pc::host
