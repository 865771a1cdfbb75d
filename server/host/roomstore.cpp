#include "roomstore.h"

#include "hostlog.h"
#include "roomkeys.h"

#include "protocol/frames.h"
#include "protocol/ids.h"
#include "protocol/limits.h"
#include "redis/connection.h"
#include "redis/reply.h"

#include <QDateTime>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>

namespace pc::host {

using namespace pc::protocol;

namespace {

    QByteArray loadScript(const char *name)
    {
        QFile common(QStringLiteral(":/pc/lua/common.lua"));
        QFile body(QStringLiteral(":/pc/lua/%1.lua").arg(QLatin1StringView(name)));
        if (!common.open(QIODevice::ReadOnly) || !body.open(QIODevice::ReadOnly))
            qFatal("missing Lua script resource %s", name);
        return common.readAll() + '\n' + body.readAll();
    }

    qint64 now()
    {
        return QDateTime::currentMSecsSinceEpoch();
    }

    // How a member is found in Redis: the SHA-256 of its token; no token finds no one.
    QByteArray memberKey(const QString &token)
    {
        return token.isEmpty() ? QByteArray() : ids::tokenHash(token);
    }

    QByteArray number(qint64 n)
    {
        return QByteArray::number(n);
    }

    // The error of a script reply, if any: protocol codes from the script, store trouble as
    // unavailable, anything else as internal (logged without arguments: they hold text and hashes).
    std::optional<Error> scriptError(const redis::Reply &reply, const char *script)
    {
        if (reply.type == redis::Reply::Type::Disconnected)
            return Error::unavailable();
        if (reply.type != redis::Reply::Type::Array || reply.elements.isEmpty()) {
            qCWarning(lcHost) << "script" << script << "failed:"
                              << reply.string.left(reply.string.indexOf(' ')).constData();
            return Error::internal();
        }
        const QByteArray status = reply.elements.first().string;
        if (status == "ok")
            return std::nullopt;
        const auto code = errorCodeFromName(QString::fromLatin1(status));
        switch (code.value_or(ErrorCode::Internal)) {
        case ErrorCode::RoomNotFound:
            return Error::roomNotFound();
        case ErrorCode::Unauthorized:
            return Error::unauthorized();
        case ErrorCode::RoomFull:
            return Error::roomFull();
        default:
            qCWarning(lcHost) << "script" << script << "answered an unexpected status";
            return Error::internal();
        }
    }

    struct MemberRecord
    {
        Participant participant;
        qint64 order = 0;
    };

    MemberRecord decodeMember(const QByteArray &json)
    {
        const QJsonObject o = QJsonDocument::fromJson(json).object();
        return { { o.value(QLatin1StringView("p")).toString(),
                     o.value(QLatin1StringView("n")).toString() },
            qint64(o.value(QLatin1StringView("j")).toDouble()) };
    }

    QList<Participant> decodeParticipants(const redis::Reply &values)
    {
        QList<MemberRecord> records;
        for (const redis::Reply &value : values.elements)
            records.append(decodeMember(value.string));
        std::sort(records.begin(), records.end(),
            [](const MemberRecord &a, const MemberRecord &b) { return a.order < b.order; });
        QList<Participant> participants;
        for (const MemberRecord &record : records)
            participants.append(record.participant);
        return participants;
    }

