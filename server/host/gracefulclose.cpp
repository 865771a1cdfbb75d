#include "gracefulclose.h"

#include "directsocket.h"

#include <QTcpSocket>
#include <QTimer>

#include <sys/socket.h>

namespace pc::host {

void closeGracefully(QTcpSocket *socket, int graceMs)
{
    QTimer::singleShot(graceMs, socket, [socket] { socket->abort(); });
    QObject::connect(socket, &QIODevice::readyRead, socket,
        [socket] { socket->skip(socket->bytesAvailable()); });
    if (DirectSocket *direct = DirectSocket::of(socket))
        return direct->shutdownWhenWritten(); // over TLS too
    const auto finish = [socket] {
        if (socket->bytesToWrite() == 0)
            ::shutdown(int(socket->socketDescriptor()), SHUT_WR);
    };
    if (socket->bytesToWrite() == 0)
        return finish();
    QObject::connect(socket, &QIODevice::bytesWritten, socket, finish);
}

} // namespace pc::host
