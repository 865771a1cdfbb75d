#pragma once

#include <QTcpServer>

namespace pc::host {

// Accepts TCP connections for the WebSocket server: Nagle off (a 2-person room is ~100x
// slower with it) and a deep listen backlog (the default drops connect bursts). TLS will
// wrap the accepted socket here. Out of file descriptors, it stops accepting for a moment
// instead of spinning on a listening socket that stays readable, and tries again.
class Acceptor : public QTcpServer
{
    Q_OBJECT
public:
    explicit Acceptor(int backlog, QObject *parent = nullptr);

    // listen() on a port other processes share (SO_REUSEPORT), for --workers.
    bool listenShared(const QHostAddress &address, quint16 port, QString *error);

protected:
    void incomingConnection(qintptr descriptor) override;

private:
    void onAcceptError(QAbstractSocket::SocketError error);

    bool m_outOfDescriptors = false; // said once per episode
};

} // namespace pc::host
