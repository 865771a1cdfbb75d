#include "realtimeclient.h"

#include "clientlog.h"

#include "protocol/ids.h"

#include <QDateTime>

namespace pc::client {

using namespace pc::protocol;
using Retry = RequestQueue::Retry;

RealtimeClient::RealtimeClient(QObject *parent)
    : EventSignals(parent), m_requests(m_link), m_sync(m_link, m_requests)
{
    connect(&m_link, &Link::stateChanged, this, &RealtimeClient::statusChanged);
    connect(&m_link, &Link::lastErrorChanged, this, &RealtimeClient::lastErrorChanged);
    connect(&m_link, &Link::silentChanged, this, &RealtimeClient::hostSilentChanged);
    connect(&m_link, &Link::connectionFailed, this, &RealtimeClient::connectionFailed);
    connect(&m_sync, &ChannelSync::channelsChanged, this, &RealtimeClient::channelsChanged);
    connect(&m_sync, &ChannelSync::delivered, this, &RealtimeClient::emitEvent);
    connect(&m_sync, &ChannelSync::historyTrimmed, this, &RealtimeClient::historyTrimmed);
    connect(&m_sync, &ChannelSync::subscribed, this, &RealtimeClient::channelSubscribed);
    connect(&m_sync, &ChannelSync::channelLost, this, &RealtimeClient::channelLost);
}

RealtimeClient::~RealtimeClient()
{
    // The host is told before the link closes; nobody is called back any more.
    m_sync.unsubscribeAll();
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

void RealtimeClient::setServer(const QUrl &url, const QString &pin)
{
    // The same host, asked for again (a join, a create): try it now if the link is down,
    // rather than at the backoff's next try.
    if (url == m_link.url() && pin == m_link.pin()) {
        if (!url.isEmpty() && m_link.state() == Link::State::Reconnecting)
            m_link.reconnectNow();
        return;
    }
    const bool urlChanged = url != m_link.url();
    m_link.setUrl(url, pin);
    if (urlChanged)
        Q_EMIT this->urlChanged();
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
    m_sync.setEventMask(mask);
    Q_EMIT eventsChanged();
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

void RealtimeClient::addChannel(const QString &roomId, const QString &token, qint64 lastSeq)
{
    m_sync.add(roomId, token, lastSeq);
}

void RealtimeClient::removeChannel(const QString &roomId)
{
    m_sync.remove(roomId);
}

qint64 RealtimeClient::lastSeq(const QString &roomId) const
{
    return m_sync.lastSeq(roomId);
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

void RealtimeClient::emitEvent(const QString &channel, const AnyEvent &event)
{
    emitTyped(channel, event); // an event without its signal does not compile
    Q_EMIT this->event(
        channel, eventName(eventOf(event)).toString(), eventToJson(event).toVariantMap());
}

} // namespace pc::client
