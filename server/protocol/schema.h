#pragma once

// The ONE list of the protocol: every op and every event is named here once. Enums, wire
// names, the host's dispatch and the client's signals are all generated from these lists, so
// an event or op that is not listed here does not compile anywhere.

#include <QAnyStringView>
#include <QLatin1StringView>

#include <optional>

// X(Name, "wire.name", access): access is Open (no membership needed) or Member.
#define PC_PROTOCOL_OPS(X)                                                                         \
    X(RoomCreate, "room.create", Open)                                                             \
    X(RoomJoin, "room.join", Open)                                                                 \
    X(RoomLeave, "room.leave", Member)                                                             \
    X(RoomTtl, "room.ttl", Member)                                                                 \
    X(RoomInfo, "room.info", Member)                                                               \
    X(RoomDestroy, "room.destroy", Member)                                                         \
    X(MessagesSend, "messages.send", Member)                                                       \
    X(MessagesList, "messages.list", Member)                                                       \
    X(Subscribe, "subscribe", Member)                                                              \
    X(Unsubscribe, "unsubscribe", Open)

// X(Name, "wire.name", clientSignal): Name is also the payload struct (events.h), clientSignal
// the RealtimeClient signal that carries it.
#define PC_PROTOCOL_EVENTS(X)                                                                      \
    X(ChatMessage, "chat.message", chatMessage)                                                    \
    X(ChatDestroy, "chat.destroy", chatDestroy)                                                    \
    X(PresenceJoin, "presence.join", presenceJoin)                                                 \
    X(PresenceLeave, "presence.leave", presenceLeave)                                              \
    X(RoomResync, "room.resync", roomResync)

namespace pc::protocol {

inline constexpr int kProtocolVersion = 1;

enum class Access { Open, Member };

#define PC_ENUM_ENTRY(name, ...) name,
enum class Op { PC_PROTOCOL_OPS(PC_ENUM_ENTRY) };
enum class Event { PC_PROTOCOL_EVENTS(PC_ENUM_ENTRY) };
#undef PC_ENUM_ENTRY

#define PC_COUNT_ENTRY(...) +1
inline constexpr int kOpCount = 0 PC_PROTOCOL_OPS(PC_COUNT_ENTRY);
inline constexpr int kEventCount = 0 PC_PROTOCOL_EVENTS(PC_COUNT_ENTRY);
#undef PC_COUNT_ENTRY

QLatin1StringView opName(Op op);
Access opAccess(Op op);
std::optional<Op> opFromName(QAnyStringView name);

QLatin1StringView eventName(Event event);
QLatin1StringView eventSignalName(Event event);
std::optional<Event> eventFromName(QAnyStringView name);

// Bit set of events, for subscription filters.
using EventMask = unsigned;
inline constexpr EventMask eventBit(Event e)
{
    return 1u << unsigned(e);
}
inline constexpr EventMask kAllEvents = (1u << kEventCount) - 1;
// Delivered whatever the filter says.
inline constexpr EventMask kAlwaysDelivered
    = eventBit(Event::ChatDestroy) | eventBit(Event::RoomResync);

} // namespace pc::protocol
