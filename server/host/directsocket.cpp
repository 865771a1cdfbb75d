#include "directsocket.h"

#include <QSslSocket>

#include <type_traits>

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

    // DirectSocket on a QTcpSocket or a QSslSocket. No Q_OBJECT (a template cannot have one):
    // what it finds goes to its DirectSocketObserver.
    template<class Base> class DirectSocketOn final : public Base, public DirectSocket
    {
    public:
        static constexpr bool kTls = std::is_base_of_v<QSslSocket, Base>;

        DirectSocketOn()
        {
            // The only reader once the WebSocket is open (the session disconnects QWebSocket's).
            QObject::connect(this, &QIODevice::readyRead, this, [this] { onReadyRead(); });
        }

        QTcpSocket *socket() override { return this; }

        bool startServerTls(const QSslConfiguration &configuration) override
        {
            if constexpr (kTls) {
                this->setSslConfiguration(configuration);
                this->startServerEncryption();
                return true;
            } else {
                Q_UNUSED(configuration);
                return false;
            }
        }

        bool isEncrypting() const override
        {
            if constexpr (kTls)
                return this->mode() != QSslSocket::UnencryptedMode;
            else
                return false;
        }

        void startFrameReader(qint64 maxMessageBytes) override
        {
            m_reader = std::make_unique<ClientFrameReader>(maxMessageBytes);
            // Frames that came with the handshake: read once the caller is ready for them.
            m_held = std::exchange(m_early, {}) + takeAll();
            if (!m_held.isEmpty())
                readLater();
        }

        void setOutgoingLimit(qint64 bytes) override
        {
            m_limit = bytes;
#ifdef Q_OS_LINUX
            // The kernel doubles the value for its bookkeeping; a quarter of the limit keeps the
            // payload it can hold below half of it.
            const int sndbuf = int(std::min<qint64>(bytes / 4, 1 << 20));
            ::setsockopt(
                int(this->socketDescriptor()), SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf);
#endif
        }

        qint64 queuedBytes() const override
        {
            qint64 queued = unsentBytes();
#ifdef Q_OS_LINUX
            int kernel = 0;
            if (::ioctl(int(this->socketDescriptor()), SIOCOUTQ, &kernel) == 0)
                queued += kernel;
#endif
            return queued;
        }

        qint64 unsentBytes() const override
        {
            if constexpr (kTls)
                return this->bytesToWrite() + this->encryptedBytesToWrite();
            else
                return this->bytesToWrite();
        }

        void shutdownWhenWritten() override
        {
            const auto finish = [this] {
                if (unsentBytes() == 0)
                    ::shutdown(int(this->socketDescriptor()), SHUT_WR);
            };
            if (unsentBytes() == 0)
                return finish();
            QObject::connect(this, &QIODevice::bytesWritten, this, finish);
            // Over TLS, bytesWritten() says a record was made; encryptedBytesWritten() that it
            // left.
            if constexpr (kTls)
                QObject::connect(this, &QSslSocket::encryptedBytesWritten, this, finish);
        }

        void releaseReadBuffers() override
        {
            if (!std::exchange(m_readSinceRelease, false)
                || this->state() != QAbstractSocket::ConnectedState)
                return;
            dropEmptyChunk(this);
            // QSslSocket reads through a QTcpSocket of its own, its child, which buffers the
            // bytes from the kernel (encrypted ones over TLS).
            if constexpr (kTls) {
                if (auto *transport
                    = this->template findChild<QTcpSocket *>(QString(), Qt::FindDirectChildrenOnly))
                    dropEmptyChunk(transport);
            }
        }

    protected:
        qint64 writeData(const char *data, qint64 size) override
        {
            if (m_overLimit)
                return size; // the connection is being dropped: nothing more is kept for it
            if constexpr (kTls) {
                if (this->mode() != QSslSocket::UnencryptedMode)
                    return writeEncrypted(data, size);
            }
            qint64 sent = 0;
#ifdef Q_OS_LINUX
            if (this->bytesToWrite() == 0 && this->state() == QAbstractSocket::ConnectedState
                && size > 0) {
                const ssize_t n = ::send(
                    int(this->socketDescriptor()), data, size_t(size), MSG_NOSIGNAL | MSG_DONTWAIT);
                sent = std::max<qint64>(n, 0); // on an error, the buffered write below reports it
            }
#endif
            if (sent == size)
                return size;
            // The kernel is full: from here on bytes wait in our buffer, and the limit is checked.
            if (passesLimit(size - sent))
                return size;
            const qint64 buffered = Base::writeData(data + sent, size - sent);
            return buffered < 0 ? (sent > 0 ? sent : -1) : sent + buffered;
        }

    private:
        void onReadyRead()
        {
            m_readSinceRelease = true;
            if (m_observer)
                m_observer->received();
            if (!m_reader)
                return;
            // Inside an encrypting write (see writeEncrypted()) or inside what a frame led to:
            // held, so nothing is read inside the write or the frame that caused it.
            if (m_writing || m_reading) {
                m_held += takeAll();
                return;
            }
            read(std::exchange(m_held, {}) + takeAll());
        }

        // What the read buffer holds, in a buffer of its size (readAll() reads into 16 KiB
        // steps and keeps the capacity).
        QByteArray takeAll()
        {
            return Base::read(this->bytesAvailable());
        }

        void readLater()
        {
            QMetaObject::invokeMethod(
                this,
                [this] {
                    if (!m_writing && !m_reading)
                        read(std::exchange(m_held, {}) + takeAll());
                },
                Qt::QueuedConnection);
        }

        void read(const QByteArray &raw)
        {
            if (raw.isEmpty() || m_violation)
                return;
            m_reading = true;
            m_violation
                = m_reader->feed(raw, [this](ClientFrameReader::Kind kind, QByteArray payload) {
                      if (m_observer)
                          m_observer->frameRead(kind, std::move(payload));
                  });
            m_reading = false;
            if (m_violation)
                tellObserver(&DirectSocketObserver::protocolViolated);
            else if (!m_held.isEmpty())
                readLater();
        }

        // Whether `more` bytes would pass the limit; raises overLimit() once if so.
        bool passesLimit(qint64 more)
        {
            if (m_limit < 0 || queuedBytes() + more <= m_limit)
                return false;
            m_overLimit = true;
            tellObserver(&DirectSocketObserver::outgoingOverLimit);
            return true;
        }

        // Queued on this socket: dropped with it, and never inside the caller's write or read.
        void tellObserver(void (DirectSocketObserver::*what)())
        {
            QMetaObject::invokeMethod(
                this,
                [this, what] {
                    if (m_observer)
                        (m_observer->*what)();
                },
                Qt::QueuedConnection);
        }

        // QSslSocket would encrypt a loop pass later; flush() makes the records and hands them
        // to the kernel now, so frames leave in the call that wrote them, as in plain mode.
        qint64 writeEncrypted(const char *data, qint64 size)
        {
            if (passesLimit(size))
                return size;
            const qint64 written = Base::writeData(data, size);
            // flush() also reads and decrypts what came, and says readyRead() at once: from
            // inside this write, maybe inside the reading of a frame. What comes now is read on
            // the next pass.
            const bool nested = std::exchange(m_writing, true);
            this->flush();
            m_writing = nested;
            if (!m_writing && !m_reading && !m_held.isEmpty())
                readLater();
            return written;
        }

        bool m_writing = false; // inside an encrypting write: what is read is held
        bool m_reading = false; // inside the reader: what is read is held
        bool m_readSinceRelease = false;
        QByteArray m_held; // read, not yet given to the reader
    };

    template<class Base> DirectSocket *made(qintptr descriptor)
    {
        auto *socket = new DirectSocketOn<Base>;
        if (!socket->setSocketDescriptor(descriptor)) {
            delete socket;
            return nullptr;
        }
        return socket;
    }

} // namespace

DirectSocket *DirectSocket::plain(qintptr descriptor)
{
    return made<QTcpSocket>(descriptor);
}

DirectSocket *DirectSocket::tlsCapable(qintptr descriptor)
{
    return made<QSslSocket>(descriptor);
}

DirectSocket *DirectSocket::of(QTcpSocket *socket)
{
    return dynamic_cast<DirectSocket *>(socket);
}

} // namespace pc::host
