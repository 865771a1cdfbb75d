#include "schema.h"

#include <QAnyStringView>

namespace pc::protocol {

QLatin1StringView opName(Op op)
{
    switch (op) {
#define PC_CASE(name, wire, ...)                                                                   \
    case Op::name:                                                                                 \
        return QLatin1StringView(wire);
        PC_PROTOCOL_OPS(PC_CASE)
#undef PC_CASE
    }
    return {};
}

Access opAccess(Op op)
{
    return accessOf(op);
}

std::optional<Op> opFromName(QAnyStringView name)
{
#define PC_MATCH(entry, wire, ...)                                                                 \
    if (name == QLatin1StringView(wire))                                                           \
        return Op::entry;
    PC_PROTOCOL_OPS(PC_MATCH)
#undef PC_MATCH
    return std::nullopt;
}

QLatin1StringView eventName(Event event)
{
    switch (event) {
#define PC_CASE(name, wire, signal, ...)                                                           \
    case Event::name:                                                                              \
        return QLatin1StringView(wire);
        PC_PROTOCOL_EVENTS(PC_CASE)
#undef PC_CASE
    }
    return {};
}

QLatin1StringView eventSignalName(Event event)
{
    switch (event) {
#define PC_CASE(name, wire, signal, ...)                                                           \
    case Event::name:                                                                              \
        return QLatin1StringView(#signal);
        PC_PROTOCOL_EVENTS(PC_CASE)
#undef PC_CASE
    }
    return {};
}

std::optional<Event> eventFromName(QAnyStringView name)
{
#define PC_MATCH(entry, wire, ...)                                                                 \
    if (name == QLatin1StringView(wire))                                                           \
        return Event::entry;
    PC_PROTOCOL_EVENTS(PC_MATCH)
#undef PC_MATCH
    return std::nullopt;
}

} // namespace pc::protocol
