#pragma once

#include "protocol/schema_gen.h"

#include <QJsonObject>
#include <QList>
#include <QString>

#include <concepts>
#include <optional>
#include <type_traits>
#include <variant>

// Every event's payload is a struct of schema_gen.h (generated from schema.toml), named as the
// event. Here: the typing that ties payloads to events.
namespace pc::protocol {

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
