#include "replies.h"

#include "json.h"

#include <QJsonArray>

namespace pc::protocol {

using json::integerField;
using json::stringField;

namespace {

    QLatin1StringView key(const char *k)
    {
        return QLatin1StringView(k);
    }

    template<typename T> std::optional<QList<T>> listField(const QJsonObject &o, const char *field)
    {
        const QJsonValue v = o.value(key(field));
        if (!v.isArray())
            return std::nullopt;
        QList<T> items;
        for (const QJsonValue &item : v.toArray()) {
            auto parsed = T::fromJson(item.toObject());
            if (!item.isObject() || !parsed)
                return std::nullopt;
            items.append(*parsed);
        }
        return items;
    }

    template<typename T> QJsonArray toArray(const QList<T> &items)
    {
        QJsonArray array;
        for (const T &item : items)
            array.append(item.toJson());
        return array;
    }

} // namespace

int ttlSeconds(qint64 expiresAt, qint64 now)
{
    const qint64 left = expiresAt - now;
    return left <= 0 ? 0 : int((left + 999) / 1000);
}

QJsonObject RoomCreated::toJson() const
{
    return { { key("roomId"), roomId }, { key("ttl"), ttl }, { key("expiresAt"), expiresAt },
        { key("maxParticipants"), maxParticipants } };
}

std::optional<RoomCreated> RoomCreated::fromJson(const QJsonObject &o)
{
    auto roomId = stringField(o, key("roomId"));
    auto ttl = integerField(o, key("ttl"));
    auto expiresAt = integerField(o, key("expiresAt"));
    auto max = integerField(o, key("maxParticipants"));
    if (!roomId || !ttl || !expiresAt || !max)
        return std::nullopt;
    return RoomCreated { *roomId, int(*ttl), *expiresAt, int(*max) };
}

QJsonObject RoomInfo::toJson() const
{
    return { { key("ttl"), ttl }, { key("expiresAt"), expiresAt },
        { key("maxParticipants"), maxParticipants }, { key("participants"), toArray(participants) },
        { key("lastSeq"), lastSeq } };
}

std::optional<RoomInfo> RoomInfo::fromJson(const QJsonObject &o)
{
    auto ttl = integerField(o, key("ttl"));
    auto expiresAt = integerField(o, key("expiresAt"));
    auto max = integerField(o, key("maxParticipants"));
    auto participants = listField<Participant>(o, "participants");
    auto lastSeq = integerField(o, key("lastSeq"));
    if (!ttl || !expiresAt || !max || !participants || !lastSeq)
        return std::nullopt;
    return RoomInfo { int(*ttl), *expiresAt, int(*max), *participants, *lastSeq };
}

QJsonObject RoomJoined::toJson() const
{
    QJsonObject o = room.toJson();
    o.insert(key("token"), token);
    o.insert(key("participantId"), participantId);
    o.insert(key("name"), name);
    return o;
}

std::optional<RoomJoined> RoomJoined::fromJson(const QJsonObject &o)
{
    auto token = stringField(o, key("token"));
    auto participantId = stringField(o, key("participantId"));
    auto name = stringField(o, key("name"));
    auto room = RoomInfo::fromJson(o);
    if (!token || !participantId || !name || !room)
        return std::nullopt;
    return RoomJoined { *token, *participantId, *name, *room };
}

QJsonObject RoomTtl::toJson() const
{
    return { { key("ttl"), ttl } };
}

std::optional<RoomTtl> RoomTtl::fromJson(const QJsonObject &o)
{
    auto ttl = integerField(o, key("ttl"));
    if (!ttl)
        return std::nullopt;
    return RoomTtl { int(*ttl) };
}

QJsonObject MessageSent::toJson() const
{
    return { { key("message"), message.toJson() } };
}

std::optional<MessageSent> MessageSent::fromJson(const QJsonObject &o)
{
    auto message = ChatMessage::fromJson(o.value(key("message")).toObject());
    if (!message)
        return std::nullopt;
    return MessageSent { *message };
}

QByteArray EncodedMessageSent::encode() const
{
    return R"({"message":)" + message + '}';
}

QByteArray EncodedMessageList::encode() const
{
    QByteArray out;
    out.reserve(messages.size() + 64);
    out += R"({"messages":[)";
    out += messages;
    out += R"(],"lastSeq":)" + QByteArray::number(lastSeq) + R"(,"firstSeq":)"
        + QByteArray::number(firstSeq) + R"(,"hasMore":)" + (hasMore ? "true" : "false") + '}';
    return out;
}

QJsonObject MessageList::toJson() const
{
    return { { key("messages"), toArray(messages) }, { key("lastSeq"), lastSeq },
        { key("firstSeq"), firstSeq }, { key("hasMore"), hasMore } };
}

std::optional<MessageList> MessageList::fromJson(const QJsonObject &o)
{
    auto messages = listField<ChatMessage>(o, "messages");
    auto lastSeq = integerField(o, key("lastSeq"));
    auto firstSeq = integerField(o, key("firstSeq"));
    if (!messages || !lastSeq || !firstSeq)
        return std::nullopt;
    // hasMore is this host's addition: absent from other hosts' replies, it means false.
    return MessageList { *messages, *lastSeq, *firstSeq, o.value(key("hasMore")).toBool() };
}

QJsonObject Subscribed::toJson() const
{
    return { { key("channel"), channel }, { key("lastSeq"), lastSeq } };
}

std::optional<Subscribed> Subscribed::fromJson(const QJsonObject &o)
{
    auto channel = stringField(o, key("channel"));
    auto lastSeq = integerField(o, key("lastSeq"));
    if (!channel || !lastSeq)
        return std::nullopt;
    return Subscribed { *channel, *lastSeq };
}

} // namespace pc::protocol
