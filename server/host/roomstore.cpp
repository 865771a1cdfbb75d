#include "roomstore.h"

#include "hostlog.h"
#include "roomkeys.h"

#include "protocol/frames.h"
#include "protocol/ids.h"
#include "protocol/limits.h"
#include "protocol/store_scripts.h"
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

    // Each script as generate.py made it from schema.toml and server/host/lua.
    template<typename S> QByteArray loadScript()
    {
        QFile file(QStringLiteral(":/pc/lua/%1.lua").arg(QLatin1StringView(S::kName)));
        if (!file.open(QIODevice::ReadOnly))
            qFatal("missing Lua script resource %s", S::kName);
        return file.readAll();
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

    // A hosted room's host key counts on a first join only (a rejoin keeps the member's role).
    QByteArray hostKeyHash(const RoomJoinParams &params)
    {
        return params.token ? QByteArray() : memberKey(params.hostKey.value_or(QString()));
    }

    QByteArray number(qint64 n)
    {
        return QByteArray::number(n);
    }

    // The seq of a stored message: the send script writes {"id":"…","seq":N,… (0 when not).
    qint64 storedSeq(QByteArrayView message)
    {
        static constexpr QByteArrayView field = "\"seq\":";
        const qsizetype at = message.first(std::min<qsizetype>(message.size(), 128)).indexOf(field);
        if (at < 0)
            return 0;
        QByteArrayView digits = message.sliced(at + field.size());
        qsizetype end = 0;
        while (end < digits.size() && end < 19 && digits[end] >= '0' && digits[end] <= '9')
            ++end;
        return digits.first(end).toLongLong();
    }

    // A page of stored messages: at least one, then as many as fit the reply cap.
    EncodedMessageList joinPage(const QList<redis::Reply> &stored, qint64 lastSeq, qint64 firstSeq)
    {
        EncodedMessageList page { {}, lastSeq, firstSeq, false };
        qsizetype size = 0, count = 0;
        for (const redis::Reply &message : stored) {
            if (count > 0 && size + message.string.size() + 1 > limits::kMaxListReplyBytes)
                break;
            size += message.string.size() + 1;
            ++count;
        }
        page.hasMore = count < stored.size();
        page.messages.reserve(count);
        for (qsizetype i = 0; i < count; ++i)
            page.messages.append(stored[i].string); // shared, not copied
        return page;
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
        // The statuses that say more than their protocol code.
        static const QHash<QByteArray, Error> kWorded {
            { "e2e-sealed-name",
                Error::badRequest(
                    QStringLiteral("This room is end-to-end encrypted: join with sealedName.")) },
            { "e2e-plain-name",
                Error::badRequest(
                    QStringLiteral("This room is not end-to-end encrypted: join with name.")) },
            { "e2e-ciphertext",
                Error::badRequest(QStringLiteral(
                    "This room is end-to-end encrypted: send ciphertext, not text.")) },
            { "e2e-client-msg-id",
                Error::badRequest(QStringLiteral(
                    "This room is end-to-end encrypted: a message needs its clientMsgId.")) },
            { "e2e-text",
                Error::badRequest(QStringLiteral(
                    "This room is not end-to-end encrypted: send text, not ciphertext.")) },
            { "forbidden",
                Error {
                    ErrorCode::Forbidden, QStringLiteral("Only the room's host may do this.") } },
            { "forbidden-host-key",
                Error { ErrorCode::Forbidden,
                    QStringLiteral(
                        "This is not the room's host key, or its host has joined already.") } },
            { "host-removes-itself",
                Error::badRequest(QStringLiteral(
                    "The host cannot remove itself: leave the room or destroy it.")) },
        };
        if (const auto it = kWorded.constFind(status); it != kWorded.cend())
            return *it;
        // A code the schema words alike for every request (room-not-found, room-full, ...).
        const auto code = errorCodeFromName(QString::fromLatin1(status));
        if (code && *code != ErrorCode::RateLimited && !defaultErrorMessage(*code).isEmpty())
            return Error::withDefaultMessage(*code);
        qCWarning(lcHost) << "script" << script << "answered an unexpected status";
        return Error::internal();
    }

    struct MemberRecord
    {
        Participant participant;
        qint64 order = 0;
    };

    MemberRecord decodeMember(const QByteArray &json)
    {
        const QJsonObject o = QJsonDocument::fromJson(json).object();
        const QJsonValue sealed = o.value(QLatin1StringView("s"));
        Participant participant { o.value(QLatin1StringView("p")).toString(),
            o.value(QLatin1StringView("n")).toString(),
            sealed.isString() ? std::optional(sealed.toString()) : std::nullopt };
        if (o.value(QLatin1StringView("h")).toInt() == 1)
            participant.host = true;
        return { participant, qint64(o.value(QLatin1StringView("j")).toDouble()) };
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

    // The room's state from a script that answers expiresAt, maxParticipants, seq and records.
    template<typename S> RoomInfo decodeRoom(const QList<redis::Reply> &e)
    {
        RoomInfo room;
        room.expiresAt = e.value(S::expiresAt).toInteger();
        room.ttl = ttlSeconds(room.expiresAt, now());
        room.maxParticipants = int(e.value(S::maxParticipants).toInteger());
        room.lastSeq = e.value(S::seq).toInteger();
        room.participants = decodeParticipants(e.value(S::records));
        if (e.value(S::e2e).string == "1")
            room.e2e = true;
        if (e.value(S::hosted).string == "1")
            room.hosted = true;
        if (e.value(S::locked).string == "1")
            room.locked = true;
        return room;
    }

} // namespace

RoomStore::RoomStore(redis::Connection *redis, QByteArray prefix)
    : m_redis(redis)
    , m_prefix(std::move(prefix))
    , m_create(loadScript<scripts::Create>())
    , m_join(loadScript<scripts::Join>())
    , m_read(loadScript<scripts::Read>())
    , m_send(loadScript<scripts::Send>())
    , m_leave(loadScript<scripts::Leave>())
    , m_destroy(loadScript<scripts::Destroy>())
    , m_expire(loadScript<scripts::Expire>())
    , m_relay(loadScript<scripts::Relay>())
    , m_remove(loadScript<scripts::Remove>())
    , m_lock(loadScript<scripts::Lock>())
{
    for (const redis::Script *script : { &m_create, &m_join, &m_read, &m_send, &m_leave, &m_destroy,
             &m_expire, &m_relay, &m_remove, &m_lock })
        m_redis->preload(*script);
}

void RoomStore::create(const RoomCreateParams &params, Done<RoomCreated> done)
{
    const qint64 created = now();
    RoomCreated room { ids::newRoomId(), params.ttl, created + qint64(params.ttl) * 1000,
        params.maxParticipants, params.e2e ? std::optional(true) : std::nullopt };
    if (params.hosted)
        room.hostKey = ids::newToken();
    const RoomKeys keys(m_prefix, room.roomId);
    const scripts::Create::Args args { .now = number(created),
        .expiresAt = number(room.expiresAt),
        .maxParticipants = number(room.maxParticipants),
        .e2e = params.e2e ? "1" : "0",
        .hostKeyHash = memberKey(room.hostKey.value_or(QString())) };
    m_redis->eval(m_create, scripts::Create::keys(keys), args.list(),
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
    using S = scripts::Join;
    const bool rejoin = params.token.has_value();
    const QString token = rejoin ? *params.token : ids::newToken();
    const RoomKeys keys(m_prefix, params.roomId);
    const S::Args args { .now = number(now()),
        .tokenHash = memberKey(token),
        .rejoin = rejoin ? "1" : "0",
        .participantId = ids::newParticipantId().toLatin1(),
        .name = params.name.value_or(QString()).toUtf8(),
        .channel = keys.channel,
        .sealedName = params.sealedName.value_or(QString()).toLatin1(),
        .hostKeyHash = hostKeyHash(params) };
    m_redis->eval(m_join, S::keys(keys), args.list(), [token, done](const redis::Reply &reply) {
        if (auto error = scriptError(reply, "join"))
            return done(*error);
        const MemberRecord me = decodeMember(reply.elements.value(S::record).string);
        done(RoomJoined { token, me.participant.participantId, me.participant.name,
            me.participant.sealedName, me.participant.host, decodeRoom<S>(reply.elements) });
    });
}

void RoomStore::checkJoin(const RoomJoinParams &params, Done<Stored> done)
{
    using S = scripts::Join;
    const RoomKeys keys(m_prefix, params.roomId);
    const S::Args args { .now = number(now()),
        .tokenHash = memberKey(params.token.value_or(QString())),
        .rejoin = params.token ? "1" : "0",
        .mode = "check",
        .hostKeyHash = hostKeyHash(params) };
    evalStored(m_join, S::keys(keys), args.list(), "join", std::move(done));
}

void RoomStore::leave(const MemberParams &member, Done<PresenceLeave> done)
{
    using S = scripts::Leave;
    const RoomKeys keys(m_prefix, member.roomId);
    const S::Args args {
        .now = number(now()), .tokenHash = memberKey(member.token), .channel = keys.channel
    };
    m_redis->eval(m_leave, S::keys(keys), args.list(), [done](const redis::Reply &reply) {
        if (auto error = scriptError(reply, "leave"))
            return done(*error);
        const MemberRecord me = decodeMember(reply.elements.value(S::record).string);
        done(PresenceLeave {
            me.participant.participantId, me.participant.name, me.participant.sealedName });
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

void RoomStore::memberInfo(const MemberParams &member, Done<MemberInfo> done)
{
    using S = scripts::Read;
    const RoomKeys keys(m_prefix, member.roomId);
    const S::Args args {
        .now = number(now()), .tokenHash = memberKey(member.token), .after = "0", .limit = "0"
    };
    m_redis->eval(m_read, S::keys(keys), args.list(), [done](const redis::Reply &reply) {
        if (auto error = scriptError(reply, "read"))
            return done(*error);
        done(MemberInfo {
            decodeMember(reply.elements.value(S::record).string).participant.participantId,
            decodeRoom<S>(reply.elements) });
    });
}

void RoomStore::memberIds(const QString &roomId, Done<QSet<QString>> done)
{
    m_redis->command(
        { "HVALS", RoomKeys(m_prefix, roomId).members }, [done](const redis::Reply &reply) {
            if (reply.isError())
                return done(Error::unavailable());
            QSet<QString> ids;
            for (const Participant &p : decodeParticipants(reply))
                ids.insert(p.participantId);
            done(ids);
        });
}

void RoomStore::list(const MessagesListParams &params, Done<EncodedMessageList> done)
{
    // The script checks the member and says where the page is; the page itself comes from a
    // plain LRANGE. Inside a script Redis turns each message into a Lua string and back: nine
    // times the CPU of the LRANGE for the last 1,000 (docs/performance.md). A send between
    // the two may trim the list, which moves every index: the page's first seq shows it, and
    // then the script reads the page itself, in one step.
    readRoom(params, 0, [this, params, done](const redis::Reply &reply) {
        if (auto error = scriptError(reply, "read"))
            return done(*error);
        using S = scripts::Read;
        const qint64 lastSeq = reply.elements.value(S::seq).toInteger();
        const qint64 firstSeq = reply.elements.value(S::firstSeq).toInteger();
        const qint64 from = std::max(params.after + 1, firstSeq);
        if (from > lastSeq)
            return done(EncodedMessageList { {}, lastSeq, firstSeq, false });
        const qint64 count = std::min<qint64>(params.limit, lastSeq - from + 1);
        const qint64 start = from - firstSeq;
        m_redis->command({ "LRANGE", RoomKeys(m_prefix, params.member.roomId).messages,
                             number(start), number(start + count - 1) },
            [this, params, done, lastSeq, firstSeq, from, count](const redis::Reply &page) {
                if (page.isError())
                    return done(Error::unavailable());
                if (page.elements.size() != count
                    || storedSeq(page.elements.constFirst().string) != from) {
                    qCDebug(lcHost) << "a page moved while it was read; reading it in one step";
                    return listInScript(params, done); // trimmed meanwhile, or gone
                }
                done(joinPage(page.elements, lastSeq, firstSeq));
            });
    });
}

void RoomStore::listInScript(const MessagesListParams &params, Done<EncodedMessageList> done)
{
    using S = scripts::Read;
    readRoom(params, params.limit, [done](const redis::Reply &reply) {
        if (auto error = scriptError(reply, "read"))
            return done(*error);
        done(joinPage(reply.elements.value(S::page).elements,
            reply.elements.value(S::seq).toInteger(),
            reply.elements.value(S::firstSeq).toInteger()));
    });
}

void RoomStore::readRoom(
    const MessagesListParams &params, qint64 limit, redis::ReplyHandler handler)
{
    using S = scripts::Read;
    const RoomKeys keys(m_prefix, params.member.roomId);
    const S::Args args { .now = number(now()),
        .tokenHash = memberKey(params.member.token),
        .after = number(params.after),
        .limit = number(limit) };
    m_redis->eval(m_read, S::keys(keys), args.list(), std::move(handler));
}

void RoomStore::send(const MessagesSendParams &params, Done<EncodedMessageSent> done)
{
    using S = scripts::Send;
    const RoomKeys keys(m_prefix, params.member.roomId);
    const S::Args args { .now = number(now()),
        .tokenHash = memberKey(params.member.token),
        .messageId = ids::newMessageId().toLatin1(),
        .text = params.text.value_or(QString()).toUtf8(),
        .clientMsgId = params.clientMsgId.value_or(QString()).toUtf8(),
        .channel = keys.channel,
        .history = number(limits::kHistoryLength),
        .roomId = params.member.roomId.toLatin1(),
        .ciphertext = params.ciphertext.value_or(QString()).toLatin1() };
    m_redis->eval(m_send, S::keys(keys), args.list(), [done](const redis::Reply &reply) {
        if (auto error = scriptError(reply, "send"))
            return done(*error);
        done(EncodedMessageSent { reply.elements.value(S::message).string });
    });
}

void RoomStore::destroy(const MemberParams &member, Done<Stored> done)
{
    using S = scripts::Destroy;
    const RoomKeys keys(m_prefix, member.roomId);
    const S::Args args {
        .now = number(now()), .tokenHash = memberKey(member.token), .channel = keys.channel
    };
    evalStored(m_destroy, S::keys(keys), args.list(), "destroy", std::move(done));
}

void RoomStore::remove(const MemberRemoveParams &params, Done<Stored> done)
{
    using S = scripts::Remove;
    const RoomKeys keys(m_prefix, params.member.roomId);
    const S::Args args { .now = number(now()),
        .tokenHash = memberKey(params.member.token),
        .channel = keys.channel,
        .participantId = params.participantId.toUtf8() };
    evalStored(m_remove, S::keys(keys), args.list(), "remove", std::move(done));
}

void RoomStore::lock(const RoomLockParams &params, Done<Stored> done)
{
    using S = scripts::Lock;
    const RoomKeys keys(m_prefix, params.member.roomId);
    const S::Args args { .now = number(now()),
        .tokenHash = memberKey(params.member.token),
        .channel = keys.channel,
        .locked = params.locked ? "1" : "0" };
    evalStored(m_lock, S::keys(keys), args.list(), "lock", std::move(done));
}

void RoomStore::evalStored(const redis::Script &script, const QList<QByteArray> &keys,
    const QList<QByteArray> &args, const char *name, Done<Stored> done)
{
    m_redis->eval(script, keys, args, [name, done](const redis::Reply &reply) {
        if (auto error = scriptError(reply, name))
            return done(*error);
        done(Stored {});
    });
}

void RoomStore::relay(
    const MemberParams &member, Event event, const QJsonObject &fields, Done<Stored> done)
{
    using S = scripts::Relay;
    const RoomKeys keys(m_prefix, member.roomId);
    const S::Args args { .now = number(now()),
        .tokenHash = memberKey(member.token),
        .channel = keys.channel,
        .event = eventName(event).toString().toLatin1(),
        .fields = QJsonDocument(fields).toJson(QJsonDocument::Compact) };
    evalStored(m_relay, S::keys(keys), args.list(), "relay", std::move(done));
}

void RoomStore::expire(const QString &roomId, Done<qint64> done)
{
    using S = scripts::Expire;
    const RoomKeys keys(m_prefix, roomId);
    const S::Args args { .now = number(now()), .channel = keys.channel };
    m_redis->eval(m_expire, S::keys(keys), args.list(), [done](const redis::Reply &reply) {
        if (auto error = scriptError(reply, "expire"))
            return done(*error);
        // ok alone: ended; ok with a deadline: another clock ran early, not yet.
        done(reply.elements.size() > S::expiresAt ? reply.elements.value(S::expiresAt).toInteger()
                                                  : qint64(0));
    });
}

} // namespace pc::host
