#include "roomhub.h"

#include "hostcounters.h"
#include "hostlog.h"
#include "roomkeys.h"
#include "session.h"
#include "textframe.h"

#include "redis/connection.h"
#include "redis/subscriber.h"

#include <QDateTime>
#include <QJsonDocument>

namespace pc::host {

using namespace pc::protocol;

namespace {

    // The member a presence.leave is about (its subscriptions end with it), else empty.
    QString leaverOf(const EncodedEvent &event)
    {
        if (event.event != Event::PresenceLeave)
            return {};
        const auto left = PresenceLeave::fromJson(QJsonDocument::fromJson(event.data).object());
        return left ? left->participantId : QString();
    }

} // namespace

struct RoomHub::Subscription
{
    struct Held
    {
        qint64 seq;       // chat.message: its seq, else 0
        QByteArray frame; // the WebSocket frame
        QString leaver;   // presence.leave: who left
        bool ends;        // chat.destroy
    };

    EventMask events = kAllEvents;
    QString participantId;       // whose subscription: the member the last subscribe named
    qint64 lastSeq = 0;          // highest chat.message seq delivered (or covered by the reply)
    bool pending = true;         // the subscribe reply has not gone out yet: hold events back
    bool endsAfterReply = false; // the room ended while pending
    int leaving = 0;             // room.leave in flight on this connection: end silently
    QList<Held> held;            // while pending
};

struct RoomHub::LocalRoom
{
    QString roomId;
    QByteArray channel;
    // A handful per room, so a list: a hash allocates a whole span (2.5 KiB) for a room of two.
    QList<std::pair<Session *, Subscription>> subscriptions;

