#include "realtimeclient.h"

#include "clientlog.h"

#include "protocol/frames.h"
#include "protocol/ids.h"
#include "protocol/json.h"
#include "protocol/limits.h"

#include <QDateTime>
#include <QDeadlineTimer>
#include <QJsonDocument>

namespace pc::client {

using namespace pc::protocol;

namespace {

    constexpr int kAnswerTimeoutMs = 15'000; // a host that is up answers in milliseconds

    QLatin1StringView key(const char *k)
    {
        return QLatin1StringView(k);
    }

    Error errorOfReply(const QJsonObject &reply)
    {
        const QJsonObject e = reply.value(key("error")).toObject();
        Error error;
        error.code
            = errorCodeFromName(e.value(key("code")).toString()).value_or(ErrorCode::Internal);
        error.message = e.value(key("message")).toString();
        error.retryAfterMs = qint64(e.value(key("retryAfterMs")).toDouble(-1));
        return error;
    }

    Error connectionLost()
    {
        return { ErrorCode::Unavailable,
            QStringLiteral("The connection to the room host was lost.") };
    }

    // Reply data -> the op's result type.
    template<typename T> std::optional<T> decode(const QJsonObject &data)
    {
        return T::fromJson(data);
    }
    template<> std::optional<Empty> decode<Empty>(const QJsonObject &)
    {
        return Empty {};
    }
    template<> std::optional<ChatMessage> decode<ChatMessage>(const QJsonObject &data)
    {
        const auto sent = MessageSent::fromJson(data);
        return sent ? std::optional<ChatMessage>(sent->message) : std::nullopt;
    }

