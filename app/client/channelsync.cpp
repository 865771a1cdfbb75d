#include "channelsync.h"

#include "clientlog.h"
#include "link.h"
#include "requestqueue.h"

#include "protocol/limits.h"
#include "protocol/requests.h"

namespace pc::client {

using namespace pc::protocol;

namespace {

    bool endsTheChannel(const Error &error)
    {
        return error.code == ErrorCode::RoomNotFound || error.code == ErrorCode::Unauthorized;
    }

} // namespace

struct ChannelSync::Channel
{
    QString roomId;
    QString token;
    qint64 lastSeq = 0; // highest seq handed on
    bool subscribed = false;
    int subscribing = 0; // subscribes sent and not answered
    // A messages.list is pending. It is retried across reconnects, so this outlives a link.
    bool syncing = false;
    bool syncAgain = false;             // and another one is due after it
    std::map<qint64, ChatMessage> held; // arrived ahead of a gap or while pending
};

ChannelSync::ChannelSync(Link &link, RequestQueue &requests, QObject *parent)
    : QObject(parent), m_link(link), m_requests(requests)
{
    connect(&m_link, &Link::connected, this, [this] {
        for (const auto &channel : std::as_const(m_channels))
            subscribe(channel);
    });
    connect(&m_link, &Link::lost, this, [this] {
        for (const auto &channel : std::as_const(m_channels)) {
            channel->subscribed = false;
            channel->subscribing = 0;
        }
    });
    connect(&m_link, &Link::eventReceived, this, &ChannelSync::onEvent);
}

ChannelSync::~ChannelSync() = default;

bool ChannelSync::isCurrent(const ChannelPtr &channel) const
{
    return channel && m_channels.value(channel->roomId) == channel;
}

void ChannelSync::add(const QString &roomId, const QString &token, qint64 lastSeq)
{
    auto channel = std::make_shared<Channel>();
    channel->roomId = roomId;
    channel->token = token;
    channel->lastSeq = lastSeq;
    m_channels.insert(roomId, channel);
    Q_EMIT channelsChanged();
    if (m_link.isConnected())
        subscribe(channel);
    else
        m_link.open();
}

void ChannelSync::remove(const QString &roomId)
{
    const ChannelPtr channel = m_channels.take(roomId);
    if (!channel)
        return;
    if ((channel->subscribed || channel->subscribing > 0) && m_link.isConnected()) {
        m_requests.request<Empty>(Op::Unsubscribe, UnsubscribeParams { roomId }.toJson(),
            RequestQueue::Retry::No, nullptr, {});
    }
    Q_EMIT channelsChanged();
}

void ChannelSync::unsubscribeAll()
{
    if (!m_link.isConnected())
        return;
    for (const auto &channel : std::as_const(m_channels)) {
        if (channel->subscribed || channel->subscribing > 0)
            m_requests.request<Empty>(Op::Unsubscribe,
                UnsubscribeParams { channel->roomId }.toJson(), RequestQueue::Retry::No, nullptr,
                {});
    }
}

qint64 ChannelSync::lastSeq(const QString &roomId) const
{
    const ChannelPtr channel = m_channels.value(roomId);
    return channel ? channel->lastSeq : 0;
}

void ChannelSync::setEventMask(EventMask mask)
{
    m_eventMask = mask;
    if (m_link.isConnected()) {
        for (const auto &channel : std::as_const(m_channels))
            subscribe(channel);
    }
}

void ChannelSync::lose(const ChannelPtr &channel, const Error &error)
{
    if (!isCurrent(channel))
        return;
    m_channels.remove(channel->roomId);
    Q_EMIT channelsChanged();
    Q_EMIT channelLost(channel->roomId, error);
}

void ChannelSync::subscribe(const ChannelPtr &channel)
{
    const SubscribeParams params { { channel->roomId, channel->token }, m_eventMask };
    ++channel->subscribing;
    m_requests.request<Subscribed>(Op::Subscribe, params.toJson(), RequestQueue::Retry::No, this,
        [this, weak = std::weak_ptr(channel)](Outcome<Subscribed> outcome) {
            const ChannelPtr channel = weak.lock();
            if (!isCurrent(channel))
                return;
            channel->subscribing = std::max(0, channel->subscribing - 1);
            if (const auto *error = std::get_if<Error>(&outcome)) {
                if (endsTheChannel(*error))
                    lose(channel, *error);
                return; // a lost link: subscribed again on reconnect
            }
            channel->subscribed = true;
            // Whatever was missed while away, or while this was on its way, comes from history.
            sync(channel);
            Q_EMIT subscribed(channel->roomId);
        });
}

void ChannelSync::sync(const ChannelPtr &channel)
{
    if (!m_link.isConnected())
        return; // the next subscribe syncs
    if (channel->syncing) {
        channel->syncAgain = true;
        return;
    }
    channel->syncing = true;
    channel->syncAgain = false;
    const qint64 after = channel->lastSeq;
    const MessagesListParams params { { channel->roomId, channel->token }, after,
        limits::kMaxListLimit };
    m_requests.request<MessageList>(Op::MessagesList, params.toJson(),
        RequestQueue::Retry::AfterReconnect, this,
        [this, weak = std::weak_ptr(channel), after](Outcome<MessageList> outcome) {
            const ChannelPtr channel = weak.lock();
            if (!isCurrent(channel))
                return;
            channel->syncing = false;
            if (const auto *error = std::get_if<Error>(&outcome)) {
                if (endsTheChannel(*error))
                    lose(channel, *error);
                return;
            }
            onPage(channel, after, std::get<MessageList>(outcome));
        });
}

void ChannelSync::onPage(const ChannelPtr &channel, qint64 after, const MessageList &page)
{
    if (page.firstSeq > after + 1 && after < page.lastSeq)
        Q_EMIT historyTrimmed(channel->roomId, page.firstSeq - after - 1);
    const qint64 before = channel->lastSeq;
    for (const ChatMessage &message : page.messages) {
        if (message.seq <= channel->lastSeq)
            continue;
        channel->lastSeq = message.seq;
        if (!hand(channel, message))
            return;
    }
    drainHeld(channel);
    if (!isCurrent(channel))
        return;
    // The page stopped at its size (hasMore) or its limit: the rest follows. A gap still
    // before the held messages is asked for again while pages bring something or the page
    // was read before the held ones were stored; a host with nothing more cannot keep us asking.
    const bool more = page.hasMore || page.messages.size() >= limits::kMaxListLimit;
    const bool gap = !channel->held.empty()
        && (channel->lastSeq > before || page.lastSeq < channel->held.begin()->first);
    if (more || gap || channel->syncAgain)
        sync(channel);
}

void ChannelSync::drainHeld(const ChannelPtr &channel)
{
    while (!channel->held.empty() && isCurrent(channel)) {
        auto first = channel->held.begin();
        if (first->first <= channel->lastSeq) {
            channel->held.erase(first);
            continue;
        }
        if (first->first != channel->lastSeq + 1)
            return; // still a gap: history fills it
        const ChatMessage message = first->second;
        channel->held.erase(first);
        channel->lastSeq = message.seq;
        hand(channel, message);
    }
}

void ChannelSync::deliverMessage(const ChannelPtr &channel, const ChatMessage &message)
{
    if (message.seq <= channel->lastSeq)
        return; // already handed on, from history or live
    const bool pending = channel->syncing || channel->subscribing > 0;
    if (pending || message.seq != channel->lastSeq + 1) {
        channel->held.emplace(message.seq, message);
        if (!pending)
            sync(channel); // a gap
        return;
    }
    channel->lastSeq = message.seq;
    if (hand(channel, message))
        drainHeld(channel);
}

void ChannelSync::onEvent(const QJsonObject &frame)
{
    const ChannelPtr channel
        = m_channels.value(frame.value(QLatin1StringView("channel")).toString());
    const auto event = eventFromName(frame.value(QLatin1StringView("event")).toString());
    if (!event || !channel)
        return;
    const AnyEvent payload
        = eventFromJson(*event, frame.value(QLatin1StringView("data")).toObject());
    if (std::holds_alternative<std::monostate>(payload)) {
        qCWarning(lcClient) << "ignoring an event that does not match the schema:"
                            << eventName(*event);
        return;
    }
    switch (*event) {
    case Event::ChatMessage:
        deliverMessage(channel, std::get<ChatMessage>(payload));
        return;
    case Event::RoomResync:
        if (hand(channel, payload))
            sync(channel);
        return;
    case Event::ChatDestroy:
        // The room is over: nothing to follow or subscribe again.
        m_channels.remove(channel->roomId);
        Q_EMIT channelsChanged();
        hand(channel, payload);
        return;
    default:
        hand(channel, payload);
    }
}

bool ChannelSync::hand(const ChannelPtr &channel, const AnyEvent &event)
{
    if ((m_eventMask | kAlwaysDelivered) & eventBit(eventOf(event)))
        Q_EMIT delivered(channel->roomId, event);
    return isCurrent(channel);
}

} // namespace pc::client
