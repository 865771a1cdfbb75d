#include "invitelink.h"

#include "protocol/ids.h"
#include "tls/fingerprint.h"

#include <QHostAddress>
#include <QUrlQuery>

namespace pc::client {

namespace {
    constexpr auto kBase64url = QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals;
    constexpr qsizetype kRoomKeyBytes = 32;

    QByteArray decodeKey(const QString &text)
    {
        const auto decoded = QByteArray::fromBase64Encoding(text.toLatin1(),
            QByteArray::Base64UrlEncoding | QByteArray::AbortOnBase64DecodingErrors);
        if (!decoded || decoded.decoded.size() != kRoomKeyBytes)
            return {};
        return decoded.decoded;
    }
} // namespace

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
    InviteLink link;
    if (const qsizetype hash = rest.indexOf(QLatin1Char('#')); hash >= 0) {
        const QString fragment = rest.mid(hash + 1);
        rest.truncate(hash);
        if (fragment.startsWith(QLatin1StringView("k="))) {
            link.roomKey = decodeKey(fragment.mid(2));
            link.keyDamaged = link.roomKey.isEmpty();
        }
    }
    if (const qsizetype question = rest.indexOf(QLatin1Char('?')); question >= 0) {
        const QUrlQuery query(rest.mid(question + 1));
        rest.truncate(question);
        if (query.hasQueryItem(QStringLiteral("fp"))) {
            link.fingerprint = query.queryItemValue(QStringLiteral("fp"));
            if (!tls::isFingerprint(link.fingerprint))
                return fail(tr("The invite's host fingerprint (fp=) is damaged: ask for the "
                               "invite again."));
        }
        link.plain = query.queryItemValue(QStringLiteral("plain")) == QLatin1StringView("1");
        if (link.plain && !link.fingerprint.isEmpty())
            return fail(tr("The invite says both fp= and plain=1: ask for the invite again."));
    }
    while (rest.endsWith(QLatin1Char('/')))
        rest.chop(1);
    const qsizetype slash = rest.lastIndexOf(QLatin1Char('/'));
    if (slash <= 0)
        return fail(tr("The invite has no room ID: it looks like HOST:PORT/ROOMID."));
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
    QString text = QStringLiteral("privatechat://") + authority() + QLatin1Char('/') + roomId;
    if (!fingerprint.isEmpty())
        text += QStringLiteral("?fp=") + fingerprint;
    else if (plain)
        text += QStringLiteral("?plain=1");
    if (!roomKey.isEmpty())
        text += QStringLiteral("#k=") + QString::fromLatin1(roomKey.toBase64(kBase64url));
    return text;
}

std::optional<InviteLink> InviteLink::parseServer(
    const QString &text, const QString &fingerprint, QString *error)
{
    QString rest = text.trimmed();
    bool plain = false;
    if (rest.startsWith(QLatin1StringView("ws://"), Qt::CaseInsensitive)) {
        plain = true;
        rest = rest.mid(5);
    } else if (rest.startsWith(QLatin1StringView("wss://"), Qt::CaseInsensitive)) {
        rest = rest.mid(6);
    }
    if (rest.contains(QLatin1Char('/')) || rest.contains(QLatin1Char('?'))
        || rest.contains(QLatin1Char('#'))) {
        if (error)
            *error = tr("a host is HOST:PORT, ws://HOST:PORT or wss://HOST:PORT.");
        return std::nullopt;
    }
    auto link = parse(rest + QStringLiteral("/AAAAAAAAAAAAAAAAAAAAA"), error);
    if (!link)
        return std::nullopt;
    link->roomId.clear();
    if (!fingerprint.isEmpty()) {
        if (plain) {
            if (error)
                *error = tr("a ws:// host has no fingerprint to pin.");
            return std::nullopt;
        }
        link->fingerprint = fingerprint;
    }
    link->plain = plain;
    link->requireTls = !plain;
    return link;
}

bool InviteLink::isTls() const
{
    if (!fingerprint.isEmpty() || requireTls)
        return true;
    if (plain)
        return false;
    return !(host == QLatin1StringView("localhost") || QHostAddress(host).isLoopback());
}

InviteLink InviteLink::forRoom(const QString &otherRoomId, const QByteArray &key) const
{
    InviteLink link = *this;
    link.roomId = otherRoomId;
    link.roomKey = key;
    link.keyDamaged = false;
    return link;
}

QUrl InviteLink::serverUrl() const
{
    QUrl url;
    url.setScheme(isTls() ? QStringLiteral("wss") : QStringLiteral("ws"));
    url.setHost(host);
    url.setPort(port);
    url.setPath(QStringLiteral("/api/realtime"));
    return url;
}

} // namespace pc::client