    bool endsTheChannel(const Error &error)
    {
        return error.code == ErrorCode::RoomNotFound || error.code == ErrorCode::Unauthorized;
    }

} // namespace

struct RealtimeClient::Pending
{
    Op op;
    QJsonObject params;
    bool retry = false;
    std::function<void(const QJsonObject &)> onReply;
    QDeadlineTimer deadline = QDeadlineTimer::Forever; // requests that are not retried
};

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

RealtimeClient::RealtimeClient(QObject *parent)
    : QObject(parent), m_answerTimeoutMs(kAnswerTimeoutMs)
{
    m_deadlines.setInterval(250);
    connect(&m_deadlines, &QTimer::timeout, this, &RealtimeClient::failOverdue);
    connect(&m_link, &Link::stateChanged, this, &RealtimeClient::statusChanged);
    connect(&m_link, &Link::lastErrorChanged, this, &RealtimeClient::lastErrorChanged);
    connect(&m_link, &Link::connectionFailed, this, &RealtimeClient::connectionFailed);
    connect(&m_link, &Link::connected, this, &RealtimeClient::onConnected);
    connect(&m_link, &Link::lost, this, &RealtimeClient::onLost);
    connect(&m_link, &Link::replyReceived, this, &RealtimeClient::onReply);
    connect(&m_link, &Link::eventReceived, this, &RealtimeClient::onEvent);
}

RealtimeClient::~RealtimeClient()
{
    // The host is told before the link closes; nobody is called back any more.
    if (m_link.isConnected()) {
        for (const auto &channel : std::as_const(m_channels)) {
            if (channel->subscribed) {
                QJsonObject frame = UnsubscribeParams { channel->roomId }.toJson();
                frame.insert(key("id"), m_nextId++);
                frame.insert(key("op"), opName(Op::Unsubscribe).toString());
                m_link.sendFrame(frame);
            }
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

void RealtimeClient::setAnswerTimeoutMs(int ms)
{
    m_answerTimeoutMs = ms;
    m_link.setOpenTimeoutMs(ms);
}

// Requests someone waits for fail as unavailable once their time is up, whether they wait to
// be sent or for their reply (a late reply finds no one and is dropped).
void RealtimeClient::failOverdue()
{
    const auto overdue = [](const std::shared_ptr<Pending> &p) { return p->deadline.hasExpired(); };
    QList<std::shared_ptr<Pending>> failed;
    for (auto it = m_inFlight.begin(); it != m_inFlight.end();) {
        if (overdue(it->second)) {
            failed.append(it->second);
            it = m_inFlight.erase(it);
        } else {
            ++it;
        }
    }
    for (const auto &pending : std::as_const(m_waiting)) {
        if (overdue(pending))
            failed.append(pending);
    }
    m_waiting.removeIf(overdue);
    const bool anyLeft = std::any_of(m_inFlight.begin(), m_inFlight.end(),
                             [](const auto &entry) { return !entry.second->deadline.isForever(); })
        || std::any_of(m_waiting.begin(), m_waiting.end(),
            [](const auto &p) { return !p->deadline.isForever(); });
    if (!anyLeft)
        m_deadlines.stop();
    const Error noAnswer { ErrorCode::Unavailable,
        QStringLiteral("The host did not answer in %1 s.").arg((m_answerTimeoutMs + 999) / 1000) };
    for (const auto &pending : std::as_const(failed))
        pending->onReply(
            QJsonDocument::fromJson(encodeErrorReply(QJsonValue::Null, noAnswer)).object());
}

void RealtimeClient::reconnectNow()
{
    m_link.reconnectNow();
}

void RealtimeClient::onConnected()
{
    for (const auto &channel : std::as_const(m_channels))
        subscribeChannel(channel->roomId);
    flushWaiting();
}

void RealtimeClient::onLost()
{
    for (const auto &channel : std::as_const(m_channels)) {
        channel->subscribed = false;
        channel->syncing = false;
    }
    // Requests in flight: the safe ones go again after the reconnect, the others fail.
    QList<std::shared_ptr<Pending>> retry;
    const auto inFlight = std::exchange(m_inFlight, {});
    for (const auto &[id, pending] : inFlight) {
        if (pending->retry)
            retry.append(pending);
    }
    m_waiting = retry + m_waiting;
    for (const auto &[id, pending] : inFlight) {
        if (!pending->retry)
            pending->onReply(
                QJsonDocument::fromJson(encodeErrorReply(QJsonValue::Null, connectionLost()))
                    .object());
    }
}

void RealtimeClient::onReply(const QJsonObject &reply)
{
    const auto id = json::toSafeInteger(reply.value(key("id")));
    auto it = id ? m_inFlight.find(*id) : m_inFlight.end();
    if (it == m_inFlight.end()) {
        if (reply.value(key("ok")).toBool() == false)
            qCWarning(lcClient) << "host rejected a frame:" << errorOfReply(reply).message;
        return;
    }
    const std::shared_ptr<Pending> pending = it->second;
    m_inFlight.erase(it);
    const Error error = reply.value(key("ok")).toBool() ? Error {} : errorOfReply(reply);
    if (!reply.value(key("ok")).toBool() && error.code == ErrorCode::RateLimited
        && pending->retry) {
        // Nothing was done; the host says when to ask again.
        QTimer::singleShot(
            int(std::clamp<qint64>(error.retryAfterMs, 1, 60'000)), this, [this, pending] {
                m_waiting.append(pending);
                if (m_link.isConnected())
                    flushWaiting();
            });
        return;
    }
    pending->onReply(reply);
}

void RealtimeClient::request(
    Op op, const QJsonObject &params, bool retry, std::function<void(const QJsonObject &)> onReply)
{
    auto pending = std::make_shared<Pending>(Pending { op, params, retry, std::move(onReply) });
    if (!retry) {
        pending->deadline = QDeadlineTimer(m_answerTimeoutMs);
        if (!m_deadlines.isActive())
            m_deadlines.start();
    }
    if (m_link.isConnected()) {
        transmit(pending);
        return;
    }
    m_waiting.append(pending);
    m_link.open();
}

void RealtimeClient::transmit(const std::shared_ptr<Pending> &pending)
{
    const qint64 id = m_nextId++;
    QJsonObject frame = pending->params;
    frame.insert(key("id"), id);
    frame.insert(key("op"), opName(pending->op).toString());
    m_inFlight.emplace(id, pending);
    m_link.sendFrame(frame);
}

void RealtimeClient::flushWaiting()
{
    const auto waiting = std::exchange(m_waiting, {});
    for (const auto &pending : waiting)
        transmit(pending);
}

template<typename T>
void RealtimeClient::typedRequest(Op op, const QJsonObject &params, bool retry, Done<T> done)
{
    request(op, params, retry, [done](const QJsonObject &reply) {
        if (!done)
            return;
        if (!reply.value(key("ok")).toBool())
            return done(errorOfReply(reply));
        if (auto value = decode<T>(reply.value(key("data")).toObject()))
            return done(*value);
        done(Error { ErrorCode::Internal,
            QStringLiteral("The host sent a reply this client does not understand.") });
    });
}

void RealtimeClient::createRoom(const RoomCreateParams &params, Done<RoomCreated> done)
{
    typedRequest(Op::RoomCreate, params.toJson(), false, std::move(done));
}

void RealtimeClient::joinRoom(const RoomJoinParams &params, Done<RoomJoined> done)
{
    // A rejoin (with a token) is safe to repeat; a first join is not.
    typedRequest(Op::RoomJoin, params.toJson(), params.token.has_value(), std::move(done));
}

void RealtimeClient::leaveRoom(const MemberParams &member, Done<Empty> done)
{
    typedRequest(Op::RoomLeave, member.toJson(), false, std::move(done));
}

void RealtimeClient::roomTtl(const MemberParams &member, Done<RoomTtl> done)
{
    typedRequest(Op::RoomTtl, member.toJson(), true, std::move(done));
}

void RealtimeClient::roomInfo(const MemberParams &member, Done<RoomInfo> done)
{
    typedRequest(Op::RoomInfo, member.toJson(), true, std::move(done));
}

void RealtimeClient::destroyRoom(const MemberParams &member, Done<Empty> done)
{
    typedRequest(Op::RoomDestroy, member.toJson(), false, std::move(done));
}

void RealtimeClient::send(const MessagesSendParams &params, Done<ChatMessage> done)
{
    MessagesSendParams withId = params;
    if (!withId.clientMsgId)
        withId.clientMsgId = ids::newMessageId();
    const qint64 asked = QDateTime::currentMSecsSinceEpoch();
    typedRequest<ChatMessage>(
        Op::MessagesSend, withId.toJson(), true, [this, asked, done](Outcome<ChatMessage> outcome) {
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
    typedRequest(Op::MessagesList, params.toJson(), true, std::move(done));
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
        typedRequest<Empty>(Op::Unsubscribe, UnsubscribeParams { roomId }.toJson(), false, {});
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
    typedRequest<Subscribed>(
        Op::Subscribe, params.toJson(), false, [this, roomId](Outcome<Subscribed> outcome) {
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
