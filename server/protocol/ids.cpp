#include "ids.h"

#include "limits.h"

#include <QCryptographicHash>
#include <QRandomGenerator>

namespace pc::protocol::ids {

namespace {

    constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";
    static_assert(sizeof(kAlphabet) - 1 == 64);

    // 64 symbols: each takes exactly 6 random bits, so there is no modulo bias.
    QString randomId(int length)
    {
        QString id(length, Qt::Uninitialized);
        auto *gen = QRandomGenerator::system();
        for (int i = 0; i < length; ++i)
            id[i] = QLatin1Char(kAlphabet[gen->generate() & 63u]);
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
