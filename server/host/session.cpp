#include "session.h"

#include "hostlog.h"
#include "outbox.h"
#include "textframe.h"

#include <QTcpSocket>
#include <QWebSocket>

namespace pc::host {

namespace {
    quint64 nextSessionId = 1;
}

Session::Session(QWebSocket *socket, QTcpSocket *tcp, Outbox *outbox, const HostOptions &options,
    QObject *parent)
    : QObject(parent)
    , m_socket(socket)
    , m_tcp(tcp)
    , m_outbox(outbox)
    , m_id(nextSessionId++)
    , m_maxOutgoing(options.maxOutgoingQueueBytes)
    , m_rateLimiter(options.rateLimit)
{
    m_socket->setParent(this);
    m_socket->setMaxAllowedIncomingMessageSize(quint64(options.maxIncomingMessageBytes));
    m_socket->setMaxAllowedIncomingFrameSize(quint64(options.maxIncomingMessageBytes));

    connect(m_socket, &QWebSocket::textMessageReceived, this, [this](const QString &text) {
        touch();
        if (m_open)
            Q_EMIT textReceived(this, text.toUtf8());
    });
    connect(m_socket, &QWebSocket::binaryMessageReceived, this, [this] {
        touch();
        if (m_open)
            Q_EMIT binaryReceived(this);
    });
    connect(m_socket, &QWebSocket::pong, this, &Session::touch);
    connect(m_socket, &QWebSocket::disconnected, this, [this] {
        m_open = false;
        Q_EMIT finished(this);
    });
    connect(tcp, &QIODevice::readyRead, this, &Session::touch);

    m_sinceActivity.start();
}

Session::~Session()
{
    if (!m_pending.isEmpty())
        m_outbox->remove(this);
}

void Session::addRoom(const QString &roomId)
{
    if (!m_rooms.contains(roomId))
        m_rooms.append(roomId);
}

void Session::touch()
{
    m_sinceActivity.start();
}

void Session::closeIfIdle(qint64 timeoutMs)
{
    if (m_open && m_sinceActivity.elapsed() >= timeoutMs) {
        qCDebug(lcHost) << "session" << m_id << "idle; closing";
        close(QWebSocketProtocol::CloseCodeGoingAway, QStringLiteral("idle timeout"));
    }
}

void Session::send(const QByteArray &text)
{
    sendFrame(textFrame(text));
}

void Session::sendFrame(const QByteArray &frame)
{
    if (!m_open || !m_tcp)
        return;
    if (m_pending.isEmpty())
        m_outbox->add(this);
    m_pending += frame; // the first frame is shared, not copied
    if (m_tcp->bytesToWrite() + m_pending.size() > m_maxOutgoing) {
        qCInfo(lcHost) << "session" << m_id << "does not read; closing";
        m_outbox->remove(this); // it would not read them either
        m_pending.clear();
        close(QWebSocketProtocol::CloseCodePolicyViolated, QStringLiteral("too slow"));
    }
}

void Session::flush()
{
    const QByteArray frames = std::exchange(m_pending, {});
    // After a close frame nothing more may be sent: when Qt closed the connection itself (the
    // client's close, a frame too large), what this pass queued is dropped.
    if (m_tcp && m_socket->state() == QAbstractSocket::ConnectedState)
        m_tcp->write(frames); // a DirectSocket: one send() while nothing is queued
}

void Session::close(QWebSocketProtocol::CloseCode code, const QString &reason)
{
    if (!m_open)
        return;
    m_open = false;
    if (!m_pending.isEmpty()) { // what was sent before the close goes before it
        m_outbox->remove(this);
        flush();
    }
    m_socket->close(code, reason);
    // A peer that does not read never answers the close; do not wait for it.
    QTimer::singleShot(1000, m_socket, [socket = m_socket] { socket->abort(); });
}

} // namespace pc::host
