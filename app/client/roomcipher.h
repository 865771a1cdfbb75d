#pragma once

#include <QByteArray>
#include <QString>

#include <optional>

namespace pc::client {

// The end-to-end layer of one room: names and messages sealed with the room key before they
// leave this process, opened when they come back, so the host stores and relays only opaque
// base64url. libsodium's XChaCha20-Poly1305 (IETF AEAD), a fresh random nonce per value.
//
// The associated data binds a sealed name to its room, and a message to its room, its
// sender's participantId and its clientMsgId: a host that moves a message to another room or
// hands it to another sender makes it fail to open, never shows it as someone else's words.
// The sender's name travels inside each message too, so the name shown with a message is the
// one its author sealed, whatever the host says of the member.
class RoomCipher
{
public:
    static constexpr qsizetype kKeyBytes = 32;
    // A new room key from libsodium's CSPRNG.
    static QByteArray newKey();

    RoomCipher() = default; // no key: seals nothing, opens nothing
    RoomCipher(const QByteArray &key, const QString &roomId);
    RoomCipher(const RoomCipher &) = delete;
    RoomCipher &operator=(const RoomCipher &) = delete;
    RoomCipher(RoomCipher &&other) noexcept;
    RoomCipher &operator=(RoomCipher &&other) noexcept;
    ~RoomCipher(); // wipes the key

    bool hasKey() const { return m_key.size() == kKeyBytes; }

    QString sealName(const QString &name) const;
    std::optional<QString> openName(const QString &sealed) const;

    struct Letter
    {
        QString name; // the sender's name as the sender sealed it
        QString text;
    };
    QString sealMessage(
        const QString &participantId, const QString &clientMsgId, const Letter &letter) const;
    // nullopt: not sealed with this room's key for this sender and clientMsgId (a wrong or
    // missing key, or a host that moved or re-attributed it).
    std::optional<Letter> openMessage(
        const QString &participantId, const QString &clientMsgId, const QString &sealed) const;

    // What members compare out of band: 16 digits in 4 groups, from the room key and the
    // host's fingerprint (empty for a host without one). Equal codes: the same key, the same
    // host identity.
    QString safetyCode(const QString &hostFingerprint) const;

private:
    QString seal(const QByteArray &plain, const QByteArray &associated) const;
    std::optional<QByteArray> open(const QString &sealed, const QByteArray &associated) const;
    void wipe();

    QByteArray m_key;
    QString m_roomId;
};

} // namespace pc::client
