#pragma once

#include <QTcpSocket>

namespace pc::host {

// A server-side TCP connection that writes straight to the kernel while nothing waits in
// its write buffer. QTcpSocket always buffers an accepted connection's writes: it flushes one
// loop pass later and keeps a 32 KiB buffer chunk per connection from the first write on (the
// WebSocket handshake), which at 10k idle members is most of the host's memory. Whatever the
// kernel does not take goes to that buffer, which keeps the order from then on. Bytes sent
// directly raise no bytesWritten(); the host does not use it.
class DirectSocket : public QTcpSocket
{
    Q_OBJECT
public:
    using QTcpSocket::QTcpSocket;

protected:
    qint64 writeData(const char *data, qint64 size) override;
};

} // namespace pc::host
