#include "pushlink.h"

#include "backoff.h"
#include "hiredisreply.h"
#include "link.h"

#include <QPointer>

#include <hiredis/hiredis.h>

namespace pc::redis {

namespace {

    // A command in RESP: *N, then $len and the bytes of each argument.
    QByteArray encodeCommand(const QList<QByteArray> &args)
    {
        QByteArray out = '*' + QByteArray::number(args.size()) + "\r\n";
        for (const QByteArray &arg : args)
            out += '$' + QByteArray::number(arg.size()) + "\r\n" + arg + "\r\n";
        return out;
    }

} // namespace

PushLink::PushLink(const NodeAddress &node, const Options &options, QObject *parent)
    : QObject(parent), m_node(node), m_name(node.toString()), m_options(options)
{
    m_reconnectTimer.setSingleShot(true);
    m_connectTimer.setSingleShot(true);
    connect(&m_reconnectTimer, &QTimer::timeout, this, &PushLink::attempt);
    connect(&m_connectTimer, &QTimer::timeout, this,
        [this] { drop(tr("no answer within %1 ms").arg(m_options.connectTimeoutMs)); });
    connect(&m_socket, &QTcpSocket::connected, this, &PushLink::onConnected);
    connect(&m_socket, &QTcpSocket::readyRead, this, &PushLink::onReadyRead);
    connect(&m_socket, &QTcpSocket::errorOccurred, this, [this] { drop(m_socket.errorString()); });
}

PushLink::~PushLink()
{
    m_open = false;
    m_socket.disconnect(this);
    m_socket.abort();
    if (m_reader)
        redisReaderFree(m_reader);
}

void PushLink::open()
{
    if (m_open)
        return;
    m_open = true;
    m_reconnectTimer.start(0);
}

void PushLink::close()
{
    m_open = false;
    m_reconnectTimer.stop();
    if (m_ready || m_socket.state() != QAbstractSocket::UnconnectedState)
        drop(tr("closed"));
}

void PushLink::attempt()
{
    if (!m_open || m_socket.state() != QAbstractSocket::UnconnectedState)
        return;
    if (m_reader)
        redisReaderFree(m_reader);
    m_reader = redisReaderCreate();
    useReplyFunctions(m_reader);
    m_connectTimer.start(qMax(1, m_options.connectTimeoutMs));
    m_socket.connectToHost(m_node.host, m_node.port);
}

void PushLink::onConnected()
{
    m_socket.setSocketOption(QAbstractSocket::KeepAliveOption, 1);
    m_socket.setSocketOption(QAbstractSocket::LowDelayOption, 1);
    // The answer proves a Redis that is ready (not LOADING); until then nothing else is sent.
    m_socket.write(encodeCommand({ QByteArrayLiteral("PING") }));
}

void PushLink::onReadyRead()
{
    const QByteArray bytes = m_socket.readAll();
    if (!m_reader || redisReaderFeed(m_reader, bytes.constData(), size_t(bytes.size())) != REDIS_OK)
        return drop(tr("could not read the reply"));
    for (;;) {
        void *raw = nullptr;
        if (redisReaderGetReply(m_reader, &raw) != REDIS_OK)
            return drop(tr("malformed reply: %1").arg(QString::fromLatin1(m_reader->errstr)));
        if (!raw)
            return;
        const Reply reply = takeReply(raw);
        m_reader->fn->freeObject(raw);
        if (!m_ready) {
            if (reply.isError())
                return drop(tr("Redis refused PING: %1").arg(QString::fromUtf8(reply.string)));
            m_connectTimer.stop();
            m_ready = true;
            m_reported = false;
            m_attempt = 0;
            qCInfo(lcRedis) << "sharded pub/sub connected to" << m_node.toString();
            Q_EMIT connected();
            continue;
        }
        QPointer<PushLink> self(this);
        Q_EMIT received(reply); // may close this link, or delete it
        if (!self || !m_ready || !m_reader)
            return;
    }
}

bool PushLink::send(const QList<QByteArray> &args)
{
    if (!m_ready || args.isEmpty())
        return false;
    m_socket.write(encodeCommand(args));
    return true;
}

void PushLink::drop(const QString &reason)
{
    const bool wasReady = m_ready;
    m_ready = false;
    m_connectTimer.stop();
    if (m_socket.state() != QAbstractSocket::UnconnectedState)
        m_socket.abort();
    if (m_reader) {
        redisReaderFree(m_reader);
        m_reader = nullptr;
    }
    if (m_open && !m_reconnectTimer.isActive()) {
        m_reconnectTimer.start(reconnectDelayMs(m_attempt, m_options));
        if (m_attempt < 64)
            ++m_attempt;
    }
    if (wasReady || !m_reported) {
        m_reported = true;
        qCWarning(lcRedis).nospace() << "sharded pub/sub link to " << m_node.toString()
                                     << (wasReady ? " lost: " : " failed: ") << reason;
        Q_EMIT disconnected(reason);
    }
}

} // namespace pc::redis
