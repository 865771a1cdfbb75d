#include "session.h"

#include "directsocket.h"
#include "hostcounters.h"
#include "hostlog.h"
#include "outbox.h"
#include "textframe.h"

#include <QWebSocket>

namespace pc::host {

namespace {
    quint64 nextSessionId = 1;
    constexpr int kCloseGraceMs = 1000; // the contract: TCP dropped within 1 s of a close
    // A reader that stopped will not take its close frame either: little point in waiting.
    constexpr int kSlowReaderGraceMs = 250;
} // namespace

Session::Session(QWebSocket *socket, DirectSocket *direct, SessionHandler *handler, Outbox *outbox,
    const HostOptions &options, HostCounters *counters, QObject *parent)
    : QObject(parent)
    , m_socket(socket)
    , m_tcp(direct)
    , m_tcpSocket(direct->socket())
    , m_handler(handler)
    , m_outbox(outbox)
    , m_counters(counters)
    , m_id(nextSessionId++)
    , m_maxOutgoing(options.maxOutgoingQueueBytes)
    , m_limits(options)
    , m_peerAddress(direct->socket()->peerAddress())
    , m_connected(direct->socket()->state() == QAbstractSocket::ConnectedState)
{
    m_socket->setParent(this);
    direct->setOutgoingLimit(m_maxOutgoing);

    // The socket's reader decodes every frame (frameRead()). QWebSocket would read each
    // readyRead again, a loop pass later, and find nothing: it is not asked to.
    QObject::disconnect(m_tcpSocket, &QIODevice::readyRead, m_socket, nullptr);
    connect(m_socket, &QWebSocket::disconnected, this, [this] {
        m_connected = false;
        m_open = false;
        m_closeSent = true;
        QMetaObject::invokeMethod(
            this, [this] { m_handler->sessionFinished(this); }, Qt::QueuedConnection);
    });
    direct->setObserver(this);
    direct->startFrameReader(options.maxIncomingMessageBytes);

    m_sinceActivity.start();
}

Session::~Session()
{
    if (tcp())
        tcp()->setObserver(nullptr);
    if (!m_pending.isEmpty())
        m_outbox->remove(this);
}

void Session::addRoom(const QString &roomId)
{
    if (!m_rooms.contains(roomId))
        m_rooms.append(roomId);
}

// Its bytes counted as activity when they came (received()).
void Session::frameRead(ClientFrameReader::Kind kind, QByteArray payload)
{
    switch (kind) {
    case ClientFrameReader::Kind::Text:
    case ClientFrameReader::Kind::Binary:
        onMessage(kind == ClientFrameReader::Kind::Text, payload);
        break;
    case ClientFrameReader::Kind::Ping:
        if (tcp() && !m_closeSent)
            tcp()->socket()->write(pongFrame(payload));
        break;
    case ClientFrameReader::Kind::Pong:
        break;
    case ClientFrameReader::Kind::Close:
        onClose(payload);
        break;
    }
}

void Session::onMessage(bool text, const QByteArray &message)
{
    if (!m_open)
        return;
    if (!text)
        m_handler->sessionBinary(this);
    else if (!QByteArrayView(message).isValidUtf8()) // whole: a character may span fragments
        close(QWebSocketProtocol::CloseCodeWrongDatatype, QStringLiteral("invalid UTF-8"));
    else
        m_handler->sessionText(this, message);
}

// The client's close. Answered with its code (RFC 6455 5.5.1) after what was already sent, unless
// the host closed first; either way the close handshake is done and the connection goes once
// its bytes are written.
void Session::onClose(QByteArrayView payload)
{
    m_open = false;
    if (!m_closeSent) {
        const quint16 code = ClientFrameReader::closeCodeOf(payload);
        m_closeCode
            = code ? QWebSocketProtocol::CloseCode(code) : QWebSocketProtocol::CloseCodeNormal;
        m_closeReason.clear();
        closeNow();
    }
    if (tcp())
        tcp()->socket()->disconnectFromHost();
}

void Session::protocolViolated()
{
    if (tcp() && tcp()->violation())
        close(QWebSocketProtocol::CloseCode(tcp()->violation()->code), tcp()->violation()->reason);
}

void Session::touch()
{
    m_sinceActivity.start();
}

void Session::sweep(qint64 idleTimeoutMs)
{
    // What the kernel holds counts too: a peer that stopped reading fills it first.
    if (tcp() && !m_closeSent && tcp()->unsentBytes() > 0 && tcp()->queuedBytes() > m_maxOutgoing) {
        dropSlowReader();
        return;
    }
    if (tcp())
        tcp()->releaseReadBuffers();
    if (m_open && m_sinceActivity.elapsed() >= idleTimeoutMs) {
        qCDebug(lcHost) << "session" << m_id << "idle; closing";
        close(QWebSocketProtocol::CloseCodeGoingAway, QStringLiteral("idle timeout"));
    }
}

void Session::reply(const QByteArray &text)
{
    replyFrame(textFrame(text));
}

void Session::replyFrame(const QByteArray &frame)
{
    sendFrame(frame);
    if (m_inFlight > 0 && --m_inFlight == 0 && m_closing)
        closeNow();
}

void Session::send(const QByteArray &text)
{
    sendFrame(textFrame(text));
}

void Session::sendFrame(const QByteArray &frame)
{
    if (m_closeSent || !tcp())
        return;
    if (m_pending.isEmpty())
        m_outbox->add(this);
    m_pending += frame; // the first frame is shared, not copied
    if (tcp()->unsentBytes() + m_pending.size() > m_maxOutgoing)
        dropSlowReader();
}

void Session::flush()
{
    const QByteArray frames = std::exchange(m_pending, {});
    // Once the connection is gone, what this pass queued goes nowhere.
    if (tcp() && m_connected)
        tcp()->socket()->write(frames); // a DirectSocket: one send() while nothing is queued
}

void Session::dropSlowReader()
{
    if (m_closeSent)
        return;
    // Its queue is full: what waits, the close frame included, is not kept for it. It is
    // dropped a second after the close at the latest.
    qCInfo(lcHost) << "session" << m_id << "does not read; dropping it ("
                   << (tcp() ? tcp()->queuedBytes() + m_pending.size() : 0) << "bytes queued)";
    m_outbox->remove(this);
    m_pending.clear();
    m_inFlight = 0;
    m_slowReader = true;
    ++m_counters->slowReadersDropped;
    close(QWebSocketProtocol::CloseCodePolicyViolated, QStringLiteral("too slow"));
}

void Session::close(QWebSocketProtocol::CloseCode code, const QString &reason)
{
    if (m_closing || m_closeSent)
        return;
    m_open = false;
    m_closing = true;
    m_closeCode = code;
    m_closeReason = reason;
    if (m_inFlight == 0)
        closeNow();
    else
        QTimer::singleShot(kCloseGraceMs, this, &Session::closeNow);
}

void Session::closeNow()
{
    if (m_closeSent)
        return;
    m_closeSent = true;
    m_open = false;
    QTimer::singleShot(m_slowReader ? kSlowReaderGraceMs : kCloseGraceMs, m_socket,
        [socket = m_socket] { socket->abort(); });
    if (!tcp() || !m_connected)
        return;
    if (!m_pending.isEmpty()) { // what was sent before the close goes before it
        m_outbox->remove(this);
        flush();
    }
    // Our own close frame, not QWebSocket::close(): Qt closes the TCP connection right after
    // it, and a client that is still sending then gets a reset that can destroy what it has
    // not read yet (the replies above). Qt goes on reading until the client's close arrives;
    // requests are no longer taken.
    tcp()->socket()->write(closeFrame(quint16(m_closeCode), m_closeReason.toUtf8()));
    shutdownWhenWritten();
}

// A FIN after the close frame: the client reads everything, then sees the end.
void Session::shutdownWhenWritten()
{
    if (tcp())
        tcp()->shutdownWhenWritten();
}

} // namespace pc::host
