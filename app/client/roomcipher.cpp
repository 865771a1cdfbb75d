#include "roomcipher.h"

#include <QtEndian>

#include <sodium.h>

namespace pc::client {

namespace {

    constexpr auto kBase64url = QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals;
    constexpr quint8 kLetterVersion = 1;

    bool sodiumReady()
    {
        static const bool ready = sodium_init() >= 0; // idempotent, thread-safe
        return ready;
    }

    // Length-prefixed parts: no two different lists of parts give the same bytes.
    QByteArray associatedData(const char *purpose, std::initializer_list<QString> parts)
    {
        QByteArray out("privatechat e2e v1 ");
        out += purpose;
        for (const QString &part : parts) {
            const QByteArray bytes = part.toUtf8();
            char length[4];
            qToBigEndian(quint32(bytes.size()), length);
            out.append(length, 4).append(bytes);
        }
        return out;
    }

} // namespace

QByteArray RoomCipher::newKey()
{
    QByteArray key(kKeyBytes, Qt::Uninitialized);
    if (!sodiumReady())
        return {};
    randombytes_buf(key.data(), size_t(key.size()));
    return key;
}

RoomCipher::RoomCipher(const QByteArray &key, const QString &roomId)
    : m_key(key.size() == kKeyBytes ? QByteArray(key.constData(), key.size()) : QByteArray())
    , m_roomId(roomId)
{
}

RoomCipher::RoomCipher(RoomCipher &&other) noexcept
    : m_key(std::exchange(other.m_key, {})), m_roomId(std::move(other.m_roomId))
{
}

RoomCipher &RoomCipher::operator=(RoomCipher &&other) noexcept
{
    if (this != &other) {
        wipe();
        m_key = std::exchange(other.m_key, {});
        m_roomId = std::move(other.m_roomId);
    }
    return *this;
}

RoomCipher::~RoomCipher()
{
    wipe();
}

void RoomCipher::wipe()
{
    if (!m_key.isEmpty() && !m_key.isDetached())
        m_key.detach(); // never wipe a copy someone else still holds
    if (!m_key.isEmpty())
        sodium_memzero(m_key.data(), size_t(m_key.size()));
    m_key.clear();
}

QString RoomCipher::seal(const QByteArray &plain, const QByteArray &associated) const
{
    if (!hasKey() || !sodiumReady())
        return {};
    constexpr auto nonceBytes = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
    QByteArray box(qsizetype(nonceBytes + plain.size() + crypto_aead_xchacha20poly1305_ietf_ABYTES),
        Qt::Uninitialized);
    auto *nonce = reinterpret_cast<unsigned char *>(box.data());
    randombytes_buf(nonce, nonceBytes);
    unsigned long long sealedBytes = 0;
    crypto_aead_xchacha20poly1305_ietf_encrypt(nonce + nonceBytes, &sealedBytes,
        reinterpret_cast<const unsigned char *>(plain.constData()), quint64(plain.size()),
        reinterpret_cast<const unsigned char *>(associated.constData()), quint64(associated.size()),
        nullptr, nonce, reinterpret_cast<const unsigned char *>(m_key.constData()));
    box.truncate(qsizetype(nonceBytes + sealedBytes));
    return QString::fromLatin1(box.toBase64(kBase64url));
}

std::optional<QByteArray> RoomCipher::open(
    const QString &sealed, const QByteArray &associated) const
{
    if (!hasKey() || !sodiumReady())
        return std::nullopt;
    const auto decoded = QByteArray::fromBase64Encoding(
        sealed.toLatin1(), QByteArray::Base64UrlEncoding | QByteArray::AbortOnBase64DecodingErrors);
    constexpr auto nonceBytes = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
    constexpr auto tagBytes = crypto_aead_xchacha20poly1305_ietf_ABYTES;
    if (!decoded || quint64(decoded.decoded.size()) < nonceBytes + tagBytes)
        return std::nullopt;
    const auto *box = reinterpret_cast<const unsigned char *>(decoded.decoded.constData());
    QByteArray plain(decoded.decoded.size() - qsizetype(nonceBytes + tagBytes), Qt::Uninitialized);
    unsigned long long plainBytes = 0;
    if (crypto_aead_xchacha20poly1305_ietf_decrypt(reinterpret_cast<unsigned char *>(plain.data()),
            &plainBytes, nullptr, box + nonceBytes, quint64(decoded.decoded.size()) - nonceBytes,
            reinterpret_cast<const unsigned char *>(associated.constData()),
            quint64(associated.size()), box,
            reinterpret_cast<const unsigned char *>(m_key.constData()))
        != 0)
        return std::nullopt;
    plain.truncate(qsizetype(plainBytes));
    return plain;
}

QString RoomCipher::sealName(const QString &name) const
{
    return seal(name.toUtf8(), associatedData("name", { m_roomId }));
}

std::optional<QString> RoomCipher::openName(const QString &sealed) const
{
    const auto plain = open(sealed, associatedData("name", { m_roomId }));
    if (!plain)
        return std::nullopt;
    return QString::fromUtf8(*plain);
}

// A letter: version (1 byte), the name's length in bytes (2, big-endian), the name, the text.
QString RoomCipher::sealMessage(
    const QString &participantId, const QString &clientMsgId, const Letter &letter) const
{
    const QByteArray name = letter.name.toUtf8().left(0xffff);
    QByteArray plain;
    plain.reserve(3 + name.size() + letter.text.size() * 3);
    char length[2];
    qToBigEndian(quint16(name.size()), length);
    plain.append(char(kLetterVersion)).append(length, 2).append(name).append(letter.text.toUtf8());
    return seal(plain, associatedData("message", { m_roomId, participantId, clientMsgId }));
}

std::optional<RoomCipher::Letter> RoomCipher::openMessage(
    const QString &participantId, const QString &clientMsgId, const QString &sealed) const
{
    const auto plain
        = open(sealed, associatedData("message", { m_roomId, participantId, clientMsgId }));
    if (!plain || plain->size() < 3 || quint8(plain->at(0)) != kLetterVersion)
        return std::nullopt;
    const qsizetype nameBytes = qFromBigEndian<quint16>(plain->constData() + 1);
    if (3 + nameBytes > plain->size())
        return std::nullopt;
    return Letter { QString::fromUtf8(plain->mid(3, nameBytes)),
        QString::fromUtf8(plain->mid(3 + nameBytes)) };
}

QString RoomCipher::safetyCode(const QString &hostFingerprint) const
{
    if (!hasKey() || !sodiumReady())
        return {};
    const QByteArray input = associatedData("safety code", { m_roomId, hostFingerprint });
    unsigned char digest[32];
    crypto_generichash(digest, sizeof digest,
        reinterpret_cast<const unsigned char *>(input.constData()), quint64(input.size()),
        reinterpret_cast<const unsigned char *>(m_key.constData()), size_t(m_key.size()));
    // 64 bits into 16 decimal digits: the bias of the modulo is below 2^-10 per code.
    const quint64 number = qFromBigEndian<quint64>(digest) % 10'000'000'000'000'000ULL;
    const QString digits = QStringLiteral("%1").arg(number, 16, 10, QLatin1Char('0'));
    return digits.mid(0, 4) + QLatin1Char(' ') + digits.mid(4, 4) + QLatin1Char(' ')
        + digits.mid(8, 4) + QLatin1Char(' ') + digits.mid(12, 4);
}

} // namespace pc::client
