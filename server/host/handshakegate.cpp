#include "handshakegate.h"

#include "directsocket.h"
#include "gracefulclose.h"
#include "hostlog.h"

#include "protocol/frames.h"

#include <QDeadlineTimer>
#include <QSocketNotifier>
#include <QTcpSocket>
#include <QTimer>

#include <cerrno>

#include <sys/socket.h>
#include <unistd.h>

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

    QHostAddress peerAddressOf(qintptr descriptor)
    {
        sockaddr_storage peer {};
        socklen_t size = sizeof peer;
        if (::getpeername(int(descriptor), reinterpret_cast<sockaddr *>(&peer), &size) != 0)
            return {};
        return QHostAddress(reinterpret_cast<const sockaddr *>(&peer));
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
    const auto untyped = m_untyped.keys();
    for (QSocketNotifier *notifier : untyped)
        closeUntyped(notifier);
    const auto heads = m_heads.keys();
    for (DirectSocket *socket : heads) {
        forget(socket);
        delete socket;
    }
}

void HandshakeGate::admit(qintptr descriptor)
{
    const QHostAddress address = peerAddressOf(descriptor);
    const auto refuseNow = [&](QByteArrayView status, QByteArrayView why) {
        Q_EMIT refused();
        if (DirectSocket *socket = DirectSocket::plain(descriptor))
            refuse(socket, status, why);
        else
            ::close(int(descriptor));
    };
    if (m_limits.maxPerAddress > 0 && m_perAddress.value(address) >= m_limits.maxPerAddress) {
        qCDebug(lcHost) << "refused a connection: its address has" << m_limits.maxPerAddress
                        << "open";
        return refuseNow("429 Too Many Requests",
            "Too many connections from your address; close some and try again.");
    }
    if (m_connections >= m_limits.maxConnections && !evictOldestPending()) {
        qCWarning(lcHost) << "refused a connection: the host is at its limit of"
                          << m_limits.maxConnections << "connections";
        return refuseNow("503 Service Unavailable",
            "The host has no room for more connections right now; try again later.");
    }
    ++m_connections;
    ++m_perAddress[address];
    ++m_pendingCount;
    // No socket yet: which kind it gets depends on the first byte (a QSocketNotifier is a
    // fraction of a socket, and a silent connection may never send one).
    auto *notifier = new QSocketNotifier(descriptor, QSocketNotifier::Read, this);
    m_queue.push_back({ notifier, nullptr, now() + m_limits.handshakeTimeoutMs });
    m_untyped.insert(notifier, { descriptor, address, &m_queue.back() });
    if (!m_sweep->isActive())
        m_sweep->start();
    connect(
        notifier, &QSocketNotifier::activated, this, [this, notifier] { onFirstByte(notifier); });
}

void HandshakeGate::onFirstByte(QSocketNotifier *notifier)
{
    const auto it = m_untyped.constFind(notifier);
    if (it == m_untyped.cend())
        return;
    const Untyped entry = *it;
    char first = 0;
    const ssize_t n = ::recv(int(entry.descriptor), &first, 1, MSG_PEEK | MSG_DONTWAIT);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
        return;
    if (n <= 0) // closed, or reset, before a byte came
        return closeUntyped(notifier);
    m_untyped.erase(it);
    notifier->setEnabled(false);
    notifier->deleteLater(); // it is raising this very signal
    const bool hello = first == kTlsHandshakeRecord && m_transport.tls;
    DirectSocket *socket = hello ? DirectSocket::tlsCapable(entry.descriptor)
                                 : DirectSocket::plain(entry.descriptor);
    if (!socket)
        return dropDescriptor(entry);
    QTcpSocket *tcp = socket->socket();
    entry.pending->socket = tcp; // its deadline stays the one from accept
    connect(tcp, &QObject::destroyed, this, [this, address = entry.address] { uncount(address); });
    m_heads.insert(socket, QByteArray());
    connect(tcp, &QIODevice::readyRead, this, [this, socket] { onReadyRead(socket); });
    connect(tcp, &QAbstractSocket::disconnected, this, [this, socket] {
        forget(socket);
        socket->socket()->deleteLater();
    });
    if (tcp->bytesAvailable() > 0)
        onReadyRead(socket);
}

void HandshakeGate::closeUntyped(QSocketNotifier *notifier)
{
    const auto it = m_untyped.constFind(notifier);
    if (it == m_untyped.cend())
        return;
    const Untyped entry = *it;
    m_untyped.erase(it);
    notifier->setEnabled(false);
    notifier->deleteLater();
    dropDescriptor(entry);
}

