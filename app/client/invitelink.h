#pragma once

#include <QString>
#include <QUrl>

#include <optional>

namespace pc::client {

// privatechat://HOST[:PORT]/ROOMID, or HOST:PORT/ROOMID without the scheme. Port 7878 when
// omitted; IPv6 hosts in brackets.
struct InviteLink
{
    static constexpr quint16 kDefaultPort = 7878;
    QString host; // without brackets
    quint16 port = kDefaultPort;
    QString roomId;

    static std::optional<InviteLink> parse(const QString &text, QString *error = nullptr);
    QString toString() const;  // privatechat://…
    QString authority() const; // HOST:PORT, IPv6 in brackets
    QUrl serverUrl() const;    // ws://HOST:PORT/api/realtime
};

} // namespace pc::client
