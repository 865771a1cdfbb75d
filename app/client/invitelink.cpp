#include "invitelink.h"

#include "protocol/ids.h"

#include <QHostAddress>

namespace pc::client {

std::optional<InviteLink> InviteLink::parse(const QString &text, QString *error)
{
    const auto fail = [&](const QString &why) -> std::optional<InviteLink> {
        if (error)
            *error = why;
        return std::nullopt;
    };
    QString rest = text.trimmed();
    const QString scheme = QStringLiteral("privatechat://");
    if (rest.startsWith(scheme, Qt::CaseInsensitive))
        rest = rest.mid(scheme.size());
    else if (rest.contains(QStringLiteral("://")))
        return fail(tr("An invite starts with privatechat:// (or is HOST:PORT/ROOM)."));
    while (rest.endsWith(QLatin1Char('/')))
        rest.chop(1);
    const qsizetype slash = rest.lastIndexOf(QLatin1Char('/'));
    if (slash <= 0)
        return fail(tr("The invite has no room ID: it looks like HOST:PORT/ROOMID."));
    InviteLink link;
    link.roomId = rest.mid(slash + 1);
    if (!protocol::ids::isValidRoomId(link.roomId))
        return fail(tr("\"%1\" is not a room ID (21 letters, digits, _ or -).").arg(link.roomId));
    QString authority = rest.left(slash);
    QString portText;
    if (authority.startsWith(QLatin1Char('['))) {
        const qsizetype close = authority.indexOf(QLatin1Char(']'));
        if (close < 0)
            return fail(tr("The IPv6 address in the invite lacks its closing ]."));
        link.host = authority.mid(1, close - 1);
        const QString after = authority.mid(close + 1);
        if (after.startsWith(QLatin1Char(':')))
            portText = after.mid(1);
        else if (!after.isEmpty())
            return fail(tr("Unexpected text after the IPv6 address in the invite."));
        if (QHostAddress(link.host).protocol() != QAbstractSocket::IPv6Protocol)
            return fail(tr("\"%1\" is not an IPv6 address.").arg(link.host));
    } else {
        const qsizetype colon = authority.lastIndexOf(QLatin1Char(':'));
        link.host = colon < 0 ? authority : authority.left(colon);
        if (colon >= 0)
            portText = authority.mid(colon + 1);
        if (link.host.contains(QLatin1Char(':')))
            return fail(tr("Put an IPv6 address in brackets: [::1]:7878."));
    }
    if (link.host.isEmpty())
        return fail(tr("The invite has no host."));
    for (QChar c : std::as_const(link.host)) {
        if (c.isSpace() || c == QLatin1Char('/') || c == QLatin1Char('@'))
            return fail(tr("\"%1\" is not a host name or address.").arg(link.host));
    }
    if (!portText.isNull()) {
        bool ok = false;
        const uint port = portText.toUInt(&ok);
        if (!ok || port == 0 || port > 65535)
            return fail(tr("\"%1\" is not a port (1 to 65535).").arg(portText));
        link.port = quint16(port);
    }
    return link;
}

QString InviteLink::authority() const
{
    const QString h
        = host.contains(QLatin1Char(':')) ? QLatin1Char('[') + host + QLatin1Char(']') : host;
    return h + QLatin1Char(':') + QString::number(port);
}

QString InviteLink::toString() const
{
    return QStringLiteral("privatechat://") + authority() + QLatin1Char('/') + roomId;
}

QUrl InviteLink::serverUrl() const
{
    QUrl url;
    url.setScheme(QStringLiteral("ws"));
    url.setHost(host);
    url.setPort(port);
    url.setPath(QStringLiteral("/api/realtime"));
    return url;
}

} // namespace pc::client
