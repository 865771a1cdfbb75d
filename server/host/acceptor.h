#pragma once

#include <QTcpServer>

namespace pc::host {

// Accepts TCP connections for the WebSocket server: Nagle off (a 2-person room is ~100x
// slower with it) and a deep listen backlog (the default drops connect bursts). TLS will
// wrap the accepted socket here.
class Acceptor : public QTcpServer
{
    Q_OBJECT
public:
    explicit Acceptor(int backlog, QObject *parent = nullptr);

protected:
    void incomingConnection(qintptr descriptor) override;
};

} // namespace pc::host
