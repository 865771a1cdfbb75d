#pragma once

#include <QLatin1StringView>
#include <QString>

#include "protocol/schema_lists.h"

#include <optional>

// The error codes (PC_PROTOCOL_ERRORS) come from schema.toml, in the order they are checked.
namespace pc::protocol {

#define PC_ENUM_ENTRY(name, wire) name,
enum class ErrorCode { PC_PROTOCOL_ERRORS(PC_ENUM_ENTRY) };
#undef PC_ENUM_ENTRY

QLatin1StringView errorCodeName(ErrorCode code);
std::optional<ErrorCode> errorCodeFromName(QStringView name);
// The schema's text for codes whose words do not depend on the request (else empty).
QString defaultErrorMessage(ErrorCode code);

// An error as a reply carries it: a code, a plain-words message naming the field and the
// limit, and for rate-limited the time to wait.
struct Error
{
    ErrorCode code = ErrorCode::Internal;
    QString message;
    qint64 retryAfterMs = -1; // only for rate-limited

    static Error badRequest(const QString &message) { return { ErrorCode::BadRequest, message }; }
    static Error tooLarge(const QString &message) { return { ErrorCode::TooLarge, message }; }
    // A code with the schema's words for it (those whose words do not depend on the request).
    static Error withDefaultMessage(ErrorCode code) { return { code, defaultErrorMessage(code) }; }
    static Error roomNotFound();
    static Error unauthorized();
    static Error roomFull();
    static Error unavailable();
    static Error internal();
    static Error rateLimited(qint64 retryAfterMs);
};

} // namespace pc::protocol
