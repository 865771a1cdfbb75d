#include "errors.h"

#include <optional>

namespace pc::protocol {

QLatin1StringView errorCodeName(ErrorCode code)
{
    switch (code) {
#define PC_CASE(name, wire)                                                                        \
    case ErrorCode::name:                                                                          \
        return QLatin1StringView(wire);
        PC_PROTOCOL_ERRORS(PC_CASE)
#undef PC_CASE
    }
    return {};
}

std::optional<ErrorCode> errorCodeFromName(QStringView name)
{
#define PC_MATCH(entry, wire)                                                                      \
    if (name == QLatin1StringView(wire))                                                           \
        return ErrorCode::entry;
    PC_PROTOCOL_ERRORS(PC_MATCH)
#undef PC_MATCH
    return std::nullopt;
}

Error Error::roomNotFound()
{
    return { ErrorCode::RoomNotFound,
        QStringLiteral("This room does not exist: it never did, it expired or it was destroyed.") };
}

Error Error::unauthorized()
{
    return { ErrorCode::Unauthorized,
        QStringLiteral("The token is missing or is not that of a current member of this room.") };
}

Error Error::roomFull()
{
    return { ErrorCode::RoomFull, QStringLiteral("This room is already full.") };
}

Error Error::unavailable()
{
    return { ErrorCode::Unavailable,
        QStringLiteral(
            "The room store cannot be reached right now; nothing was done. Try again later.") };
}

Error Error::internal()
{
    return { ErrorCode::Internal,
        QStringLiteral("Something went wrong on the host; nothing was done.") };
}

Error Error::rateLimited(qint64 retryAfterMs)
{
    return { ErrorCode::RateLimited,
        QStringLiteral("Too many requests; nothing was done. Retry in %1 ms.").arg(retryAfterMs),
        retryAfterMs };
}

} // namespace pc::protocol
