#include "frames.h"

#include <QJsonDocument>

namespace pc::protocol {

namespace {

    QLatin1StringView key(const char *k)
    {
        return QLatin1StringView(k);
    }

    QByteArray compact(const QJsonObject &o)
    {
        return QJsonDocument(o).toJson(QJsonDocument::Compact);
    }

} // namespace

QByteArray encodeHello(QStringView serverName)
{
    return compact({ { key("type"), QStringLiteral("hello") },
        { key("protocol"), kProtocolVersion }, { key("server"), serverName.toString() } });
}

QByteArray encodeReply(const QJsonValue &id, const QJsonObject &data)
{
    return compact({ { key("type"), QStringLiteral("reply") }, { key("id"), id },
        { key("ok"), true }, { key("data"), data } });
}

QByteArray encodeErrorReply(const QJsonValue &id, const Error &error)
{
    QJsonObject e { { key("code"), errorCodeName(error.code).toString() },
        { key("message"), error.message } };
    if (error.code == ErrorCode::RateLimited)
        e.insert(key("retryAfterMs"), error.retryAfterMs);
    return compact({ { key("type"), QStringLiteral("reply") }, { key("id"), id },
        { key("ok"), false }, { key("error"), e } });
}

QByteArray encodeEventFrame(QStringView channel, const AnyEvent &event)
{
    return compact(
        { { key("type"), QStringLiteral("event") }, { key("channel"), channel.toString() },
            { key("event"), eventName(eventOf(event)).toString() },
            { key("data"), eventToJson(event) } });
}

QByteArray encodeBusEventAny(const AnyEvent &event)
{
    return compact({ { key("event"), eventName(eventOf(event)).toString() },
        { key("data"), eventToJson(event) } });
}

AnyEvent decodeBusEvent(QByteArrayView bytes)
{
    const QJsonObject o = QJsonDocument::fromJson(bytes.toByteArray()).object();
    const auto event = eventFromName(o.value(key("event")).toString());
    if (!event)
        return std::monostate {};
    return eventFromJson(*event, o.value(key("data")).toObject());
}

} // namespace pc::protocol
