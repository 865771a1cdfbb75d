#pragma once

#include <QLatin1StringView>
#include <QString>

// The contract's error codes, in the order they are checked: the first that applies wins.
#define PC_PROTOCOL_ERRORS(X)                                                                      \
    X(BadRequest, "bad-request")                                                                   \
    X(UnknownOp, "unknown-op")                                                                     \
    X(TooLarge, "too-large")                                                                       \
    X(RoomNotFound, "room-not-found")                                                              \
    X(Unauthorized, "unauthorized")                                                                \
    X(RoomFull, "room-full")                                                                       \
    X(RateLimited, "rate-limited")                                                                 \
    X(Unavailable, "unavailable")                                                                  \
    X(Internal, "internal")

namespace pc::protocol {

#define PC_ENUM_ENTRY(name, wire) name,
enum class ErrorCode { PC_PROTOCOL_ERRORS(PC_ENUM_ENTRY) };
#undef PC_ENUM_ENTRY

QLatin1StringView errorCodeName(ErrorCode code);
std::optional<ErrorCode> errorCodeFromName(QStringView name);

// An error as a reply carries it: a code, a plain-words message naming the field and the
// limit, and for rate-limited the time to wait.
struct Error
{
    ErrorCode code = ErrorCode::Internal;
    QString message;
    qint64 retryAfterMs = -1; // only for rate-limited

    static Error badRequest(const QString &message) { return { ErrorCode::BadRequest, message }; }
    static Error tooLarge(const QString &message) { return { ErrorCode::TooLarge, message }; }
    static Error roomNotFound();
    static Error unauthorized();
    static Error roomFull();
    static Error unavailable();
    static Error internal();
    static Error rateLimited(qint64 retryAfterMs);
};

} // namespace pc::protocol
