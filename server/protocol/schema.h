#pragma once

// The protocol's names: ops, events and their tables, from schema.toml (schema_lists.h is
// generated). Enums, wire names, the host's dispatch and the client's signals all come from
// these lists, so an event or op that is not in the schema does not compile anywhere.

#include <QAnyStringView>
#include <QLatin1StringView>

#include "protocol/schema_lists.h"

#include <optional>

namespace pc::protocol {

inline constexpr int kProtocolVersion = PC_PROTOCOL_VERSION;

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
// The table's access column, for compile-time checks.
constexpr Access accessOf(Op op)
{
    switch (op) {
#define PC_CASE(name, wire, access, ...)                                                           \
    case Op::name:                                                                                 \
        return Access::access;
        PC_PROTOCOL_OPS(PC_CASE)
#undef PC_CASE
    }
    return Access::Member;
}
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
// Delivered whatever the filter says, and the events that carry a message's seq.
#define PC_ALWAYS_BIT(name, wire, signal, always, seq) | (always ? eventBit(Event::name) : 0u)
#define PC_SEQ_BIT(name, wire, signal, always, seq) | (seq ? eventBit(Event::name) : 0u)
inline constexpr EventMask kAlwaysDelivered = 0u PC_PROTOCOL_EVENTS(PC_ALWAYS_BIT);
inline constexpr EventMask kSeqEvents = 0u PC_PROTOCOL_EVENTS(PC_SEQ_BIT);
#undef PC_ALWAYS_BIT
#undef PC_SEQ_BIT

} // namespace pc::protocol
