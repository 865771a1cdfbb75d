#include "events.h"

#include "json.h"

namespace pc::protocol {

using json::integerField;
using json::stringField;

namespace {

    template<typename T> std::optional<T> memberFromJson(const QJsonObject &o)
    {
        auto id = stringField(o, QLatin1StringView("participantId"));
        auto name = stringField(o, QLatin1StringView("name"));
        if (!id || !name)
            return std::nullopt;
        return T { *id, *name };
    }

    QJsonObject memberToJson(const QString &participantId, const QString &name)
    {
        return { { QLatin1StringView("participantId"), participantId },
            { QLatin1StringView("name"), name } };
    }

} // namespace

QJsonObject Participant::toJson() const
{
    return memberToJson(participantId, name);
}

std::optional<Participant> Participant::fromJson(const QJsonObject &o)
{
    return memberFromJson<Participant>(o);
}

QJsonObject ChatMessage::toJson() const
{
    return { { QLatin1StringView("id"), id }, { QLatin1StringView("seq"), seq },
        { QLatin1StringView("roomId"), roomId },
        { QLatin1StringView("participantId"), participantId },
        { QLatin1StringView("sender"), sender }, { QLatin1StringView("text"), text },
        { QLatin1StringView("timestamp"), timestamp } };
}

std::optional<ChatMessage> ChatMessage::fromJson(const QJsonObject &o)
{
    auto id = stringField(o, QLatin1StringView("id"));
    auto seq = integerField(o, QLatin1StringView("seq"));
    auto roomId = stringField(o, QLatin1StringView("roomId"));
    auto participantId = stringField(o, QLatin1StringView("participantId"));
    auto sender = stringField(o, QLatin1StringView("sender"));
    auto text = stringField(o, QLatin1StringView("text"));
    auto timestamp = integerField(o, QLatin1StringView("timestamp"));
    if (!id || !seq || !roomId || !participantId || !sender || !text || !timestamp || *seq < 1)
        return std::nullopt;
    return ChatMessage { *id, *seq, *roomId, *participantId, *sender, *text, *timestamp };
}

QJsonObject ChatDestroy::toJson() const
{
    return { { QLatin1StringView("isDestroyed"), true },
        { QLatin1StringView("reason"),
            reason == Reason::Expired ? QStringLiteral("expired") : QStringLiteral("destroyed") } };
}

std::optional<ChatDestroy> ChatDestroy::fromJson(const QJsonObject &o)
{
    const auto reason = stringField(o, QLatin1StringView("reason"));
    if (o.value(QLatin1StringView("isDestroyed")) != QJsonValue(true) || !reason)
        return std::nullopt;
    if (*reason == QLatin1StringView("destroyed"))
        return ChatDestroy { Reason::Destroyed };
    if (*reason == QLatin1StringView("expired"))
        return ChatDestroy { Reason::Expired };
    return std::nullopt;
}

QJsonObject PresenceJoin::toJson() const
{
    return memberToJson(participantId, name);
}

std::optional<PresenceJoin> PresenceJoin::fromJson(const QJsonObject &o)
{
    return memberFromJson<PresenceJoin>(o);
}

QJsonObject PresenceLeave::toJson() const
{
    return memberToJson(participantId, name);
}

std::optional<PresenceLeave> PresenceLeave::fromJson(const QJsonObject &o)
{
    return memberFromJson<PresenceLeave>(o);
}

QJsonObject RoomResync::toJson() const
{
    return { { QLatin1StringView("reason"), reason } };
}

std::optional<RoomResync> RoomResync::fromJson(const QJsonObject &o)
{
    auto reason = stringField(o, QLatin1StringView("reason"));
    if (!reason)
        return std::nullopt;
    return RoomResync { *reason };
}

QJsonObject eventToJson(const AnyEvent &event)
{
    return std::visit(
        [](const auto &payload) -> QJsonObject {
            if constexpr (std::is_same_v<std::decay_t<decltype(payload)>, std::monostate>)
                return {};
            else
                return payload.toJson();
        },
        event);
}

Event eventOf(const AnyEvent &event)
{
    return std::visit(
        [](const auto &payload) -> Event {
            if constexpr (std::is_same_v<std::decay_t<decltype(payload)>, std::monostate>)
                return Event::RoomResync; // not reached: callers check for monostate first
            else
                return std::decay_t<decltype(payload)>::kEvent;
        },
        event);
}

AnyEvent eventFromJson(Event event, const QJsonObject &data)
{
    switch (event) {
#define PC_CASE(name, ...)                                                                         \
    case Event::name:                                                                              \
        if (auto payload = name::fromJson(data))                                                   \
            return *payload;                                                                       \
        return std::monostate {};
        PC_PROTOCOL_EVENTS(PC_CASE)
#undef PC_CASE
    }
    return std::monostate {};
}

} // namespace pc::protocol
