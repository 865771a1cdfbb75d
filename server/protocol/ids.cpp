#include "ids.h"

#include "limits.h"

#include <QCryptographicHash>
#include <QRandomGenerator>

namespace pc::protocol::ids {

namespace {

    constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";
    static_assert(sizeof(kAlphabet) - 1 == 64);

    // 64 symbols: each takes exactly 6 random bits, so there is no modulo bias. The bits come
    // from one fill of the OS generator per ID (a call per symbol cost a message ~1 us here).
    QString randomId(int length)
    {
        quint32 words[8];
        const int needed = (length * 6 + 31) / 32;
        Q_ASSERT(needed <= 8);
        QRandomGenerator::system()->fillRange(words, needed);
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
    QRandomGenerator::system()->fillRange(
        reinterpret_cast<quint32 *>(bytes.data()), bytes.size() / int(sizeof(quint32)));
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
