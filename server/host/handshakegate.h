#pragma once

#include "directsocket.h"

#include <QByteArray>
#include <QHash>
#include <QHostAddress>
#include <QObject>
#include <QPointer>
#include <QSslConfiguration>

#include <deque>
#include <optional>

class QSocketNotifier;
class QTimer;

namespace pc::host {

struct GateLimits
{
    int handshakeTimeoutMs = 5000; // from accept to a complete request, not reset per byte
    int maxHeaderBytes = 8192;     // the whole HTTP request head
    int maxPerAddress = 256;       // open connections from one address; 0: no limit
    int maxConnections = 1 << 30;  // all open connections (the file descriptors we may use)
    qint64 maxBodyBytes = 65536;   // an HTTP request's body (Content-Length)
};

// What a connection's first byte may open: TLS (a handshake record, 0x16) or plain HTTP.
struct GateTransport
{
    std::optional<QSslConfiguration> tls; // none: plain only, and a TLS client hello is dropped
    // false: plain requests only from a loopback address (protocol v1's plain ws:// on
    // loopback); from anywhere else they get 426.
    bool plainFromAnywhere = true;
};

// The door before QWebSocketServer and the HTTP API. It takes accepted descriptors and makes
// their sockets once the first byte is here: that byte decides the transport (GateTransport)
// and so the kind of socket (DirectSocket: a plain one unless it is a client hello); over TLS,
// the deadline below covers the TLS handshake too. A connection is handed on only once its
// whole HTTP request head is here, read once and scanned once (O(bytes) however slowly it
// trickles in), within a deadline from accept: a WebSocket upgrade to ready(), any other
// request to httpRequest(). A Sec-WebSocket-Key that is not a base64 16-byte nonce gets 400; an
// HTTP body over maxBodyBytes 413, one without a Content-Length (chunked) 411. It also counts
// every open connection, per address and in all: past an address' cap a connection is refused
// with 429; at the total cap the oldest pending handshake makes room, so a flood of silent
// connections cannot keep a legitimate client out.
class HandshakeGate : public QObject
{
    Q_OBJECT
public:
    HandshakeGate(GateLimits limits, GateTransport transport, QObject *parent = nullptr);
    ~HandshakeGate() override;

    // Takes an accepted connection's descriptor (and closes it when it refuses).
    void admit(qintptr descriptor);
    int pendingCount() const { return int(m_pendingCount); }
    int connectionCount() const { return m_connections; }

Q_SIGNALS:
    // The request head is complete and sane: the socket replays it to whoever reads next.
    void ready(pc::host::DirectSocket *socket);
    // A plain HTTP request: the socket replays its head and what came after it.
    void httpRequest(QTcpSocket *socket);
    void refused(); // a connection was refused (per-address cap, host full)

private:
    // From accept, in the order of their deadlines: first a descriptor waiting for its first
    // byte, then the socket made for it.
    struct Pending
    {
        QPointer<QSocketNotifier> untyped;
        QPointer<QTcpSocket> socket;
        qint64 deadline;
    };
    struct Untyped
    {
        qintptr descriptor;
        QHostAddress address;
        Pending *pending; // deque elements stay where they are while others come and go
    };

    // The first byte is here (or the end): the socket of its kind, on to its request head.
    void onFirstByte(QSocketNotifier *notifier);
    void closeUntyped(QSocketNotifier *notifier);
    void dropDescriptor(const Untyped &entry); // closed, no longer pending nor counted
    void uncount(const QHostAddress &address);
    void onReadyRead(DirectSocket *socket);
    // Looks at the first byte without taking it: true when it is plain HTTP that may go on.
    bool sniff(DirectSocket *socket);
    void refuse(DirectSocket *socket, QByteArrayView status, QByteArrayView why,
        QByteArrayView contentType = "text/plain; charset=utf-8");
    // An HTTP request refused before the API: the JSON error object of the API's answers.
    void refuseHttp(DirectSocket *socket, QByteArrayView status, const QString &why);
    // Whether the request (not an upgrade) may go on to the API; refused when not.
    bool admitHttp(DirectSocket *socket, QByteArrayView head);
    void sweep();
    void forget(DirectSocket *socket);
    bool evictOldestPending();
    // Ends the oldest pending connection, if it is still pending; true when one was ended.
    bool dropFront(bool deleteNow);

    GateLimits m_limits;
    GateTransport m_transport;
    std::deque<Pending> m_queue; // by deadline: the timeout is the same for all
    QHash<QSocketNotifier *, Untyped> m_untyped;
    QHash<DirectSocket *, QByteArray> m_heads;
    qsizetype m_pendingCount = 0;
    QHash<QHostAddress, int> m_perAddress;
    int m_connections = 0;
    QTimer *m_sweep;
};

// Whether a Sec-WebSocket-Key value is what RFC 6455 4.1 asks for: 16 random bytes, base64.
bool isValidWebSocketKey(QByteArrayView value);

} // namespace pc::host
