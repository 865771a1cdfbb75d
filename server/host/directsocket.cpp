#include "directsocket.h"

#ifdef Q_OS_LINUX
#include <linux/sockios.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#endif

namespace pc::host {

DirectSocket::DirectSocket(QObject *parent) : QTcpSocket(parent)
{
    // Connected first, so it runs before the WebSocket's own reader on every readyRead.
    connect(this, &QIODevice::readyRead, this, [this] {
        if (m_filter && !m_replaying)
            filterIncoming(readAll());
    });
}

DirectSocket::~DirectSocket() = default;

void DirectSocket::startFrameFilter(qint64 maxFrameBytes)
{
    m_filter = std::make_unique<ClientFrameFilter>(maxFrameBytes);
    filterIncoming(std::exchange(m_early, {}) + readAll());
    // Frames that came with the handshake: no readyRead would tell the WebSocket of them.
    if (bytesAvailable() > 0) {
        QMetaObject::invokeMethod(
            this,
            [this] {
                m_replaying = true;
                Q_EMIT readyRead();
                m_replaying = false;
            },
            Qt::QueuedConnection);
    }
}

void DirectSocket::filterIncoming(QByteArray raw)
{
    if (raw.isEmpty() || m_violation)
        return;
    QByteArray frames;
    m_violation = m_filter->feed(raw, frames);
    // The read buffer is empty here (all of it was just taken): whole frames go back in order.
    for (qsizetype i = frames.size() - 1; i >= 0; --i)
        ungetChar(frames.at(i));
    if (m_violation)
        QMetaObject::invokeMethod(this, &DirectSocket::protocolViolation, Qt::QueuedConnection);
}

void DirectSocket::setOutgoingLimit(qint64 bytes)
{
    m_limit = bytes;
#ifdef Q_OS_LINUX
    // The kernel doubles the value for its bookkeeping; a quarter of the limit keeps the payload
    // it can hold below half of it.
    const int sndbuf = int(std::min<qint64>(bytes / 4, 1 << 20));
    ::setsockopt(int(socketDescriptor()), SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf);
#endif
}

qint64 DirectSocket::queuedBytes() const
{
    qint64 queued = bytesToWrite();
#ifdef Q_OS_LINUX
    int kernel = 0;
    if (::ioctl(int(socketDescriptor()), SIOCOUTQ, &kernel) == 0)
        queued += kernel;
#endif
    return queued;
}

qint64 DirectSocket::writeData(const char *data, qint64 size)
{
    if (m_overLimit)
        return size; // the connection is being dropped: nothing more is kept for it
    qint64 sent = 0;
#ifdef Q_OS_LINUX
    if (bytesToWrite() == 0 && state() == ConnectedState && size > 0) {
        const ssize_t n
            = ::send(int(socketDescriptor()), data, size_t(size), MSG_NOSIGNAL | MSG_DONTWAIT);
        sent = std::max<qint64>(n, 0); // on an error, the buffered write below reports it
    }
#endif
    if (sent == size)
        return size;
    // The kernel is full: from here on bytes wait in our buffer, and the limit is checked.
    if (m_limit >= 0 && queuedBytes() + (size - sent) > m_limit) {
        m_overLimit = true;
        QMetaObject::invokeMethod(this, &DirectSocket::overLimit, Qt::QueuedConnection);
        return size;
    }
    const qint64 buffered = QTcpSocket::writeData(data + sent, size - sent);
    return buffered < 0 ? (sent > 0 ? sent : -1) : sent + buffered;
}

} // namespace pc::host
