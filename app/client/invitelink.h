#pragma once

#include <QCoreApplication>
#include <QString>
#include <QUrl>

#include <optional>

namespace pc::client {

// privatechat://HOST[:PORT]/ROOMID[?fp=FP|?plain=1][#k=KEY], or the same without the scheme.
// Port 7878 when omitted; IPv6 hosts in brackets. fp pins the host's certificate (wss://, that
// certificate and no other); plain=1 says the host serves ws://; with neither, wss:// checked
// against the system's CAs - except to a loopback host, which protocol v1 reaches by ws://
// (nothing on the path to read it). The fragment's k is the room's end-to-end key: it stays in
// this process, no frame, header or log carries it.
struct InviteLink
{
    Q_DECLARE_TR_FUNCTIONS(pc::client::InviteLink) // why parse() refused, in people's words

public:
    static constexpr quint16 kDefaultPort = 7878;
    QString host; // without brackets
    quint16 port = kDefaultPort;
    QString roomId;
    QString fingerprint;     // fp=: base64url SHA-256 of the host's certificate (pc::tls)
    bool plain = false;      // plain=1
    QByteArray roomKey;      // k=: 32 bytes, or empty (none, or damaged: see keyDamaged)
    bool keyDamaged = false; // a k= that is no key: the room opens, its messages do not
    // wss:// even to a loopback host without fp (privatechat-cli --server HOST:PORT); not part
    // of the link's text.
    bool requireTls = false;

    static std::optional<InviteLink> parse(const QString &text, QString *error = nullptr);
    // A host without a room, as privatechat-cli --server takes it: HOST:PORT or wss://HOST:PORT
    // (wss://; pinned when fingerprint is given - one that tls::isFingerprint accepts) or
    // ws://HOST:PORT (plain).
    static std::optional<InviteLink> parseServer(
        const QString &text, const QString &fingerprint, QString *error = nullptr);
    QString toString() const;  // privatechat://…, with its fp or plain and its key
    QString authority() const; // HOST:PORT, IPv6 in brackets
    QUrl serverUrl() const;    // ws:// or wss://HOST:PORT/api/realtime (see above)
    bool isTls() const;
    // The same host part (fp, plain) for another room: what create() then join() use.
    InviteLink forRoom(const QString &otherRoomId, const QByteArray &key = {}) const;
};

} // namespace pc::client
