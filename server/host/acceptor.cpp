#include "acceptor.h"

#include <QTcpSocket>

namespace pc::host {

Acceptor::Acceptor(int backlog, QObject *parent)
    : QTcpServer(parent)
{
    setListenBacklogSize(backlog);
}

void Acceptor::incomingConnection(qintptr descriptor)
{
    auto *socket = new QTcpSocket(this);
    if (!socket->setSocketDescriptor(descriptor)) {
        delete socket;
        return;
    }
    socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    addPendingConnection(socket);
}

} // namespace pc::host
