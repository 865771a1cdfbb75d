#pragma once

#include "schema.h"

#include <QJsonObject>
#include <QList>
#include <QString>

#include <concepts>
#include <optional>
#include <type_traits>
#include <variant>

// The payload of every event in PC_PROTOCOL_EVENTS, with its JSON codec. fromJson() checks
// every field and returns nullopt for anything that does not match the schema.
namespace pc::protocol {

struct Participant
{
    QString participantId;
    QString name;

    QJsonObject toJson() const;
    static std::optional<Participant> fromJson(const QJsonObject &o);
    friend bool operator==(const Participant &, const Participant &) = default;
};

struct ChatMessage
{
    static constexpr Event kEvent = Event::ChatMessage;
    QString id;
    qint64 seq = 0;
    QString roomId;
    QString participantId;
    QString sender;
    QString text;
    qint64 timestamp = 0;

    QJsonObject toJson() const;
    static std::optional<ChatMessage> fromJson(const QJsonObject &o);
    friend bool operator==(const ChatMessage &, const ChatMessage &) = default;
};

struct ChatDestroy
{
    static constexpr Event kEvent = Event::ChatDestroy;
    enum class Reason { Destroyed, Expired };
    Reason reason = Reason::Destroyed;

    QJsonObject toJson() const;
    static std::optional<ChatDestroy> fromJson(const QJsonObject &o);
    friend bool operator==(const ChatDestroy &, const ChatDestroy &) = default;
};

struct PresenceJoin
{
    static constexpr Event kEvent = Event::PresenceJoin;
    QString participantId;
    QString name;

    QJsonObject toJson() const;
    static std::optional<PresenceJoin> fromJson(const QJsonObject &o);
    friend bool operator==(const PresenceJoin &, const PresenceJoin &) = default;
};

struct PresenceLeave
{
    static constexpr Event kEvent = Event::PresenceLeave;
    QString participantId;
    QString name;

    QJsonObject toJson() const;
    static std::optional<PresenceLeave> fromJson(const QJsonObject &o);
    friend bool operator==(const PresenceLeave &, const PresenceLeave &) = default;
};

struct RoomResync
{
    static constexpr Event kEvent = Event::RoomResync;
    QString reason;

    QJsonObject toJson() const;
    static std::optional<RoomResync> fromJson(const QJsonObject &o);
    friend bool operator==(const RoomResync &, const RoomResync &) = default;
};

// Event -> payload type, generated from the list: an event without a payload struct of the
// same name fails to compile here.
template<Event E> struct EventPayload;
#define PC_PAYLOAD_TRAIT(name, ...)                                                                \
    template<> struct EventPayload<Event::name>                                                    \
    {                                                                                              \
        using type = name;                                                                         \
    };
PC_PROTOCOL_EVENTS(PC_PAYLOAD_TRAIT)
#undef PC_PAYLOAD_TRAIT

// A schema event payload: it names its event, and it is the payload registered for that event.
template<typename P>
concept SchemaEvent = requires
{
    {
        P::kEvent
        } -> std::convertible_to<Event>;
}
&&std::is_same_v<typename EventPayload<P::kEvent>::type, std::remove_cvref_t<P>>;

#define PC_VARIANT_TYPE(name, ...) , name
using AnyEvent = std::variant<std::monostate PC_PROTOCOL_EVENTS(PC_VARIANT_TYPE)>;
#undef PC_VARIANT_TYPE

QJsonObject eventToJson(const AnyEvent &event);
Event eventOf(const AnyEvent &event); // event must not be monostate
// Decodes a payload for a named event; monostate when the data does not match the schema.
AnyEvent eventFromJson(Event event, const QJsonObject &data);

} // namespace pc::protocol
