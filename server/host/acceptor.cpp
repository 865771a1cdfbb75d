#include "acceptor.h"

#include "directsocket.h"
#include "reuseport.h"

#include <QTcpSocket>

#include <sys/socket.h>
#include <unistd.h>

namespace pc::host {

Acceptor::Acceptor(int backlog, QObject *parent) : QTcpServer(parent)
{
    setListenBacklogSize(backlog);
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
    // No parent: the QWebSocket that takes the socket over owns it from then on.
    auto *socket = new DirectSocket;
    if (!socket->setSocketDescriptor(descriptor)) {
        delete socket;
        return;
    }
    socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    addPendingConnection(socket);
}

} // namespace pc::host
