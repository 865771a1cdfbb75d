#pragma once

#include "protocol/errors.h"
#include "protocol/events.h"
#include "protocol/outcome.h"
#include "protocol/replies.h"
#include "protocol/requests.h"
#include "redis/reply.h"
#include "redis/script.h"

#include <QByteArray>
#include <QObject>
#include <QSet>

#include <functional>
#include <variant>

namespace pc::redis {
class Connection;
} // namespace pc::redis

namespace pc::host {

template<typename T> using Outcome = std::variant<T, protocol::Error>;
template<typename T> using Done = std::function<void(Outcome<T>)>;

struct Stored
{
}; // success without data

// A member's view of its room: what room.info answers, and who the member is.
struct MemberInfo
{
    QString participantId;
    protocol::RoomInfo room;
};

// The room rules on Redis. Every op is one Lua script: one atomic round trip, so concurrent
// joins cannot break the cap and a room's messages get gapless seqs in publish order.
// Callbacks run on the event loop; store failures arrive as unavailable or internal.
class RoomStore
{
public:
    RoomStore(redis::Connection *redis, QByteArray prefix);

    const QByteArray &prefix() const { return m_prefix; }

    void create(const protocol::RoomCreateParams &params, Done<protocol::RoomCreated> done);
    void join(const protocol::RoomJoinParams &params, Done<protocol::RoomJoined> done);
    // What join would answer (room-not-found, unauthorized, room-full), without joining.
    void checkJoin(const protocol::RoomJoinParams &params, Done<Stored> done);
    void leave(const protocol::MemberParams &member, Done<protocol::PresenceLeave> done);
    void info(const protocol::MemberParams &member, Done<protocol::RoomInfo> done);
    void memberInfo(const protocol::MemberParams &member, Done<MemberInfo> done);
    // The participantIds of a room's current members (none once it is gone).
    void memberIds(const QString &roomId, Done<QSet<QString>> done);
    // Messages come as the JSON the send script stored, to be spliced into replies as is.
    void list(const protocol::MessagesListParams &params, Done<protocol::EncodedMessageList> done);
    void send(const protocol::MessagesSendParams &params, Done<protocol::EncodedMessageSent> done);
    void destroy(const protocol::MemberParams &member, Done<Stored> done);
    // A hosted room's host removes a member, or locks or opens the room.
    void remove(const protocol::MemberRemoveParams &params, Done<Stored> done);
    void lock(const protocol::RoomLockParams &params, Done<Stored> done);
    // A relay op: publishes event (fields: its payload but the sender) to the room, stores nothing.
    void relay(const protocol::MemberParams &member, protocol::Event event,
        const QJsonObject &fields, Done<Stored> done);
    // Ends a room whose deadline passed. Success value: the deadline still ahead (another
    // clock ran early), or 0 when the room is gone.
    void expire(const QString &roomId, Done<qint64> done);

private:
    // list() with the page read inside the read script: one step, for when a send moved it.
    void listInScript(
        const protocol::MessagesListParams &params, Done<protocol::EncodedMessageList> done);
    // The read script for a member, with a page of at most limit messages (0: none).
    void readRoom(
        const protocol::MessagesListParams &params, qint64 limit, redis::ReplyHandler handler);
    // Runs a script that answers ok, or a refusal (name: the script's, for the log).
    void evalStored(const redis::Script &script, const QList<QByteArray> &keys,
        const QList<QByteArray> &args, const char *name, Done<Stored> done);

    redis::Connection *m_redis;
    QByteArray m_prefix;
    redis::Script m_create;
    redis::Script m_join;
    redis::Script m_read;
    redis::Script m_send;
    redis::Script m_leave;
    redis::Script m_destroy;
    redis::Script m_expire;
    redis::Script m_relay;
    redis::Script m_remove;
    redis::Script m_lock;
};

} // namespace pc::host
