#pragma once

#include <QTcpServer>

namespace pc::host {

// The HTTP side of the host's port: the QTcpServer that QHttpServer is bound to. It accepts
// nothing itself; the handshake gate hands it the connections whose request is plain HTTP.
//
// Qt 6.4 wants a listening server: QAbstractHttpServer::bind() warns about one that is not,
// and QTcpServer::nextPendingConnection() warns on every connection. So it listens on a unix
// socket whose path is removed at once: listening for Qt, reachable by no one.
class HttpSide : public QTcpServer
{
    Q_OBJECT
public:
    using QTcpServer::QTcpServer;

    bool open(QString *error);
    void hand(QTcpSocket *socket) { addPendingConnection(socket); }
};

} // namespace pc::host
