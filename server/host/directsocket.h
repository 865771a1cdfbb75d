#pragma once

#include <QTcpSocket>

namespace pc::host {

// A server-side TCP connection that writes straight to the kernel while nothing waits in
// its write buffer. QTcpSocket always buffers an accepted connection's writes: it flushes one
// loop pass later and keeps a 32 KiB buffer chunk per connection from the first write on (the
// WebSocket handshake), which at 10k idle members is most of the host's memory. Whatever the
// kernel does not take goes to that buffer, which keeps the order from then on. Bytes sent
// directly raise no bytesWritten(); the host does not use it.
//
// Every byte written to the connection passes here, Qt's own pongs and close frames too, so
// this is where the outgoing limit holds: once more than the limit waits (in our buffer and in
// the kernel's send queue), further writes are dropped and overLimit() is raised once.
class DirectSocket : public QTcpSocket
{
    Q_OBJECT
public:
    using QTcpSocket::QTcpSocket;

    // Caps the kernel's send buffer too, so what the kernel holds stays well under the limit
    // and the rest waits where it is counted.
    void setOutgoingLimit(qint64 bytes);
    // Bytes written but not yet acknowledged by the peer: our buffer plus the kernel's queue.
    qint64 queuedBytes() const;
    bool isOverLimit() const { return m_overLimit; }

Q_SIGNALS:
    void overLimit(); // queued: raised from inside writes

protected:
    qint64 writeData(const char *data, qint64 size) override;

private:
    qint64 m_limit = -1;
    bool m_overLimit = false;
};

} // namespace pc::host
