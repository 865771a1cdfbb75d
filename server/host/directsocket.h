#pragma once

#include "clientframes.h"

#include <QSslSocket>

#include <memory>

namespace pc::host {

// A server-side TCP connection that writes straight to the kernel while nothing waits in
// its write buffer. A QSslSocket that starts unencrypted: the handshake gate looks at the first
// byte and turns TLS on (startServerEncryption()) when a client hello comes; over TLS every
// write is encrypted and flushed to the kernel in the same call. QTcpSocket always buffers an
// accepted connection's writes: it flushes one loop pass later and keeps a 32 KiB buffer chunk per
// connection from the first write on (the WebSocket handshake), which at 10k idle members is most
// of the host's memory. Whatever the kernel does not take goes to that buffer, which keeps the
// order from then on. Bytes sent directly raise no bytesWritten(); the host does not use it.
//
// Every byte written to the connection passes here, Qt's own pongs and close frames too, so
// this is where the outgoing limit holds: once more than the limit waits (in our buffer and in
// the kernel's send queue), further writes are dropped and overLimit() is raised once.
//
// Once the WebSocket is open, every byte read from the client passes a ClientFrameFilter
// first: this socket takes what arrived out of its read buffer before anyone else hears of
// it, and puts back only whole, checked frames.
class DirectSocket : public QSslSocket
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
    // Bytes written but not yet acknowledged by the peer: our buffers plus the kernel's queue.
    qint64 queuedBytes() const;
    // Bytes written but not yet handed to the kernel (over TLS: plain and encrypted ones).
    qint64 unsentBytes() const { return bytesToWrite() + encryptedBytesToWrite(); }
    // Shuts the connection for writing (a FIN) once every byte went to the kernel.
    void shutdownWhenWritten();
    bool isOverLimit() const { return m_overLimit; }
    // Gives back the read buffers' memory once everything read has been taken (see the .cpp);
    // cheap when nothing was read since the last call. The host calls it from its idle sweep.
    void releaseReadBuffers();

Q_SIGNALS:
    void overLimit();         // queued: raised from inside writes
    void protocolViolation(); // queued; violation() says which

protected:
    qint64 writeData(const char *data, qint64 size) override;

private:
    // Checks raw and puts its whole frames back, after `checked` (frames checked before).
    void filterIncoming(QByteArray raw, const QByteArray &checked = {});
    void hold();
    void restoreHeld();
    qint64 writeEncrypted(const char *data, qint64 size);
    // Filters what was held back and tells the readers, on the next loop pass.
    void replayLater();
    // Whether `more` bytes would pass the limit; raises overLimit() once if so.
    bool passesLimit(qint64 more);

    std::unique_ptr<ClientFrameFilter> m_filter;
    std::optional<ClientFrameFilter::Violation> m_violation;
    QByteArray m_early;
    bool m_replaying = false; // readyRead raised for frames already checked
    bool m_writing = false;   // inside an encrypting write: what is read is held
    qint64 m_checkedBeforeWrite = 0;
    QByteArray m_heldChecked, m_heldRaw;
    qint64 m_limit = -1;
    bool m_overLimit = false;
    bool m_readSinceRelease = false;
};

} // namespace pc::host
