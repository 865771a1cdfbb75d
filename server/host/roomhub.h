#pragma once

#include "roomstore.h"

#include "protocol/events.h"
#include "protocol/frames.h"

#include <QHash>
#include <QObject>
#include <QPointer>
#include <QTimer>

#include <functional>
#include <memory>

namespace pc::redis {
class Connection;
class Subscriber;
} // namespace pc::redis

namespace pc::host {

class Session;
struct HostCounters;

// Fan-out in one host process: which local session is subscribed to which room, the room's
// Redis channel while it has local subscribers, and the timer that ends the room on time.
// One road: every event of a room is published by a store script, atomically with its write,
// and reaches subscribers from the bus through deliver(), the one place that deduplicates
// (by seq, and a room's end once). The only event the hub makes itself is room.resync, about
// its own link to the bus, through the same deliver().
class RoomHub : public QObject
{
    Q_OBJECT
public:
    RoomHub(RoomStore *store, redis::Connection *redis, redis::Subscriber *subscriber,
        HostCounters *counters, QObject *parent = nullptr);
    ~RoomHub() override;

    // Subscribes a session to a room. The reply (through done) comes before any event of the
    // subscription; from then on every chat.message with seq > lastSeq is delivered.
    void subscribe(Session *session, const protocol::MemberParams &member,
        protocol::EventMask events, Done<protocol::Subscribed> done);
    void unsubscribe(Session *session, const QString &roomId);
    // room.leave on this connection: around the store call, so that its subscription ends
    // without the leaver's own presence.leave whichever arrives first, that or the reply.
    void beginLeave(Session *session, const QString &roomId);
    void endLeave(Session *session, const QString &roomId, bool left);
    void removeSession(Session *session);

    // Runs then() once this process' subscribers of the room have had its end (chat.destroy
    // from the bus), at once when it has none, and after waitMs at most (the bus is
    // at-most-once: a subscriber that missed it hears of it by room.resync).
    void whenEnded(const QString &roomId, int waitMs, std::function<void()> then);

    int roomCount() const { return int(m_rooms.size()); }

private:
    struct Subscription;
    struct LocalRoom;

    void deliver(const QString &roomId, const protocol::EncodedEvent &event);
    LocalRoom &room(const QString &roomId);
    void completeSubscribe(Session *session, const QString &roomId, protocol::EventMask events,
        const protocol::MemberParams &member, Done<protocol::Subscribed> done);
    void armExpiry(LocalRoom &room, qint64 expiresAt);
    void expire(const QString &roomId);
    void dropIfUnused(const QString &roomId);
    void onBusMessage(const QByteArray &channel, const QByteArray &payload);
    void onChannelActive(const QByteArray &channel, bool afterReconnect);
    void endGoneMembers(const QString &roomId);

    RoomStore *m_store;
    HostCounters *m_counters;
    redis::Connection *m_redis;
    redis::Subscriber *m_subscriber;
    QHash<QString, std::shared_ptr<LocalRoom>> m_rooms;
};

} // namespace pc::host
