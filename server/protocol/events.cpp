#include "events.h"

namespace pc::protocol {

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