    Subscription *find(Session *session)
    {
        for (auto &[s, sub] : subscriptions) {
            if (s == session)
                return &sub;
        }
        return nullptr;
    }
    void remove(Session *session)
    {
        subscriptions.removeIf([session](const auto &entry) { return entry.first == session; });
    }
    QList<std::function<void()>> waitingForChannel;
    QList<std::function<void()>> waitingForEnd; // whenEnded()
    QTimer expiry;
};

RoomHub::RoomHub(RoomStore *store, redis::Connection *redis, redis::Subscriber *subscriber,
    HostCounters *counters, QObject *parent)
    : QObject(parent)
    , m_store(store)
    , m_counters(counters)
    , m_redis(redis)
    , m_subscriber(subscriber)
{
    connect(m_subscriber, &redis::Subscriber::message, this, &RoomHub::onBusMessage);
    connect(m_subscriber, &redis::Subscriber::subscribed, this, &RoomHub::onChannelActive);
}

RoomHub::~RoomHub() = default;

RoomHub::LocalRoom &RoomHub::room(const QString &roomId)
{
    auto &slot = m_rooms[roomId];
    if (!slot) {
        slot = std::make_shared<LocalRoom>();
        slot->roomId = roomId;
        slot->channel = RoomKeys(m_store->prefix(), roomId).channel;
        slot->expiry.setSingleShot(true);
        slot->expiry.setTimerType(Qt::PreciseTimer);
        connect(&slot->expiry, &QTimer::timeout, this, [this, roomId] { expire(roomId); });
        m_subscriber->subscribe(slot->channel);
    }
    return *slot;
}

void RoomHub::subscribe(
    Session *session, const MemberParams &member, EventMask events, Done<Subscribed> done)
{
    if (!m_subscriber->isConnected())
        return done(Error::unavailable());
    LocalRoom &r = room(member.roomId);
    if (!r.find(session)) {
        r.subscriptions.append({ session, Subscription {} });
        session->addRoom(member.roomId);
    }
    QPointer<Session> guard(session);
    auto run = [this, guard, member, events, done] {
        if (!guard)
            return;
        completeSubscribe(guard, member.roomId, events, member, done);
    };
    if (m_subscriber->isActive(r.channel))
        run();
    else
        r.waitingForChannel.append(run);
}

// The channel is active, so every event published from now on reaches us: read lastSeq and
// reply; events that arrived meanwhile are held and released after the reply.
void RoomHub::completeSubscribe(Session *session, const QString &roomId, EventMask events,
    const MemberParams &member, Done<Subscribed> done)
{
    QPointer<Session> guard(session);
    m_store->memberInfo(member, [this, guard, roomId, events, done](Outcome<MemberInfo> outcome) {
        if (!guard)
            return;
        Session *session = guard;
        auto it = m_rooms.find(roomId);
        Subscription *sub = nullptr;
        if (it != m_rooms.end())
            sub = (*it)->find(session);
        if (auto *error = std::get_if<Error>(&outcome)) {
            // A first subscribe that failed leaves nothing behind; a resubscribe keeps the old one.
            if (sub && sub->pending) {
                (*it)->remove(session);
                session->removeRoom(roomId);
                dropIfUnused(roomId);
            }
            return done(*error);
        }
        const MemberInfo &info = std::get<MemberInfo>(outcome);
        if (!sub) // unsubscribed (or left) while the store was asked
            return done(Subscribed { roomId, info.room.lastSeq });
        const bool first = sub->pending;
        sub->events = events;
        sub->participantId = info.participantId;
        if (first)
            sub->lastSeq = info.room.lastSeq;
        armExpiry(**it, info.room.expiresAt);
        done(Subscribed { roomId, info.room.lastSeq });
        if (!first)
            return;
        sub->pending = false;
        const auto held = std::exchange(sub->held, {});
        for (const auto &event : held) {
            if (!event.leaver.isEmpty() && event.leaver == sub->participantId) {
                if (!sub->leaving)
                    session->sendFrame(event.frame);
                sub->endsAfterReply = true;
                break;
            }
            if (event.seq == 0 || event.seq > sub->lastSeq) {
                sub->lastSeq = std::max(sub->lastSeq, event.seq);
                session->sendFrame(event.frame);
                m_counters->messagesDelivered += event.seq > 0;
            }
            if (event.ends)
                break; // a room ends once, however many hosts said so
        }
        if (sub->endsAfterReply) {
            (*it)->remove(session);
            session->removeRoom(roomId);
            dropIfUnused(roomId);
        }
    });
}

void RoomHub::unsubscribe(Session *session, const QString &roomId)
{
    auto it = m_rooms.find(roomId);
    if (it != m_rooms.end())
        (*it)->remove(session);
    session->removeRoom(roomId);
    dropIfUnused(roomId);
}

void RoomHub::beginLeave(Session *session, const QString &roomId)
{
    auto it = m_rooms.find(roomId);
    if (it == m_rooms.end())
        return;
    if (Subscription *sub = (*it)->find(session))
        ++sub->leaving;
}

void RoomHub::endLeave(Session *session, const QString &roomId, bool left)
{
    if (left)
        return unsubscribe(session, roomId);
    auto it = m_rooms.find(roomId);
    if (it == m_rooms.end())
        return;
    if (Subscription *sub = (*it)->find(session); sub && sub->leaving > 0)
        --sub->leaving;
}

void RoomHub::removeSession(Session *session)
{
    const QList<QString> rooms = session->rooms();
    for (const QString &roomId : rooms)
        unsubscribe(session, roomId);
}

void RoomHub::dropIfUnused(const QString &roomId)
{
    auto it = m_rooms.find(roomId);
    if (it == m_rooms.end() || !(*it)->subscriptions.isEmpty())
        return;
    const auto waiting = std::exchange((*it)->waitingForEnd, {}); // no one left to wait for
    m_subscriber->unsubscribe((*it)->channel);
    m_rooms.erase(it);
    for (const auto &then : waiting)
        then();
}

void RoomHub::armExpiry(LocalRoom &room, qint64 expiresAt)
{
    const qint64 left = std::max<qint64>(0, expiresAt - QDateTime::currentMSecsSinceEpoch());
    room.expiry.start(int(std::min<qint64>(left, std::numeric_limits<int>::max())));
}

void RoomHub::expire(const QString &roomId)
{
    m_store->expire(roomId, [this, roomId](Outcome<qint64> outcome) {
        auto it = m_rooms.find(roomId);
        if (it == m_rooms.end())
            return;
        if (const qint64 *deadline = std::get_if<qint64>(&outcome); deadline && *deadline > 0) {
            armExpiry(**it, *deadline);
            return;
        }
        // The script published chat.destroy (or another host's did): it comes by the bus. A
        // store that cannot be told now is asked again; its keys carry the deadline, so Redis
        // removes them anyway, and subscribers that miss the end hear room.resync.
        if (std::holds_alternative<Error>(outcome))
            (*it)->expiry.start(1000);
    });
}

void RoomHub::whenEnded(const QString &roomId, int waitMs, std::function<void()> then)
{
    auto it = m_rooms.find(roomId);
    if (it == m_rooms.end())
        return then();
    auto once = std::make_shared<std::function<void()>>(std::move(then));
    const auto run = [once] {
        if (auto f = std::exchange(*once, {}))
            f();
    };
    (*it)->waitingForEnd.append(run);
    QTimer::singleShot(waitMs, this, run);
}

void RoomHub::deliver(const QString &roomId, const EncodedEvent &event)
{
    auto it = m_rooms.find(roomId);
    if (it == m_rooms.end())
        return;
    const std::shared_ptr<LocalRoom> room = *it; // sending may close sessions
    const Event kind = event.event;
    const bool ends = kind == Event::ChatDestroy;
    const qint64 seq = event.seq;
    const QString leaver = leaverOf(event);
    const QByteArray frame = textFrame(encodeEventFrame(roomId, event));

    QList<Session *> ended;
    for (auto &[subscriber, sub] : room->subscriptions) {
        if (sub.pending) { // whose it is, and so whether this ends it, is known after the reply
            sub.held.append({ seq, frame, leaver, ends });
            sub.endsAfterReply = sub.endsAfterReply || ends;
            continue;
        }
        // The member left: its subscription ends with this event, whatever its filter (the
        // connection that sent room.leave knows already).
        if (!leaver.isEmpty() && sub.participantId == leaver) {
            if (!sub.leaving)
                subscriber->sendFrame(frame);
            ended.append(subscriber);
            continue;
        }
        if (!((sub.events | kAlwaysDelivered) & eventBit(kind)))
            continue;
        if (seq != 0) {
            if (seq <= sub.lastSeq)
                continue; // already delivered, or before this subscription began
            sub.lastSeq = seq;
            ++m_counters->messagesDelivered; // only chat.message has a seq
        }
        subscriber->sendFrame(frame);
        if (ends)
            ended.append(subscriber);
    }
    for (Session *session : std::as_const(ended)) {
        room->remove(session);
        session->removeRoom(roomId);
    }
    if (ends) {
        room->expiry.stop();
        for (const auto &then : std::exchange(room->waitingForEnd, {}))
            then();
    }
    dropIfUnused(roomId);
}

void RoomHub::onBusMessage(const QByteArray &channel, const QByteArray &payload)
{
    const QString roomId = RoomKeys::roomIdOfChannel(m_store->prefix(), channel);
    if (roomId.isEmpty() || !m_rooms.contains(roomId))
        return;
    const auto event = decodeBusEvent(payload);
    if (!event) {
        qCWarning(lcHost) << "dropped an event from Redis that does not match the schema";
        return;
    }
    deliver(roomId, *event);
}

// A presence.leave published while our pub/sub link was down never reaches us: whoever left
// or was removed meanwhile would go on receiving. Their subscriptions end here instead.
void RoomHub::endGoneMembers(const QString &roomId)
{
    m_store->memberIds(roomId, [this, roomId](Outcome<QSet<QString>> outcome) {
        const auto *ids = std::get_if<QSet<QString>>(&outcome);
        auto it = m_rooms.find(roomId);
        if (!ids || it == m_rooms.end())
            return; // the store is away again: the next reconnect asks again
        const std::shared_ptr<LocalRoom> room = *it;
        QList<Session *> gone;
        for (const auto &[session, sub] : room->subscriptions) {
            if (!sub.pending && !ids->contains(sub.participantId))
                gone.append(session);
        }
        for (Session *session : std::as_const(gone)) {
            room->remove(session);
            session->removeRoom(roomId);
        }
        dropIfUnused(roomId);
    });
}

void RoomHub::onChannelActive(const QByteArray &channel, bool afterReconnect)
{
    const QString roomId = RoomKeys::roomIdOfChannel(m_store->prefix(), channel);
    auto it = m_rooms.find(roomId);
    if (it == m_rooms.end())
        return;
    const std::shared_ptr<LocalRoom> room = *it;
    if (afterReconnect) {
        qCInfo(lcHost) << "Redis pub/sub is back; asking subscribers of a room to resync";
        deliver(roomId, encodeEvent(RoomResync { QStringLiteral("host-reconnected-to-store") }));
        endGoneMembers(roomId);
    }
    const auto waiting = std::exchange(room->waitingForChannel, {});
    for (const auto &run : waiting)
        run();
}

} // namespace pc::host