void HandshakeGate::dropDescriptor(const Untyped &entry)
{
    ::close(int(entry.descriptor));
    --m_pendingCount;
    uncount(entry.address);
}

void HandshakeGate::uncount(const QHostAddress &address)
{
    --m_connections;
    auto it = m_perAddress.find(address);
    if (it != m_perAddress.end() && --*it <= 0)
        m_perAddress.erase(it);
}

void HandshakeGate::onReadyRead(DirectSocket *socket)
{
    auto it = m_heads.find(socket);
    if (it == m_heads.end())
        return;
    QTcpSocket *tcp = socket->socket();
    if (it->isEmpty() && !socket->isEncrypting() && !sniff(socket))
        return;
    QByteArray &head = *it;
    const qsizetype scanFrom = std::max<qsizetype>(0, head.size() - (kEndOfHead.size() - 1));
    head += tcp->readAll(); // only the new bytes are copied and scanned
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
    // waits for the frame reader; an HTTP request's body goes back with its head.
    const QByteArray bytes = std::exchange(head, {});
    const qsizetype headSize = webSocket ? end + kEndOfHead.size() : bytes.size();
    forget(socket);
    if (webSocket)
        socket->keepEarlyBytes(bytes.sliced(headSize));
    for (qsizetype i = headSize - 1; i >= 0; --i)
        tcp->ungetChar(bytes.at(i));
    if (webSocket)
        Q_EMIT ready(socket);
    else
        Q_EMIT httpRequest(tcp);
}

bool HandshakeGate::sniff(DirectSocket *socket)
{
    QTcpSocket *tcp = socket->socket();
    char first = 0;
    if (tcp->peek(&first, 1) != 1)
        return false;
    if (first == kTlsHandshakeRecord) {
        // A plain socket here: the host has no TLS (onFirstByte()).
        if (!m_transport.tls || !socket->startServerTls(*m_transport.tls)) {
            qCDebug(lcHost) << "dropped a TLS client hello: this host serves plain ws://";
            forget(socket);
            tcp->abort();
            tcp->deleteLater();
            return false;
        }
        // A handshake that fails ends the connection; one that stalls meets the deadline. The
        // request arrives decrypted, in a later readyRead.
        connect(
            tcp, &QAbstractSocket::errorOccurred, tcp, [tcp](QAbstractSocket::SocketError error) {
                if (error == QAbstractSocket::SslHandshakeFailedError)
                    tcp->abort();
            });
        return false;
    }
    if (!m_transport.plainFromAnywhere && !isLoopback(tcp->peerAddress())) {
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
        socket->socket()->write("HTTP/1.1 100 Continue\r\n\r\n");
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
    QTcpSocket *tcp = socket->socket();
    const QByteArray body = why.toByteArray() + '\n';
    tcp->write("HTTP/1.1 " + status.toByteArray() + "\r\nContent-Type: " + contentType.toByteArray()
        + "\r\nContent-Length: " + QByteArray::number(body.size()) + "\r\nConnection: close\r\n\r\n"
        + body);
    connect(tcp, &QAbstractSocket::disconnected, tcp, &QObject::deleteLater);
    closeGracefully(tcp);
}

void HandshakeGate::forget(DirectSocket *socket)
{
    if (m_heads.remove(socket))
        --m_pendingCount;
    disconnect(socket->socket(), &QIODevice::readyRead, this, nullptr);
    disconnect(socket->socket(), &QAbstractSocket::disconnected, this, nullptr);
}

bool HandshakeGate::dropFront(bool deleteNow)
{
    const Pending front = m_queue.front();
    m_queue.pop_front();
    if (front.untyped && m_untyped.contains(front.untyped)) {
        closeUntyped(front.untyped);
        return true;
    }
    DirectSocket *socket = front.socket ? DirectSocket::of(front.socket) : nullptr;
    if (!socket || !m_heads.contains(socket))
        return false; // gone already, or handed on
    forget(socket);
    socket->socket()->abort();
    if (deleteNow)
        delete socket; // its descriptor is free now, for the one that waits
    else
        socket->socket()->deleteLater();
    return true;
}

void HandshakeGate::sweep()
{
    const qint64 t = now();
    while (!m_queue.empty() && m_queue.front().deadline <= t) {
        if (dropFront(false))
            qCDebug(lcHost) << "dropped a connection that did not finish its handshake in time";
    }
    if (m_queue.empty())
        m_sweep->stop();
}

bool HandshakeGate::evictOldestPending()
{
    while (!m_queue.empty()) {
        if (dropFront(true)) {
            qCInfo(lcHost) << "at the connection limit: dropped the oldest unfinished handshake";
            return true;
        }
    }
    return false;
}

} // namespace pc::host