    // elements: expiresAt, maxParticipants, seq, participants (from index `at`)
    RoomInfo decodeRoom(const QList<redis::Reply> &e, int at)
    {
        RoomInfo room;
        room.expiresAt = e.value(at).toInteger();
        room.ttl = ttlSeconds(room.expiresAt, now());
        room.maxParticipants = int(e.value(at + 1).toInteger());
        room.lastSeq = e.value(at + 2).toInteger();
        room.participants = decodeParticipants(e.value(at + 3));
        return room;
    }

} // namespace

RoomStore::RoomStore(redis::Connection *redis, QByteArray prefix)
    : m_redis(redis)
    , m_prefix(std::move(prefix))
    , m_create(loadScript("create"))
    , m_join(loadScript("join"))
    , m_read(loadScript("read"))
    , m_send(loadScript("send"))
    , m_leave(loadScript("leave"))
    , m_destroy(loadScript("destroy"))
{
    for (const redis::Script *script :
        { &m_create, &m_join, &m_read, &m_send, &m_leave, &m_destroy })
        m_redis->preload(*script);
}

void RoomStore::create(const RoomCreateParams &params, Done<RoomCreated> done)
{
    const qint64 created = now();
    RoomCreated room { ids::newRoomId(), params.ttl, created + qint64(params.ttl) * 1000,
        params.maxParticipants };
    const RoomKeys keys(m_prefix, room.roomId);
    m_redis->eval(m_create, { keys.meta },
        { number(created), number(room.expiresAt), number(room.maxParticipants) },
        [this, params, room, done](const redis::Reply &reply) {
            // A 126-bit ID that collides means a broken random generator; try once more.
            if (reply.type == redis::Reply::Type::Array
                && reply.elements.value(0).string == "exists") {
                qCWarning(lcHost) << "room ID collision; generating another";
                create(params, done);
                return;
            }
            if (auto error = scriptError(reply, "create"))
                return done(*error);
            done(room);
        });
}

void RoomStore::join(const RoomJoinParams &params, Done<RoomJoined> done)
{
    const bool rejoin = params.token.has_value();
    const QString token = rejoin ? *params.token : ids::newToken();
    const QString participantId = ids::newParticipantId();
    const RoomKeys keys(m_prefix, params.roomId);
    m_redis->eval(m_join, { keys.meta, keys.members },
        { number(now()), memberKey(token), rejoin ? "1" : "0", participantId.toLatin1(),
            params.name.toUtf8(), keys.channel,
            eventName(Event::PresenceJoin).toString().toLatin1() },
        [token, done](const redis::Reply &reply) {
            if (auto error = scriptError(reply, "join"))
                return done(*error);
            const MemberRecord me = decodeMember(reply.elements.value(1).string);
            done(RoomJoined { token, me.participant.participantId, me.participant.name,
                decodeRoom(reply.elements, 2) });
        });
}

void RoomStore::checkJoin(const RoomJoinParams &params, Done<Stored> done)
{
    const RoomKeys keys(m_prefix, params.roomId);
    const bool rejoin = params.token.has_value();
    m_redis->eval(m_join, { keys.meta, keys.members },
        { number(now()), memberKey(params.token.value_or(QString())), rejoin ? "1" : "0",
            QByteArray(), QByteArray(), QByteArray(), QByteArray(), "check" },
        [done](const redis::Reply &reply) {
            if (auto error = scriptError(reply, "join"))
                return done(*error);
            done(Stored {});
        });
}

void RoomStore::leave(const MemberParams &member, Done<PresenceLeave> done)
{
    const RoomKeys keys(m_prefix, member.roomId);
    m_redis->eval(m_leave, { keys.meta, keys.members },
        { number(now()), memberKey(member.token), keys.channel,
            eventName(Event::PresenceLeave).toString().toLatin1() },
        [done](const redis::Reply &reply) {
            if (auto error = scriptError(reply, "leave"))
                return done(*error);
            const MemberRecord me = decodeMember(reply.elements.value(1).string);
            done(PresenceLeave { me.participant.participantId, me.participant.name });
        });
}

void RoomStore::info(const MemberParams &member, Done<RoomInfo> done)
{
    memberInfo(member, [done](Outcome<MemberInfo> outcome) {
        if (const auto *error = std::get_if<Error>(&outcome))
            return done(*error);
        done(std::get<MemberInfo>(outcome).room);
    });
}

// read.lua's reply: ok, the room (1-4), firstSeq, page, the caller's member record (7).
void RoomStore::memberInfo(const MemberParams &member, Done<MemberInfo> done)
{
    const RoomKeys keys(m_prefix, member.roomId);
    m_redis->eval(m_read, { keys.meta, keys.members, keys.messages },
        { number(now()), memberKey(member.token), "0", "0" }, [done](const redis::Reply &reply) {
            if (auto error = scriptError(reply, "read"))
                return done(*error);
            done(
                MemberInfo { decodeMember(reply.elements.value(7).string).participant.participantId,
                    decodeRoom(reply.elements, 1) });
        });
}

void RoomStore::list(const MessagesListParams &params, Done<EncodedMessageList> done)
{
    const RoomKeys keys(m_prefix, params.member.roomId);
    m_redis->eval(m_read, { keys.meta, keys.members, keys.messages },
        { number(now()), memberKey(params.member.token), number(params.after),
            number(params.limit) },
        [done](const redis::Reply &reply) {
            if (auto error = scriptError(reply, "read"))
                return done(*error);
            EncodedMessageList page;
            page.lastSeq = reply.elements.value(3).toInteger();
            page.firstSeq = reply.elements.value(5).toInteger();
            const QList<redis::Reply> &stored = reply.elements.value(6).elements;
            // At least one message, then as many as fit the reply cap.
            qsizetype size = 0, count = 0;
            for (const redis::Reply &message : stored) {
                if (count > 0 && size + message.string.size() + 1 > limits::kMaxListReplyBytes)
                    break;
                size += message.string.size() + 1;
                ++count;
            }
            page.hasMore = count < stored.size();
            page.messages.reserve(size);
            for (qsizetype i = 0; i < count; ++i) {
                if (i > 0)
                    page.messages += ',';
                page.messages += stored[i].string;
            }
            done(page);
        });
}

void RoomStore::send(const MessagesSendParams &params, Done<EncodedMessageSent> done)
{
    const RoomKeys keys(m_prefix, params.member.roomId);
    m_redis->eval(m_send, { keys.meta, keys.members, keys.messages, keys.dedup },
        { number(now()), memberKey(params.member.token), ids::newMessageId().toLatin1(),
            params.text.toUtf8(), params.clientMsgId.value_or(QString()).toUtf8(), keys.channel,
            eventName(Event::ChatMessage).toString().toLatin1(), number(limits::kHistoryLength),
            params.member.roomId.toLatin1() },
        [done](const redis::Reply &reply) {
            if (auto error = scriptError(reply, "send"))
                return done(*error);
            done(EncodedMessageSent { reply.elements.value(1).string });
        });
}

void RoomStore::destroy(const MemberParams &member, Done<Stored> done)
{
    const RoomKeys keys(m_prefix, member.roomId);
    m_redis->eval(m_destroy, { keys.meta, keys.members, keys.messages, keys.dedup },
        { number(now()), memberKey(member.token), keys.channel,
            encodeBusEvent(ChatDestroy { ChatDestroy::Reason::Destroyed }), "destroy" },
        [done](const redis::Reply &reply) {
            if (auto error = scriptError(reply, "destroy"))
                return done(*error);
            done(Stored {});
        });
}

void RoomStore::expire(const QString &roomId, Done<qint64> done)
{
    const RoomKeys keys(m_prefix, roomId);
    m_redis->eval(m_destroy, { keys.meta, keys.members, keys.messages, keys.dedup },
        { number(now()), QByteArray(), keys.channel,
            encodeBusEvent(ChatDestroy { ChatDestroy::Reason::Expired }), "expire" },
        [done](const redis::Reply &reply) {
            if (reply.type == redis::Reply::Type::Array
                && reply.elements.value(0).string == "alive")
                return done(reply.elements.value(1).toInteger());
            if (auto error = scriptError(reply, "destroy"))
                return done(*error);
            done(qint64(0));
        });
}

} // namespace pc::host
