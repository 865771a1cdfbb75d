#pragma once

#include <QCoreApplication>
#include <QString>
#include <QUrl>

#include <optional>

namespace pc::client {

// privatechat://HOST[:PORT]/ROOMID, or HOST:PORT/ROOMID without the scheme. Port 7878 when
// omitted; IPv6 hosts in brackets.
struct InviteLink
{
    Q_DECLARE_TR_FUNCTIONS(pc::client::InviteLink) // why parse() refused, in people's words

public:
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
