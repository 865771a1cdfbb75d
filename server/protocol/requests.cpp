#include "requests.h"

#include "fieldreaders.h"
#include "json.h"

#include <QJsonDocument>
#include <QJsonParseError>

namespace pc::protocol {

namespace {

    QLatin1StringView key(const char *k)
    {
        return QLatin1StringView(k);
    }

    // Where a raw control character (U+0000-U+001F) sits inside a JSON string, or -1. JSON
    // (RFC 8259 7) wants them escaped; Qt's parser takes them as they are.
    qsizetype rawControlInString(QByteArrayView json)
    {
        bool inString = false;
        bool escaped = false;
        for (qsizetype i = 0; i < json.size(); ++i) {
            const uchar c = uchar(json[i]);
            if (!inString) {
                inString = c == '"';
            } else if (escaped) {
                escaped = false;
            } else if (c == '\\') {
                escaped = true;
            } else if (c == '"') {
                inString = false;
            } else if (c < 0x20) {
                return i;
            }
        }
        return -1;
    }

} // namespace

bool isValidRequestId(const QJsonValue &id)
{
    if (id.isString()) {
        const QString s = id.toString();
        return s.size() >= 1 && s.size() <= limits::kMaxStringIdLength
            && !fields::hasLoneSurrogate(s);
    }
    return json::toSafeInteger(id).has_value();
}

RequestEnvelope parseRequest(const QByteArray &frame)
{
    RequestEnvelope request;
    if (const qsizetype at = rawControlInString(frame); at >= 0) {
        request.error = Error::badRequest(
            QStringLiteral("The message is not valid JSON (a control character inside a string "
                           "must be escaped, at offset %1).")
                .arg(at));
        return request;
    }
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(frame, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        request.error
            = Error::badRequest(QStringLiteral("The message is not valid JSON (%1 at offset %2).")
                                    .arg(parseError.errorString())
                                    .arg(parseError.offset));
        return request;
    }
    if (!doc.isObject()) {
        request.error = Error::badRequest(QStringLiteral("The message must be a JSON object."));
        return request;
    }
    request.body = doc.object();
    const QJsonValue id = request.body.value(key("id"));
    if (!isValidRequestId(id)) {
        request.error = Error::badRequest(id.isUndefined()
                ? QStringLiteral("The field \"id\" is missing.")
                : QStringLiteral("The field \"id\" must be a whole number within +-(2^53-1) or a "
                                 "string of 1 to 64 characters (no unpaired surrogates)."));
        return request;
    }
    request.id = id;
    const QJsonValue op = request.body.value(key("op"));
    if (op.isUndefined()) {
        request.error = Error::badRequest(QStringLiteral("The field \"op\" is missing."));
        return request;
    }
    if (!op.isString()) {
        request.error = Error::badRequest(QStringLiteral("The field \"op\" must be a string."));
        return request;
    }
    request.op = opFromName(op.toString());
    if (!request.op) {
        QString name = op.toString();
        if (name.size() > 64)
            name = name.left(64) + QStringLiteral("…");
        request.error = Error { ErrorCode::UnknownOp,
            QStringLiteral("This host does not know the op \"%1\".").arg(name) };
    }
    return request;
}

} // namespace pc::protocol
