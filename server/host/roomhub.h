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

// Fan-out in one host process: which local session is subscribed to which room, the room's
// Redis channel while it has local subscribers, and the timer that ends the room on time.
// Every event reaches a room's subscribers through here, encoded once per room.
class RoomHub : public QObject
{
    Q_OBJECT
public:
    RoomHub(RoomStore *store, redis::Connection *redis, redis::Subscriber *subscriber,
        QObject *parent = nullptr);
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

    // Publishes a schema event to every subscriber of the room, in every host process.
    template<protocol::SchemaEvent P> void emit(const QString &roomId, const P &payload)
    {
        publish(roomId, protocol::encodeBusEvent(payload));
    }
    // Delivers an event to this process' subscribers of the room (a room's end is delivered
    // once per subscription whichever way it arrives first).
    template<protocol::SchemaEvent P> void deliver(const QString &roomId, const P &payload)
    {
        deliver(roomId, protocol::encodeEvent(payload));
    }

    int roomCount() const { return int(m_rooms.size()); }

private:
    struct Subscription;
    struct LocalRoom;

    void publish(const QString &roomId, const QByteArray &busEvent);
    void deliver(const QString &roomId, const protocol::EncodedEvent &event);
    LocalRoom &room(const QString &roomId);
    void completeSubscribe(Session *session, const QString &roomId, protocol::EventMask events,
        const protocol::MemberParams &member, Done<protocol::Subscribed> done);
    void armExpiry(LocalRoom &room, qint64 expiresAt);
    void expire(const QString &roomId);
    void dropIfUnused(const QString &roomId);
    void onBusMessage(const QByteArray &channel, const QByteArray &payload);
    void onChannelActive(const QByteArray &channel, bool afterReconnect);

    RoomStore *m_store;
    redis::Connection *m_redis;
    redis::Subscriber *m_subscriber;
    QHash<QString, std::shared_ptr<LocalRoom>> m_rooms;
};

} // namespace pc::host
