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
    return { ErrorCode::RoomNotFound, defaultErrorMessage(ErrorCode::RoomNotFound) };
}

Error Error::unauthorized()
{
    return { ErrorCode::Unauthorized, defaultErrorMessage(ErrorCode::Unauthorized) };
}

Error Error::roomFull()
{
    return { ErrorCode::RoomFull, defaultErrorMessage(ErrorCode::RoomFull) };
}

Error Error::unavailable()
{
    return { ErrorCode::Unavailable, defaultErrorMessage(ErrorCode::Unavailable) };
}

Error Error::internal()
{
    return { ErrorCode::Internal, defaultErrorMessage(ErrorCode::Internal) };
}

Error Error::rateLimited(qint64 retryAfterMs)
{
    return { ErrorCode::RateLimited, defaultErrorMessage(ErrorCode::RateLimited).arg(retryAfterMs),
        retryAfterMs };
}

} // namespace pc::protocol
