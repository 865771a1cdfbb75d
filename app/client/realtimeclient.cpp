#include "realtimeclient.h"

#include "clientlog.h"

#include "protocol/ids.h"
#include "protocol/limits.h"

#include <QDateTime>

namespace pc::client {

using namespace pc::protocol;
using Retry = RequestQueue::Retry;

namespace {

    QLatin1StringView key(const char *k)
    {
        return QLatin1StringView(k);
    }

    bool endsTheChannel(const Error &error)
    {
        return error.code == ErrorCode::RoomNotFound || error.code == ErrorCode::Unauthorized;
    }

} // namespace

struct RealtimeClient::Channel
{
    QString roomId;
    QString token;
    qint64 lastSeq = 0; // highest seq emitted
    bool subscribed = false;
    bool syncing = false;
    bool syncAgain = false;
    std::map<qint64, ChatMessage> held; // arrived out of order or while syncing
};

RealtimeClient::RealtimeClient(QObject *parent) : QObject(parent), m_requests(m_link)
{
    connect(&m_link, &Link::stateChanged, this, &RealtimeClient::statusChanged);
    connect(&m_link, &Link::lastErrorChanged, this, &RealtimeClient::lastErrorChanged);
    connect(&m_link, &Link::connectionFailed, this, &RealtimeClient::connectionFailed);
    connect(&m_link, &Link::connected, this, [this] {
        for (const auto &channel : std::as_const(m_channels))
            subscribeChannel(channel->roomId);
    });
    connect(&m_link, &Link::lost, this, [this] {
        for (const auto &channel : std::as_const(m_channels)) {
            channel->subscribed = false;
            channel->syncing = false;
        }
    });
    connect(&m_link, &Link::eventReceived, this, &RealtimeClient::onEvent);
}

RealtimeClient::~RealtimeClient()
{
    // The host is told before the link closes; nobody is called back any more.
    if (m_link.isConnected()) {
        for (const auto &channel : std::as_const(m_channels)) {
            if (channel->subscribed)
                m_requests.request<Empty>(Op::Unsubscribe,
                    UnsubscribeParams { channel->roomId }.toJson(), Retry::No, nullptr, {});
        }
    }
    m_link.closeForGood();
}

RealtimeClient::Status RealtimeClient::status() const
{
    switch (m_link.state()) {
    case Link::State::Connecting:
        return Status::Connecting;
    case Link::State::Connected:
        return Status::Connected;
    case Link::State::Reconnecting:
        return Status::Reconnecting;
    case Link::State::Disconnected:
        break;
    }
    return Status::Disconnected;
}

void RealtimeClient::setUrl(const QUrl &url)
{
    if (url == m_link.url())
        return;
    m_link.setUrl(url);
    Q_EMIT urlChanged();
}

void RealtimeClient::setEvents(const QStringList &names)
{
    EventMask mask = names.isEmpty() ? kAllEvents : 0;
    for (const QString &name : names) {
        if (const auto event = eventFromName(name))
            mask |= eventBit(*event);
        else
            qCWarning(lcClient) << "ignoring unknown event" << name;
    }
    m_eventNames = names;
    m_eventMask = mask;
    Q_EMIT eventsChanged();
    if (m_link.isConnected()) {
        for (const auto &channel : std::as_const(m_channels))
            subscribeChannel(channel->roomId);
    }
}

int RealtimeClient::retryInMs() const
{
    return m_link.retryInMs();
}

void RealtimeClient::reconnectNow()
{
    m_link.reconnectNow();
}

void RealtimeClient::setAnswerTimeoutMs(int ms)
{
    m_requests.setAnswerTimeoutMs(ms);
    m_link.setOpenTimeoutMs(ms);
}

void RealtimeClient::createRoom(const RoomCreateParams &params, Done<RoomCreated> done)
{
    m_requests.request(Op::RoomCreate, params.toJson(), Retry::No, this, std::move(done));
}

void RealtimeClient::joinRoom(const RoomJoinParams &params, Done<RoomJoined> done)
{
    // A rejoin (with a token) is safe to repeat; a first join is not.
    const Retry retry = params.token ? Retry::AfterReconnect : Retry::No;
    m_requests.request(Op::RoomJoin, params.toJson(), retry, this, std::move(done));
}

void RealtimeClient::leaveRoom(const MemberParams &member, Done<Empty> done)
{
    m_requests.request(Op::RoomLeave, member.toJson(), Retry::No, this, std::move(done));
}

void RealtimeClient::roomTtl(const MemberParams &member, Done<RoomTtl> done)
{
    m_requests.request(Op::RoomTtl, member.toJson(), Retry::AfterReconnect, this, std::move(done));
}

void RealtimeClient::roomInfo(const MemberParams &member, Done<RoomInfo> done)
{
    m_requests.request(Op::RoomInfo, member.toJson(), Retry::AfterReconnect, this, std::move(done));
}

void RealtimeClient::destroyRoom(const MemberParams &member, Done<Empty> done)
{
    m_requests.request(Op::RoomDestroy, member.toJson(), Retry::No, this, std::move(done));
}

void RealtimeClient::send(const MessagesSendParams &params, Done<ChatMessage> done)
{
    // The clientMsgId makes a retry safe: the host returns the message it already has.
    MessagesSendParams withId = params;
    if (!withId.clientMsgId)
        withId.clientMsgId = ids::newMessageId();
    const qint64 asked = QDateTime::currentMSecsSinceEpoch();
    m_requests.request<ChatMessage>(Op::MessagesSend, withId.toJson(), Retry::AfterReconnect, this,
        [this, asked, done](Outcome<ChatMessage> outcome) {
            if (const auto *message = std::get_if<ChatMessage>(&outcome)) {
                // The host stamped it about halfway through the round trip.
                const qint64 now = QDateTime::currentMSecsSinceEpoch();
                if (now - asked < 2000)
                    m_clockOffsetMs = message->timestamp - (asked + now) / 2;
            }
            if (done)
                done(outcome);
        });
}

void RealtimeClient::listMessages(const MessagesListParams &params, Done<MessageList> done)
{
    m_requests.request(
        Op::MessagesList, params.toJson(), Retry::AfterReconnect, this, std::move(done));
}

void RealtimeClient::addChannel(const QString &roomId, const QString &token, qint64 lastSeq)
{
    auto channel = std::make_shared<Channel>();
    channel->roomId = roomId;
    channel->token = token;
    channel->lastSeq = lastSeq;
    m_channels.insert(roomId, channel);
    Q_EMIT channelsChanged();
    if (m_link.isConnected())
        subscribeChannel(roomId);
    else
        m_link.open();
}

void RealtimeClient::removeChannel(const QString &roomId)
{
    const auto channel = m_channels.take(roomId);
    if (!channel)
        return;
    if (channel->subscribed && m_link.isConnected())
        m_requests.request<Empty>(
            Op::Unsubscribe, UnsubscribeParams { roomId }.toJson(), Retry::No, nullptr, {});
    Q_EMIT channelsChanged();
}

qint64 RealtimeClient::lastSeq(const QString &roomId) const
{
    const auto channel = m_channels.value(roomId);
    return channel ? channel->lastSeq : 0;
}

void RealtimeClient::loseChannel(const QString &roomId, const Error &error)
{
    if (!m_channels.remove(roomId))
        return;
    Q_EMIT channelsChanged();
    Q_EMIT channelLost(roomId, error);
}

void RealtimeClient::subscribeChannel(const QString &roomId)
{
    const auto channel = m_channels.value(roomId);
    if (!channel)
        return;
    const SubscribeParams params { { roomId, channel->token }, m_eventMask };
    m_requests.request<Subscribed>(Op::Subscribe, params.toJson(), Retry::No, this,
        [this, roomId](Outcome<Subscribed> outcome) {
            const auto channel = m_channels.value(roomId);
            if (!channel)
                return;
            if (const auto *error = std::get_if<Error>(&outcome)) {
                if (endsTheChannel(*error))
                    loseChannel(roomId, *error);
                return; // lost link: subscribed again on reconnect
            }
            channel->subscribed = true;
            // Whatever was missed while away comes from history.
            sync(roomId);
        });
}

void RealtimeClient::sync(const QString &roomId)
{
    const auto channel = m_channels.value(roomId);
    if (!channel || !m_link.isConnected())
        return;
    if (channel->syncing) {
        channel->syncAgain = true;
        return;
    }
    channel->syncing = true;
    channel->syncAgain = false;
    const qint64 after = channel->lastSeq;
    const MessagesListParams params { { roomId, channel->token }, after, limits::kMaxListLimit };
    listMessages(params, [this, roomId, after](Outcome<MessageList> outcome) {
        const auto channel = m_channels.value(roomId);
        if (!channel)
            return;
        channel->syncing = false;
        if (const auto *error = std::get_if<Error>(&outcome)) {
            if (endsTheChannel(*error))
                loseChannel(roomId, *error);
            return;
        }
        const MessageList &page = std::get<MessageList>(outcome);
        if (page.firstSeq > after + 1 && after < page.lastSeq)
            Q_EMIT historyTrimmed(roomId, page.firstSeq - after - 1);
        for (const ChatMessage &message : page.messages) {
            if (message.seq > channel->lastSeq) {
                channel->lastSeq = message.seq;
                emitEvent(roomId, message);
                if (!m_channels.contains(roomId))
                    return;
            }
        }
        drainHeld(*channel);
        const bool more = page.hasMore || page.messages.size() >= limits::kMaxListLimit;
        if (more || channel->syncAgain || !channel->held.empty())
            sync(roomId);
    });
}

void RealtimeClient::drainHeld(Channel &channel)
{
    const QString roomId = channel.roomId;
    while (!channel.held.empty()) {
        auto first = channel.held.begin();
        if (first->first <= channel.lastSeq) {
            channel.held.erase(first);
            continue;
        }
        if (first->first != channel.lastSeq + 1)
            return; // still a gap: history fills it
        const ChatMessage message = first->second;
        channel.held.erase(first);
        channel.lastSeq = message.seq;
        emitEvent(roomId, message);
        if (!m_channels.contains(roomId))
            return;
    }
}

void RealtimeClient::deliverMessage(const QString &roomId, const ChatMessage &message)
{
    const auto channel = m_channels.value(roomId);
    if (!channel || message.seq <= channel->lastSeq)
        return;
    if (channel->syncing || message.seq != channel->lastSeq + 1) {
        channel->held.emplace(message.seq, message);
        sync(roomId);
        return;
    }
    channel->lastSeq = message.seq;
    emitEvent(roomId, message);
    if (m_channels.contains(roomId))
        drainHeld(*channel);
}

void RealtimeClient::onEvent(const QJsonObject &frame)
{
    const QString channel = frame.value(key("channel")).toString();
    const auto event = eventFromName(frame.value(key("event")).toString());
    if (!event || !m_channels.contains(channel))
        return;
    const AnyEvent payload = eventFromJson(*event, frame.value(key("data")).toObject());
    if (std::holds_alternative<std::monostate>(payload)) {
        qCWarning(lcClient) << "ignoring an event that does not match the schema:"
                            << eventName(*event);
        return;
    }
    dispatch(channel, payload);
}

void RealtimeClient::dispatch(const QString &channel, const AnyEvent &event)
{
    switch (eventOf(event)) {
    case Event::ChatMessage:
        deliverMessage(channel, std::get<ChatMessage>(event));
        return;
    case Event::RoomResync:
        emitEvent(channel, event);
        sync(channel);
        return;
    case Event::ChatDestroy:
        m_channels.remove(channel); // the room is over: nothing to follow or resubscribe
        Q_EMIT channelsChanged();
        emitEvent(channel, event);
        return;
    default:
        emitEvent(channel, event);
    }
}

void RealtimeClient::emitEvent(const QString &channel, const AnyEvent &event)
{
    if (!((m_eventMask | kAlwaysDelivered) & eventBit(eventOf(event))))
        return;
    // One typed signal per schema event: an event without its signal does not compile.
    switch (eventOf(event)) {
#define PC_EMIT_TYPED(name, wire, signal, ...)                                                     \
    case Event::name:                                                                              \
        Q_EMIT signal(channel, std::get<protocol::name>(event));                                   \
        break;
        PC_PROTOCOL_EVENTS(PC_EMIT_TYPED)
#undef PC_EMIT_TYPED
    }
    Q_EMIT this->event(
        channel, eventName(eventOf(event)).toString(), eventToJson(event).toVariantMap());
}

} // namespace pc::client
