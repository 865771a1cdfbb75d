#include "directsocket.h"

#include <sys/socket.h>
#ifdef Q_OS_LINUX
#include <linux/sockios.h>
#include <sys/ioctl.h>
#endif

namespace pc::host {

namespace {

    // Qt keeps a read buffer's chunk (16 KiB) once the buffer has been read empty, for the
    // next read; at 10,000 idle members those chunks are most of the host's memory. read()
    // hands a chunk that holds exactly what is asked for out whole, without a copy: one byte
    // put back into the empty buffer and read again takes the chunk along, and it is freed.
    void dropEmptyChunk(QIODevice *device)
    {
        if (device->bytesAvailable() != 0)
            return;
        device->ungetChar('\0');
        device->read(1);
    }

} // namespace

DirectSocket::DirectSocket(QObject *parent) : QSslSocket(parent)
{
    // Connected first, so it runs before the WebSocket's own reader on every readyRead.
    connect(this, &QIODevice::readyRead, this, [this] {
        m_readSinceRelease = true;
        if (!m_filter || m_replaying)
            return;
        if (m_writing) { // see writeEncrypted(): held, so no reader runs inside a write
            hold();
            return;
        }
        restoreHeld();
        filterIncoming(readAll());
    });
}

DirectSocket::~DirectSocket() = default;

void DirectSocket::startFrameFilter(qint64 maxFrameBytes)
{
    m_filter = std::make_unique<ClientFrameFilter>(maxFrameBytes);
    filterIncoming(std::exchange(m_early, {}) + readAll());
    // Frames that came with the handshake: no readyRead would tell the WebSocket of them.
    if (bytesAvailable() > 0)
        replayLater();
}

void DirectSocket::replayLater()
{
    QMetaObject::invokeMethod(
        this,
        [this] {
            restoreHeld();
            if (bytesAvailable() == 0)
                return;
            m_replaying = true;
            Q_EMIT readyRead();
            m_replaying = false;
        },
        Qt::QueuedConnection);
}

// Everything leaves the read buffer, so a reader called inside the write finds nothing: the
// frames that were checked already, and what came since (to be checked).
void DirectSocket::hold()
{
    const QByteArray all = readAll();
    const qsizetype checked = std::min<qsizetype>(m_checkedBeforeWrite, all.size());
    m_checkedBeforeWrite = 0;
    m_heldChecked += all.first(checked);
    m_heldRaw += all.sliced(checked);
}

void DirectSocket::restoreHeld()
{
    if (m_heldChecked.isEmpty() && m_heldRaw.isEmpty())
        return;
    const QByteArray checked = std::exchange(m_heldChecked, {}) + readAll();
    filterIncoming(std::exchange(m_heldRaw, {}), checked);
}

void DirectSocket::filterIncoming(QByteArray raw, const QByteArray &checked)
{
    if ((raw.isEmpty() && checked.isEmpty()) || m_violation)
        return;
    QByteArray frames = checked;
    if (!raw.isEmpty())
        m_violation = m_filter->feed(raw, frames);
    // The read buffer is empty here (all of it was just taken): whole frames go back in order.
    for (qsizetype i = frames.size() - 1; i >= 0; --i)
        ungetChar(frames.at(i));
    if (m_violation)
        QMetaObject::invokeMethod(this, &DirectSocket::protocolViolation, Qt::QueuedConnection);
}

void DirectSocket::releaseReadBuffers()
{
    if (!std::exchange(m_readSinceRelease, false) || state() != ConnectedState)
        return;
    dropEmptyChunk(this);
    // QSslSocket reads through a QTcpSocket of its own, its child, which buffers the bytes
    // from the kernel (encrypted ones over TLS).
    if (auto *transport = findChild<QTcpSocket *>(QString(), Qt::FindDirectChildrenOnly))
        dropEmptyChunk(transport);
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
    qint64 queued = unsentBytes();
#ifdef Q_OS_LINUX
    int kernel = 0;
    if (::ioctl(int(socketDescriptor()), SIOCOUTQ, &kernel) == 0)
        queued += kernel;
#endif
    return queued;
}

void DirectSocket::shutdownWhenWritten()
{
    const auto finish = [this] {
        if (unsentBytes() == 0)
            ::shutdown(int(socketDescriptor()), SHUT_WR);
    };
    if (unsentBytes() == 0)
        return finish();
    // Over TLS, bytesWritten() says a record was made; encryptedBytesWritten() that it left.
    connect(this, &QIODevice::bytesWritten, this, finish);
    connect(this, &QSslSocket::encryptedBytesWritten, this, finish);
}

bool DirectSocket::passesLimit(qint64 more)
{
    if (m_limit < 0 || queuedBytes() + more <= m_limit)
        return false;
    m_overLimit = true;
    QMetaObject::invokeMethod(this, &DirectSocket::overLimit, Qt::QueuedConnection);
    return true;
}

qint64 DirectSocket::writeData(const char *data, qint64 size)
{
    if (m_overLimit)
        return size; // the connection is being dropped: nothing more is kept for it
    if (mode() != UnencryptedMode)
        return writeEncrypted(data, size);
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
    if (passesLimit(size - sent))
        return size;
    const qint64 buffered = QSslSocket::writeData(data + sent, size - sent);
    return buffered < 0 ? (sent > 0 ? sent : -1) : sent + buffered;
}

// QSslSocket would encrypt a loop pass later; flush() makes the records and hands them to the
// kernel now, so frames leave in the call that wrote them, as in plain mode.
qint64 DirectSocket::writeEncrypted(const char *data, qint64 size)
{
    if (passesLimit(size))
        return size;
    const qint64 written = QSslSocket::writeData(data, size);
    // flush() also reads and decrypts what came, and says readyRead() at once: from inside this
    // write, maybe inside the WebSocket's own reader. What comes now is read on the next pass.
    const bool nested = std::exchange(m_writing, true);
    if (!nested)
        m_checkedBeforeWrite = m_filter ? bytesAvailable() : 0;
    flush();
    m_writing = nested;
    if (!m_writing && (!m_heldChecked.isEmpty() || !m_heldRaw.isEmpty()))
        replayLater();
    return written;
}

} // namespace pc::host
