#pragma once

#include "clientframes.h"

#include <QTcpSocket>

#include <memory>

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
//
// Once the WebSocket is open, every byte read from the client passes a ClientFrameFilter
// first: this socket takes what arrived out of its read buffer before anyone else hears of
// it, and puts back only whole, checked frames.
class DirectSocket : public QTcpSocket
{
    Q_OBJECT
public:
    explicit DirectSocket(QObject *parent = nullptr);
    ~DirectSocket() override;

    // Bytes that came after the handshake request, kept out of the read buffer until the
    // filter starts, so no frame reaches Qt unchecked.
    void keepEarlyBytes(QByteArray bytes) { m_early = std::move(bytes); }
    void startFrameFilter(qint64 maxFrameBytes);
    // Whether each data message the filter passed on was text (see ClientFrameFilter).
    QList<bool> &messageKinds() { return m_filter->messageKinds(); }
    const std::optional<ClientFrameFilter::Violation> &violation() const { return m_violation; }

    // Caps the kernel's send buffer too, so what the kernel holds stays well under the limit
    // and the rest waits where it is counted.
    void setOutgoingLimit(qint64 bytes);
    // Bytes written but not yet acknowledged by the peer: our buffer plus the kernel's queue.
    qint64 queuedBytes() const;
    bool isOverLimit() const { return m_overLimit; }

Q_SIGNALS:
    void overLimit();         // queued: raised from inside writes
    void protocolViolation(); // queued; violation() says which

protected:
    qint64 writeData(const char *data, qint64 size) override;

private:
    void filterIncoming(QByteArray raw);

    std::unique_ptr<ClientFrameFilter> m_filter;
    std::optional<ClientFrameFilter::Violation> m_violation;
    QByteArray m_early;
    bool m_replaying = false; // readyRead raised for frames already checked
    qint64 m_limit = -1;
    bool m_overLimit = false;
};

} // namespace pc::host
