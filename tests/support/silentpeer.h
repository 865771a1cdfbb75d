#pragma once

#include <QTcpServer>
#include <QUrl>

namespace pc::test {

// A peer that takes TCP connections on a free port and then says nothing: a host that hangs.
// With upgrade it first completes the WebSocket handshake (and still answers no frame, not
// even a ping).
class SilentPeer : public QTcpServer
{
    Q_OBJECT
public:
    explicit SilentPeer(bool upgrade, QObject *parent = nullptr);
    QUrl url() const; // ws://127.0.0.1:PORT/api/realtime
    int connections() const { return m_connections; }

private:
    bool m_upgrade;
    int m_connections = 0;
};

} // namespace pc::test
