#include "frames.h"

#include <QJsonDocument>

namespace pc::protocol {

namespace {

    QLatin1StringView key(const char *k)
    {
        return QLatin1StringView(k);
    }

    QByteArray compact(const QJsonObject &o)
    {
        return QJsonDocument(o).toJson(QJsonDocument::Compact);
    }

    // A request id is an integer within +-(2^53-1) or a string (checked by parseRequest);
    // anything else, like the null of an unreadable request, is written as null.
    void appendId(QByteArray &out, const QJsonValue &id)
    {
        if (id.isString())
            appendJsonString(out, id.toString());
        else if (id.isDouble())
            out += QByteArray::number(qint64(id.toDouble()));
        else
            out += "null";
    }

} // namespace

void appendJsonString(QByteArray &out, QStringView s)
{
    static constexpr char hex[] = "0123456789abcdef";
    const QByteArray utf8 = s.toUtf8();
    out.reserve(out.size() + utf8.size() + 2);
    out += '"';
    for (const char c : utf8) {
        const auto u = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (u < 0x20) {
            out += "\\u00";
            out += hex[u >> 4];
            out += hex[u & 0xf];
        } else {
            out += c;
        }
    }
    out += '"';
}

EncodedEvent encodeEventAny(const AnyEvent &event)
{
    const Event kind = eventOf(event);
    const qint64 seq = kind == Event::ChatMessage ? std::get<ChatMessage>(event).seq : 0;
    return { kind, seq, compact(eventToJson(event)) };
}

QByteArray encodeHello(QStringView serverName)
{
    return compact({ { key("type"), QStringLiteral("hello") },
        { key("protocol"), kProtocolVersion }, { key("server"), serverName.toString() } });
}

QByteArray replyDataHead(const QJsonValue &id)
{
    QByteArray out = R"({"type":"reply","id":)";
    appendId(out, id);
    out += R"(,"ok":true,"data":)";
    return out;
}

QByteArray encodeReplyData(const QJsonValue &id, QByteArrayView data)
{
    QByteArray out = replyDataHead(id);
    out.reserve(out.size() + data.size() + 1);
    out += data;
    out += '}';
    return out;
}

QByteArray encodeReply(const QJsonValue &id, const QJsonObject &data)
{
    return encodeReplyData(id, compact(data));
}

QByteArray encodeError(const Error &error)
{
    QJsonObject e { { key("code"), errorCodeName(error.code).toString() },
        { key("message"), error.message } };
    if (error.code == ErrorCode::RateLimited)
        e.insert(key("retryAfterMs"), error.retryAfterMs);
    return compact(e);
}

QByteArray encodeErrorReply(const QJsonValue &id, const Error &error)
{
    QByteArray out = R"({"type":"reply","id":)";
    appendId(out, id);
    out += R"(,"ok":false,"error":)";
    out += encodeError(error);
    out += '}';
    return out;
}

QByteArray encodeEventFrame(QStringView channel, const EncodedEvent &event)
{
    QByteArray out;
    out.reserve(event.data.size() + channel.size() + 64);
    out += R"({"type":"event","channel":)";
    appendJsonString(out, channel);
    out += R"(,"event":")";
    out += eventName(event.event);
    out += R"(","data":)";
    out += event.data;
    out += '}';
    return out;
}

QByteArray encodeBusEvent(const EncodedEvent &event)
{
    const QLatin1StringView name = eventName(event.event);
    return QByteArray(name.data(), name.size()) + ' ' + QByteArray::number(event.seq) + ' '
        + event.data;
}

std::optional<EncodedEvent> decodeBusEvent(QByteArrayView bytes)
{
    const qsizetype nameEnd = bytes.indexOf(' ');
    const qsizetype seqEnd = nameEnd < 0 ? -1 : bytes.indexOf(' ', nameEnd + 1);
    if (seqEnd < 0)
        return std::nullopt;
    const auto event = eventFromName(QLatin1StringView(bytes.first(nameEnd)));
    bool isNumber = false;
    const qint64 seq = bytes.sliced(nameEnd + 1, seqEnd - nameEnd - 1).toLongLong(&isNumber);
    const QByteArrayView data = bytes.sliced(seqEnd + 1);
    if (!event || !isNumber || seq < 0 || (seq > 0) != (*event == Event::ChatMessage)
        || !data.startsWith('{') || !data.endsWith('}'))
        return std::nullopt;
    return EncodedEvent { *event, seq, data.toByteArray() };
}

} // namespace pc::protocol
