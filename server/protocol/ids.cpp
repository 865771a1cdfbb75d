#include "ids.h"

#include "limits.h"

#include <QCryptographicHash>
#include <QRandomGenerator>

#include <cerrno>
#include <cstring>

#ifdef Q_OS_LINUX
#include <sys/random.h>
#endif

namespace pc::protocol::ids {

namespace {

    constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";
    static_assert(sizeof(kAlphabet) - 1 == 64);

    // Bytes from the OS CSPRNG, fetched 256 at a time: QRandomGenerator::system() uses RDRAND
    // where it can, about 0.8 us per 8 bytes on the VMs we measured (2 us of every message).
    // Each thread has its own pool; bytes handed out are wiped from it.
    void randomBytes(void *out, qsizetype size)
    {
#ifdef Q_OS_LINUX
        thread_local struct Pool
        {
            unsigned char bytes[256]; // getrandom() fills up to 256 bytes in one call
            qsizetype left = 0;
            ~Pool() { explicit_bzero(bytes, sizeof bytes); }
        } pool;
        auto *to = static_cast<unsigned char *>(out);
        while (size > 0) {
            if (pool.left == 0) {
                ssize_t got;
                do
                    got = ::getrandom(pool.bytes, sizeof pool.bytes, 0);
                while (got < 0 && errno == EINTR);
                if (got <= 0)
                    qFatal("getrandom failed: %s", std::strerror(errno));
                // Short only if interrupted: use what came, from the end the reads take from.
                std::memmove(pool.bytes + sizeof pool.bytes - got, pool.bytes, size_t(got));
                pool.left = got;
            }
            const qsizetype n = std::min(size, pool.left);
            unsigned char *from = pool.bytes + sizeof pool.bytes - pool.left;
            std::memcpy(to, from, size_t(n));
            explicit_bzero(from, size_t(n));
            pool.left -= n;
            to += n;
            size -= n;
        }
#else
        Q_ASSERT(size % sizeof(quint32) == 0);
        QRandomGenerator::system()->fillRange(static_cast<quint32 *>(out), size / sizeof(quint32));
#endif
    }

    // 64 symbols: each takes exactly 6 random bits, so there is no modulo bias.
    QString randomId(int length)
    {
        quint32 words[8];
        const int needed = (length * 6 + 31) / 32;
        Q_ASSERT(needed <= 8);
        randomBytes(words, needed * qsizetype(sizeof(quint32)));
        QString id(length, Qt::Uninitialized);
        for (int i = 0; i < length; ++i) {
            const int bit = i * 6;
            quint64 window = words[bit / 32];
            if (bit / 32 + 1 < needed)
                window |= quint64(words[bit / 32 + 1]) << 32;
            id[i] = QLatin1Char(kAlphabet[(window >> (bit % 32)) & 63u]);
        }
        return id;
    }

    bool isIdChar(QChar c)
    {
        const char16_t u = c.unicode();
        return (u >= 'A' && u <= 'Z') || (u >= 'a' && u <= 'z') || (u >= '0' && u <= '9')
            || u == '_' || u == '-';
    }

} // namespace

QString newRoomId()
{
    return randomId(limits::kRoomIdLength);
}

QString newParticipantId()
{
    return randomId(limits::kParticipantIdLength);
}

QString newMessageId()
{
    return randomId(limits::kMessageIdLength);
}

QString newToken()
{
    QByteArray bytes(limits::kTokenBytes, Qt::Uninitialized);
    randomBytes(bytes.data(), bytes.size());
    return QString::fromLatin1(
        bytes.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}

bool isValidRoomId(QStringView text)
{
    if (text.size() != limits::kRoomIdLength)
        return false;
    for (QChar c : text) {
        if (!isIdChar(c))
            return false;
    }
    return true;
}

QByteArray tokenHash(QStringView token)
{
    return QCryptographicHash::hash(token.toUtf8(), QCryptographicHash::Sha256).toHex();
}

bool constantTimeEquals(QByteArrayView a, QByteArrayView b)
{
    if (a.size() != b.size())
        return false;
    unsigned char diff = 0;
    for (qsizetype i = 0; i < a.size(); ++i)
        diff |= static_cast<unsigned char>(a[i] ^ b[i]);
    return diff == 0;
}

} // namespace pc::protocol::ids
