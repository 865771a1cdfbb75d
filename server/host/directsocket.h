#pragma once

#include "clientframes.h"

#include <optional>

class QSslConfiguration;
class QTcpSocket;

namespace pc::host {

// Told what a DirectSocket finds, always from the event loop: never inside the write or the
// read that found it. An interface, not signals: there is one per member, and signals cost a
// QObject and a connection each per member.
class DirectSocketObserver
{
public:
    virtual void received() = 0; // bytes came (any: pings and pongs too)
    // A whole message or control frame (see ClientFrameReader), told as soon as it is read.
    virtual void frameRead(ClientFrameReader::Kind kind, QByteArray payload) = 0;
    virtual void outgoingOverLimit() = 0;
    virtual void protocolViolated() = 0; // violation() says which

protected:
    ~DirectSocketObserver() = default;
};

// A server-side TCP connection that writes straight to the kernel while nothing waits in
// its write buffer. QTcpSocket always buffers an accepted connection's writes: it flushes one
// loop pass later and keeps a 32 KiB buffer chunk per connection from the first write on (the
// WebSocket handshake), which at 10k idle members is most of the host's memory. Whatever the
// kernel does not take goes to that buffer, which keeps the order from then on. Bytes sent
// directly raise no bytesWritten(); the host does not use it.
//
// Two kinds, chosen by the handshake gate from the connection's first byte: a plain QTcpSocket
// (most of a host's members: 4 KiB less each) and a QSslSocket that starts unencrypted, for a
// client hello; the gate turns TLS on (startServerTls()), and from then on every write is
// encrypted and flushed to the kernel in the same call.
//
// Every byte written to the connection passes here, Qt's own pongs and close frames too, so
// this is where the outgoing limit holds: once more than the limit waits (in our buffer and in
// the kernel's send queue), further writes are dropped and overLimit() is raised once.
//
// Once the WebSocket is open, every byte read from the client goes through a ClientFrameReader
// as it arrives, and what it completes goes to the observer: QWebSocket's own decoder never
// sees the bytes.
class DirectSocket
{
public:
    // Made on an accepted descriptor; nullptr when Qt does not take it.
    static DirectSocket *plain(qintptr descriptor);
    static DirectSocket *tlsCapable(qintptr descriptor);
    // The DirectSocket a socket of the host is (nullptr for any other).
    static DirectSocket *of(QTcpSocket *socket);

    virtual ~DirectSocket() = default;

    // The connection as Qt sees it (a QSslSocket for tlsCapable()).
    virtual QTcpSocket *socket() = 0;
    // Who is told (nullptr: no one); it must outlive the socket or unset itself.
    void setObserver(DirectSocketObserver *observer) { m_observer = observer; }

    // Starts the server side of a TLS handshake; false for a plain socket.
    virtual bool startServerTls(const QSslConfiguration &configuration) = 0;
    virtual bool isEncrypting() const = 0;

    // Bytes that came after the handshake request, kept out of the read buffer until the
    // reader starts, so none reaches Qt's decoder.
    void keepEarlyBytes(QByteArray bytes) { m_early = std::move(bytes); }
    // From now on every byte read goes to the reader; the early ones on the next loop pass.
    virtual void startFrameReader(qint64 maxMessageBytes) = 0;
    const std::optional<ClientFrameReader::Violation> &violation() const { return m_violation; }

    // Caps the kernel's send buffer too, so what the kernel holds stays well under the limit
    // and the rest waits where it is counted.
    virtual void setOutgoingLimit(qint64 bytes) = 0;
    // Bytes written but not yet acknowledged by the peer: our buffers plus the kernel's queue.
    virtual qint64 queuedBytes() const = 0;
    // Bytes written but not yet handed to the kernel (over TLS: plain and encrypted ones).
    virtual qint64 unsentBytes() const = 0;
    // Shuts the connection for writing (a FIN) once every byte went to the kernel.
    virtual void shutdownWhenWritten() = 0;
    bool isOverLimit() const { return m_overLimit; }
    // Gives back the read buffers' memory once everything read has been taken (see the .cpp);
    // cheap when nothing was read since the last call. The host calls it from its idle sweep.
    virtual void releaseReadBuffers() = 0;

protected:
    DirectSocketObserver *m_observer = nullptr;
    std::unique_ptr<ClientFrameReader> m_reader;
    std::optional<ClientFrameReader::Violation> m_violation;
    QByteArray m_early;
    qint64 m_limit = -1;
    bool m_overLimit = false;
};

} // namespace pc::host
