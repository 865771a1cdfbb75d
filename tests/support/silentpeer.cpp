#include "silentpeer.h"

#include <QCryptographicHash>
#include <QTcpSocket>

namespace pc::test {

SilentPeer::SilentPeer(bool upgrade, QObject *parent) : QTcpServer(parent), m_upgrade(upgrade)
{
    listen(QHostAddress::LocalHost, 0);
    connect(this, &QTcpServer::newConnection, this, [this] {
        QTcpSocket *peer = nextPendingConnection();
        peer->setParent(this);
        ++m_connections;
        connect(peer, &QTcpSocket::readyRead, peer, [this, peer] {
            const QByteArray request = peer->readAll();
            const qsizetype at = request.indexOf("Sec-WebSocket-Key: ");
            if (!m_upgrade || at < 0)
                return; // frames after the handshake: ignored
            const QByteArray key = request.mid(at + 19, request.indexOf("\r\n", at) - at - 19);
            const QByteArray accept = QCryptographicHash::hash(
                key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11", QCryptographicHash::Sha1)
                                          .toBase64();
            peer->write(
                "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                "Sec-WebSocket-Accept: "
                + accept + "\r\n\r\n");
        });
    });
}

QUrl SilentPeer::url() const
{
    return QUrl(QStringLiteral("ws://127.0.0.1:%1/api/realtime").arg(serverPort()));
}

} // namespace pc::test
