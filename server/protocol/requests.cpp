#include "requests.h"

#include "ids.h"
#include "json.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>

namespace pc::protocol {

namespace {

    QLatin1StringView key(const char *k)
    {
        return QLatin1StringView(k);
    }

    // A string with a lone surrogate (a JSON "\ud800" escape without its pair) is not text: it
    // has no UTF-8 form, so it could not be stored or echoed as sent.
    bool hasLoneSurrogate(const QString &s)
    {
        for (qsizetype i = 0; i < s.size(); ++i) {
            const QChar c = s.at(i);
            if (c.isHighSurrogate() && i + 1 < s.size() && s.at(i + 1).isLowSurrogate())
                ++i;
            else if (c.isSurrogate())
                return true;
        }
        return false;
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

    // The bad-request half of a string field: present (when required) and a string.
    std::optional<Error> readString(
        const QJsonObject &o, const char *field, bool required, std::optional<QString> &out)
    {
        const QJsonValue v = o.value(key(field));
        if (v.isUndefined()) {
            if (required)
                return Error::badRequest(
                    QStringLiteral("The field \"%1\" is missing.").arg(key(field)));
            return std::nullopt;
        }
        if (!v.isString())
            return Error::badRequest(
                QStringLiteral("The field \"%1\" must be a string.").arg(key(field)));
        out = v.toString();
        if (hasLoneSurrogate(*out))
            return Error::badRequest(QStringLiteral(
                "The field \"%1\" contains an unpaired surrogate escape (such as \\ud800 "
                "alone), which is not text.")
                                         .arg(key(field)));
        return std::nullopt;
    }

    std::optional<Error> readInteger(
        const QJsonObject &o, const char *field, qint64 min, qint64 max, qint64 &out)
    {
        const QJsonValue v = o.value(key(field));
        if (v.isUndefined())
            return std::nullopt; // keep the default
        const auto n = json::toSafeInteger(v);
        if (!n || *n < min || *n > max) {
            return Error::badRequest(
                QStringLiteral("The field \"%1\" must be a whole number from %2 to %3.")
                    .arg(key(field))
                    .arg(min)
                    .arg(max));
        }
        out = *n;
        return std::nullopt;
    }

    std::optional<Error> readRoomId(const QJsonObject &o, const char *field, QString &out)
    {
        std::optional<QString> value;
        if (auto error = readString(o, field, true, value))
            return error;
        if (!ids::isValidRoomId(*value)) {
            return Error::badRequest(QStringLiteral(
                "The field \"%1\" is not a room ID (21 characters of A-Z, a-z, 0-9, _ and -).")
                                         .arg(key(field)));
        }
        out = *value;
        return std::nullopt;
    }

    // The too-large half: within its limit and not empty or only whitespace.
    std::optional<Error> checkText(const char *field, const QString &value, int maxLength)
    {
        if (value.size() > maxLength) {
            return Error::tooLarge(
                QStringLiteral("The field \"%1\" is %2 characters long; the limit is %3.")
                    .arg(key(field))
                    .arg(value.size())
                    .arg(maxLength));
        }
        if (value.trimmed().isEmpty())
            return Error::tooLarge(
                QStringLiteral("The field \"%1\" is empty or only whitespace.").arg(key(field)));
        return std::nullopt;
    }

} // namespace

bool isValidRequestId(const QJsonValue &id)
{
    if (id.isString()) {
        const QString s = id.toString();
        return s.size() >= 1 && s.size() <= limits::kMaxStringIdLength && !hasLoneSurrogate(s);
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

std::optional<Error> RoomCreateParams::read(const QJsonObject &o, RoomCreateParams &out, int maxTtl)
{
    qint64 ttl = limits::kDefaultTtl;
    qint64 max = limits::kDefaultParticipants;
    if (auto error = readInteger(o, "ttl", limits::kMinTtl, maxTtl, ttl))
        return error;
    if (auto error = readInteger(
            o, "maxParticipants", limits::kMinParticipants, limits::kMaxParticipants, max))
        return error;
    out.ttl = int(std::min<qint64>(ttl, maxTtl));
    out.maxParticipants = int(max);
    return std::nullopt;
}

QJsonObject RoomCreateParams::toJson() const
{
    return { { key("ttl"), ttl }, { key("maxParticipants"), maxParticipants } };
}

std::optional<Error> RoomJoinParams::read(const QJsonObject &o, RoomJoinParams &out)
{
    std::optional<QString> name;
    if (auto error = readRoomId(o, "roomId", out.roomId))
        return error;
    if (auto error = readString(o, "name", true, name))
        return error;
    if (auto error = readString(o, "token", false, out.token))
        return error;
    if (auto error = checkText("name", *name, limits::kMaxNameLength))
        return error;
    out.name = *name;
    return std::nullopt;
}

QJsonObject RoomJoinParams::toJson() const
{
    QJsonObject o { { key("roomId"), roomId }, { key("name"), name } };
    if (token)
        o.insert(key("token"), *token);
    return o;
}

std::optional<Error> MemberParams::read(
    const QJsonObject &o, MemberParams &out, QLatin1StringView roomKey)
{
    const QByteArray roomField = roomKey.toString().toLatin1();
    std::optional<QString> token;
    if (auto error = readRoomId(o, roomField.constData(), out.roomId))
        return error;
    if (auto error = readString(o, "token", false, token))
        return error;
    out.token = token.value_or(QString());
    return std::nullopt;
}

QJsonObject MemberParams::toJson(QLatin1StringView roomKey) const
{
    return { { roomKey, roomId }, { key("token"), token } };
}

std::optional<Error> MessagesSendParams::read(const QJsonObject &o, MessagesSendParams &out)
{
    std::optional<QString> text;
    if (auto error = MemberParams::read(o, out.member))
        return error;
    if (auto error = readString(o, "text", true, text))
        return error;
    if (auto error = readString(o, "clientMsgId", false, out.clientMsgId))
        return error;
    if (auto error = checkText("text", *text, limits::kMaxTextLength))
        return error;
    if (out.clientMsgId) {
        if (auto error = checkText("clientMsgId", *out.clientMsgId, limits::kMaxClientMsgIdLength))
            return error;
    }
    out.text = *text;
    return std::nullopt;
}

QJsonObject MessagesSendParams::toJson() const
{
    QJsonObject o = member.toJson();
    o.insert(key("text"), text);
    if (clientMsgId)
        o.insert(key("clientMsgId"), *clientMsgId);
    return o;
}

std::optional<Error> MessagesListParams::read(const QJsonObject &o, MessagesListParams &out)
{
    qint64 limit = limits::kMaxListLimit;
    if (auto error = MemberParams::read(o, out.member))
        return error;
    if (auto error = readInteger(o, "after", 0, limits::kMaxSafeInteger, out.after))
        return error;
    if (auto error = readInteger(o, "limit", 1, limits::kMaxListLimit, limit))
        return error;
    out.limit = int(limit);
    return std::nullopt;
}

QJsonObject MessagesListParams::toJson() const
{
    QJsonObject o = member.toJson();
    o.insert(key("after"), after);
    o.insert(key("limit"), limit);
    return o;
}

std::optional<Error> SubscribeParams::read(const QJsonObject &o, SubscribeParams &out)
{
    if (auto error = MemberParams::read(o, out.member, key("channel")))
        return error;
    const QJsonValue events = o.value(key("events"));
    out.events = kAllEvents;
    if (events.isUndefined())
        return std::nullopt;
    if (!events.isArray())
        return Error::badRequest(
            QStringLiteral("The field \"events\" must be an array of event names."));
    out.events = 0;
    for (const QJsonValue &name : events.toArray()) {
        const auto event = name.isString() ? eventFromName(name.toString()) : std::nullopt;
        if (!event) {
            QStringList known;
            for (int i = 0; i < kEventCount; ++i)
                known.append(eventName(Event(i)).toString());
            return Error::badRequest(
                QStringLiteral("The field \"events\" names an unknown event; known events are %1.")
                    .arg(known.join(QStringLiteral(", "))));
        }
        out.events |= eventBit(*event);
    }
    return std::nullopt;
}

QJsonObject SubscribeParams::toJson() const
{
    QJsonObject o = member.toJson(key("channel"));
    QJsonArray names;
    for (int i = 0; i < kEventCount; ++i) {
        if (events & eventBit(Event(i)))
            names.append(eventName(Event(i)).toString());
    }
    o.insert(key("events"), names);
    return o;
}

std::optional<Error> UnsubscribeParams::read(const QJsonObject &o, UnsubscribeParams &out)
{
    return readRoomId(o, "channel", out.channel);
}

QJsonObject UnsubscribeParams::toJson() const
{
    return { { key("channel"), channel } };
}

} // namespace pc::protocol
