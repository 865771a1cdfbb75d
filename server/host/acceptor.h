#pragma once

#include <QTcpServer>

namespace pc::host {

// Accepts TCP connections for the handshake gate, which makes their sockets: Nagle off (a
// 2-person room is ~100x slower with it) and a deep listen backlog (the default drops connect
// bursts). Out of file descriptors, it stops accepting for a moment instead of spinning on a
// listening socket that stays readable, and tries again.
class Acceptor : public QTcpServer
{
    Q_OBJECT
public:
    explicit Acceptor(int backlog, QObject *parent = nullptr);

    // listen() on a port other processes share (SO_REUSEPORT), for --workers.
    bool listenShared(const QHostAddress &address, quint16 port, QString *error);

Q_SIGNALS:
    // A new connection's descriptor: whoever takes it closes it.
    void accepted(qintptr descriptor);

protected:
    void incomingConnection(qintptr descriptor) override;

private:
    void onAcceptError(QAbstractSocket::SocketError error);

    bool m_outOfDescriptors = false; // said once per episode
};

} // namespace pc::host
