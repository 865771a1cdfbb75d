#include "handshakegate.h"

#include "directsocket.h"
#include "gracefulclose.h"
#include "hostlog.h"

#include "protocol/frames.h"

#include <QDeadlineTimer>
#include <QTimer>

namespace pc::host {

namespace {

    const QByteArray kEndOfHead = QByteArrayLiteral("\r\n\r\n");
    constexpr char kTlsHandshakeRecord = 0x16; // the content type of a TLS client hello

    // ::ffff:127.0.0.1 is loopback too (a host listening on [::]).
    bool isLoopback(const QHostAddress &address)
    {
        bool v4 = false;
        const quint32 ipv4 = address.toIPv4Address(&v4);
        return v4 ? QHostAddress(ipv4).isLoopback() : address.isLoopback();
    }

    qint64 now()
    {
        return QDeadlineTimer::current().deadline();
    }

    // The value of a header of a request head, or nullopt when it has none.
    std::optional<QByteArrayView> headerValue(QByteArrayView head, QByteArrayView name)
    {
        qsizetype at = head.indexOf('\n') + 1; // after the request line
        while (at > 0 && at < head.size()) {
            qsizetype end = head.indexOf('\n', at);
            if (end < 0)
                end = head.size();
            const QByteArrayView line = head.sliced(at, end - at);
            const qsizetype colon = line.indexOf(':');
            if (colon > 0 && line.first(colon).trimmed().compare(name, Qt::CaseInsensitive) == 0)
                return line.sliced(colon + 1).trimmed();
            at = end + 1;
        }
        return std::nullopt;
    }

} // namespace

bool isValidWebSocketKey(QByteArrayView value)
{
    if (value.size() != 24)
        return false;
    const auto decoded = QByteArray::fromBase64Encoding(
        value.toByteArray(), QByteArray::AbortOnBase64DecodingErrors);
    return decoded && decoded.decoded.size() == 16;
}

HandshakeGate::HandshakeGate(GateLimits limits, GateTransport transport, QObject *parent)
    : QObject(parent)
    , m_limits(limits)
    , m_transport(std::move(transport))
    , m_sweep(new QTimer(this))
{
    m_sweep->setInterval(std::clamp(m_limits.handshakeTimeoutMs / 4, 10, 250));
    connect(m_sweep, &QTimer::timeout, this, &HandshakeGate::sweep);
}

HandshakeGate::~HandshakeGate()
{
    const auto heads = m_heads.keys();
    for (DirectSocket *socket : heads) {
        forget(socket);
        delete socket;
    }
}

void HandshakeGate::admit(DirectSocket *socket)
{
    const QHostAddress address = socket->peerAddress();
    if (m_limits.maxPerAddress > 0 && m_perAddress.value(address) >= m_limits.maxPerAddress) {
        qCDebug(lcHost) << "refused a connection: its address has" << m_limits.maxPerAddress
                        << "open";
        Q_EMIT refused();
        return refuse(socket, "429 Too Many Requests",
            "Too many connections from your address; close some and try again.");
    }
    if (m_connections >= m_limits.maxConnections && !evictOldestPending()) {
        qCWarning(lcHost) << "refused a connection: the host is at its limit of"
                          << m_limits.maxConnections << "connections";
        Q_EMIT refused();
        return refuse(socket, "503 Service Unavailable",
            "The host has no room for more connections right now; try again later.");
    }
    ++m_connections;
    ++m_perAddress[address];
    connect(socket, &QObject::destroyed, this, [this, address] {
        --m_connections;
        auto it = m_perAddress.find(address);
        if (it != m_perAddress.end() && --*it <= 0)
            m_perAddress.erase(it);
    });

    m_heads.insert(socket, QByteArray());
    ++m_pendingCount;
    m_queue.push_back({ socket, now() + m_limits.handshakeTimeoutMs });
    if (!m_sweep->isActive())
        m_sweep->start();
    connect(socket, &QIODevice::readyRead, this, [this, socket] { onReadyRead(socket); });
    connect(socket, &QAbstractSocket::disconnected, this, [this, socket] {
        forget(socket);
        socket->deleteLater();
    });
    if (socket->bytesAvailable() > 0)
        onReadyRead(socket);
}

void HandshakeGate::onReadyRead(DirectSocket *socket)
{
    auto it = m_heads.find(socket);
    if (it == m_heads.end())
        return;
    if (it->isEmpty() && socket->mode() == QSslSocket::UnencryptedMode && !sniff(socket))
        return;
    QByteArray &head = *it;
    const qsizetype scanFrom = std::max<qsizetype>(0, head.size() - (kEndOfHead.size() - 1));
    head += socket->readAll(); // only the new bytes are copied and scanned
    const qsizetype end = head.indexOf(kEndOfHead, scanFrom);
    if (end < 0) {
        if (head.size() > m_limits.maxHeaderBytes) {
            refuse(socket, "431 Request Header Fields Too Large",
                "The request head is larger than this host accepts.");
        }
        return;
    }
    const QByteArrayView whole(head.constData(), end + kEndOfHead.size());
    if (end + kEndOfHead.size() > m_limits.maxHeaderBytes) {
        return refuse(socket, "431 Request Header Fields Too Large",
            "The request head is larger than this host accepts.");
    }
    if (const auto key = headerValue(whole, "Sec-WebSocket-Key");
        key && !isValidWebSocketKey(*key)) {
        return refuse(socket, "400 Bad Request",
            "Sec-WebSocket-Key must be 16 random bytes in base64 (24 characters).");
    }
    const auto upgrade = headerValue(whole, "Upgrade");
    const bool webSocket
        = upgrade && upgrade->trimmed().compare("websocket", Qt::CaseInsensitive) == 0;
    if (!webSocket && !admitHttp(socket, whole))
        return;
    // The request goes back into the socket's read buffer, so the WebSocket server (or the
    // HTTP one) reads it as if it had never been taken out. After a WebSocket's head, what came
    // waits for the frame filter; an HTTP request's body goes back with its head.
    const QByteArray bytes = std::exchange(head, {});
    const qsizetype headSize = webSocket ? end + kEndOfHead.size() : bytes.size();
    forget(socket);
    if (webSocket)
        socket->keepEarlyBytes(bytes.sliced(headSize));
    for (qsizetype i = headSize - 1; i >= 0; --i)
        socket->ungetChar(bytes.at(i));
    if (webSocket)
        Q_EMIT ready(socket);
    else
        Q_EMIT httpRequest(socket);
}

bool HandshakeGate::sniff(DirectSocket *socket)
{
    char first = 0;
    if (socket->peek(&first, 1) != 1)
        return false;
    if (first == kTlsHandshakeRecord) {
        if (!m_transport.tls) {
            qCDebug(lcHost) << "dropped a TLS client hello: this host serves plain ws://";
            forget(socket);
            socket->abort();
            socket->deleteLater();
            return false;
        }
        // A handshake that fails ends the connection; one that stalls meets the deadline.
        connect(socket, &QAbstractSocket::errorOccurred, socket,
            [socket](QAbstractSocket::SocketError error) {
                if (error == QAbstractSocket::SslHandshakeFailedError)
                    socket->abort();
            });
        socket->setSslConfiguration(*m_transport.tls);
        socket->startServerEncryption(); // the request arrives decrypted, in a later readyRead
        return false;
    }
    if (!m_transport.plainFromAnywhere && !isLoopback(socket->peerAddress())) {
        refuse(socket, "426 Upgrade Required",
            "This host speaks TLS only: connect with wss:// (or https:// for the HTTP API).");
        return false;
    }
    return true;
}

bool HandshakeGate::admitHttp(DirectSocket *socket, QByteArrayView head)
{
    // METHOD TARGET HTTP/1.x: anything else is no request Qt's HTTP server would answer.
    const QByteArrayView line = head.first(std::max<qsizetype>(0, head.indexOf('\n'))).trimmed();
    const qsizetype space = line.indexOf(' ');
    if (space <= 0 || line.count(' ') != 2
        || (!line.endsWith(" HTTP/1.1") && !line.endsWith(" HTTP/1.0"))) {
        refuse(socket, "400 Bad Request", "The request line must be METHOD TARGET HTTP/1.1.");
        return false;
    }
    if (headerValue(head, "Transfer-Encoding")) {
        refuseHttp(socket, "411 Length Required",
            QStringLiteral("Send the body with a Content-Length (no chunked transfer)."));
        return false;
    }
    if (const auto length = headerValue(head, "Content-Length")) {
        bool ok = false;
        const qint64 bytes = length->toLongLong(&ok);
        if (!ok || bytes < 0) {
            refuseHttp(
                socket, "400 Bad Request", QStringLiteral("Content-Length is not a number."));
            return false;
        }
        if (bytes > m_limits.maxBodyBytes) {
            refuseHttp(socket, "413 Payload Too Large",
                QStringLiteral("The body is %1 bytes; this host takes at most %2.")
                    .arg(bytes)
                    .arg(m_limits.maxBodyBytes));
            return false;
        }
    }
    // curl asks before a larger body; Qt's HTTP server would leave it waiting a second.
    if (const auto expect = headerValue(head, "Expect");
        expect && expect->compare("100-continue", Qt::CaseInsensitive) == 0)
        socket->write("HTTP/1.1 100 Continue\r\n\r\n");
    return true;
}

void HandshakeGate::refuseHttp(DirectSocket *socket, QByteArrayView status, const QString &why)
{
    const protocol::Error error { status.startsWith("413") ? protocol::ErrorCode::TooLarge
                                                           : protocol::ErrorCode::BadRequest,
        why };
    refuse(socket, status, "{\"error\":" + protocol::encodeError(error) + '}', "application/json");
}

void HandshakeGate::refuse(
    DirectSocket *socket, QByteArrayView status, QByteArrayView why, QByteArrayView contentType)
{
    forget(socket);
    const QByteArray body = why.toByteArray() + '\n';
    socket->write("HTTP/1.1 " + status.toByteArray() + "\r\nContent-Type: "
        + contentType.toByteArray() + "\r\nContent-Length: " + QByteArray::number(body.size())
        + "\r\nConnection: close\r\n\r\n" + body);
    connect(socket, &QAbstractSocket::disconnected, socket, &QObject::deleteLater);
    closeGracefully(socket);
}

void HandshakeGate::forget(DirectSocket *socket)
{
    if (m_heads.remove(socket))
        --m_pendingCount;
    disconnect(socket, &QIODevice::readyRead, this, nullptr);
    disconnect(socket, &QAbstractSocket::disconnected, this, nullptr);
}

// Takes the oldest entry off the queue; if its handshake is still pending, aborts it and
// returns the socket for the caller to delete.
DirectSocket *HandshakeGate::dropFront()
{
    DirectSocket *socket = m_queue.front().socket;
    m_queue.pop_front();
    if (!socket || !m_heads.contains(socket))
        return nullptr; // gone already, or handed on
    forget(socket);
    socket->abort();
    return socket;
}

void HandshakeGate::sweep()
{
    const qint64 t = now();
    while (!m_queue.empty() && m_queue.front().deadline <= t) {
        if (DirectSocket *socket = dropFront()) {
            qCDebug(lcHost) << "dropped a connection that did not finish its handshake in time";
            socket->deleteLater();
        }
    }
    if (m_queue.empty())
        m_sweep->stop();
}

bool HandshakeGate::evictOldestPending()
{
    while (!m_queue.empty()) {
        if (DirectSocket *socket = dropFront()) {
            qCInfo(lcHost) << "at the connection limit: dropped the oldest unfinished handshake";
            delete socket; // its descriptor is free now, for the one that waits
            return true;
        }
    }
    return false;
}

} // namespace pc::host
