#include "acceptor.h"

#include <QTcpSocket>

namespace pc::host {

Acceptor::Acceptor(int backlog, QObject *parent) : QTcpServer(parent)
{
    setListenBacklogSize(backlog);
}

void Acceptor::incomingConnection(qintptr descriptor)
{
    // No parent: the QWebSocket that takes the socket over owns it from then on.
    auto *socket = new QTcpSocket;
    if (!socket->setSocketDescriptor(descriptor)) {
        delete socket;
        return;
    }
    socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    addPendingConnection(socket);
}

} // namespace pc::host
