#include "roomsession.h"

#include "guarded.h"
#include "invitelink.h"
#include "realtimeclient.h"

#include "protocol/ids.h"

#include <QDateTime>

#include <algorithm>

namespace pc::client {

using namespace pc::protocol;

RoomSession::RoomSession(QObject *parent) : QObject(parent)
{
    m_countdown.setInterval(250);
    connect(&m_countdown, &QTimer::timeout, this, &RoomSession::updateCountdown);
    m_sendSweep.setInterval(500);
    connect(&m_sendSweep, &QTimer::timeout, this, &RoomSession::failOverdueSends);
    m_typingSweep.setInterval(250);
    connect(&m_typingSweep, &QTimer::timeout, this, [this] {
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        const auto before = m_typists.size();
        m_typists.removeIf([now](const auto &t) { return t.second.until <= now; });
        if (m_typists.isEmpty())
            m_typingSweep.stop();
        if (m_typists.size() != before)
            Q_EMIT typingChanged();
    });
}

RoomSession::~RoomSession() = default;

void RoomSession::setClient(RealtimeClient *client)
{
    if (client == m_client)
        return;
    for (const auto &c : std::as_const(m_clientConnections))
        disconnect(c);
    m_clientConnections.clear();
    m_client = client;
    connectClient();
    Q_EMIT clientChanged();
}

void RoomSession::connectClient()
{
    if (!m_client)
        return;
    auto mine = [this](const QString &channel) {
        return m_state == State::Joined && channel == m_roomId;
    };
    m_clientConnections << connect(m_client, &RealtimeClient::chatMessage, this,
        [this, mine](const QString &channel, const ChatMessage &message) {
            if (!mine(channel))
                return;
            ChatMessage shown = message;
            const auto seal = m_sealed.open(shown);
            m_messages.appendMessage(shown, seal);
            setTyping(message.participantId, std::nullopt); // it was this they typed
            if (message.participantId != m_participantId
                && seal != MessagesModel::Seal::Undecryptable)
                Q_EMIT messageArrived(shown.sender, shown.text);
        });
    m_clientConnections << connect(m_client, &RealtimeClient::chatTyping, this,
        [this, mine](const QString &channel, const ChatTyping &typing) {
            if (mine(channel) && typing.participantId != m_participantId)
                setTyping(typing.participantId,
                    Typist { shownName(typing.name, typing.sealedName),
                        QDateTime::currentMSecsSinceEpoch() + 5000 });
        });
    m_clientConnections << connect(m_client, &RealtimeClient::presenceJoin, this,
        [this, mine](const QString &channel, const PresenceJoin &join) {
            if (!mine(channel))
                return;
            const QString name = shownName(join.name, join.sealedName);
            Participant member;
            member.participantId = join.participantId;
            member.name = name;
            member.host = join.host;
            if (m_participants.add(member))
                m_messages.appendNotice(tr("%1 joined").arg(name));
        });
    m_clientConnections << connect(m_client, &RealtimeClient::presenceLeave, this,
        [this, mine](const QString &channel, const PresenceLeave &leave) {
            if (!mine(channel))
                return;
            const bool removed = leave.removed.value_or(false);
            // Removed by the host, or our own leave made elsewhere with our token: our place
            // here is over too.
            if (leave.participantId == m_participantId)
                return endRoom(removed ? State::RemovedByHost : State::Removed);
            setTyping(leave.participantId, std::nullopt);
            const QString name = shownName(leave.name, leave.sealedName);
            if (m_participants.remove(leave.participantId))
                m_messages.appendNotice(
                    removed ? tr("The host removed %1").arg(name) : tr("%1 left").arg(name));
        });
    m_clientConnections << connect(m_client, &RealtimeClient::roomLock, this,
        [this, mine](const QString &channel, const RoomLock &lock) {
            if (mine(channel))
                announceLock(lock.locked);
        });
    m_clientConnections << connect(m_client, &RealtimeClient::chatDestroy, this,
        [this, mine](const QString &channel, const ChatDestroy &destroy) {
            if (!mine(channel))
                return;
            endRoom(
                destroy.reason == ChatDestroy::Reason::Expired ? State::Expired : State::Destroyed);
        });
    // Who came or went before our subscription (or while the link was down) sent events we never
    // got: the member list is asked for again each time events start to flow.
    m_clientConnections << connect(
        m_client, &RealtimeClient::channelSubscribed, this, [this, mine](const QString &channel) {
            if (!mine(channel))
                return;
            m_client->roomInfo({ m_roomId, m_token },
                guarded(this, [this, roomId = m_roomId](Outcome<RoomInfo> outcome) {
                    const auto *room = std::get_if<RoomInfo>(&outcome);
                    if (!room || roomId != m_roomId || m_state != State::Joined)
                        return;
                    announceChanges(room->participants);
                    setParticipants(room->participants);
                    setLockedState(room->locked.value_or(false));
                }));
        });
    m_clientConnections << connect(m_client, &RealtimeClient::historyTrimmed, this,
        [this, mine](const QString &channel, qint64) {
            if (!mine(channel) || m_historyTrimmed)
                return;
            m_historyTrimmed = true;
            Q_EMIT historyTrimmedChanged();
        });
    m_clientConnections << connect(m_client, &RealtimeClient::channelLost, this,
        [this, mine](const QString &channel, const Error &error) {
            if (!mine(channel))
                return;
            if (error.code == ErrorCode::Unauthorized)
                return endRoom(State::Removed);
            // Gone while we were away: its deadline tells which end it met.
            const bool expired = m_expiresAt > 0
                && QDateTime::currentMSecsSinceEpoch() + m_client->hostClockOffsetMs()
                    >= m_expiresAt - 1000;
            endRoom(expired ? State::Expired : State::Destroyed);
        });
    m_clientConnections << connect(
        m_client, &RealtimeClient::connectionFailed, this, [this](const QString &reason) {
            // Another host's certificate: never talked to, never retried - at any stage.
            if (m_client->refusal() != Link::Refusal::None) {
                m_error = { ErrorCode::Unavailable, reason };
                const State refused = m_client->refusal() == Link::Refusal::NotPinnedHost
                    ? State::NotTheHost
                    : State::Untrusted;
                if (m_state == State::Joined)
                    return endRoom(refused);
                if (m_state == State::Joining || m_state == State::Creating) {
                    m_client->setUrl({});
                    setState(refused);
                }
                return;
            }
            // Only a host we never reached counts as unreachable; later drops are reconnected.
            if (m_state == State::Joining || m_state == State::Creating) {
                m_client->setUrl({});
                m_error = { ErrorCode::Unavailable, reason };
                setState(State::Unreachable);
            }
        });
}

QString RoomSession::inviteLink() const
{
    if (m_roomId.isEmpty() || m_link.host.isEmpty())
        return {};
    return m_link.toString();
}

void RoomSession::setInviteHost(const QString &hostAndPort)
{
    // HOST:PORT parsed as an invite would be: brackets, default port.
    const auto parsed = InviteLink::parse(hostAndPort + QStringLiteral("/AAAAAAAAAAAAAAAAAAAAA"));
    m_link.host = parsed ? parsed->host : QString();
    m_link.port = parsed ? parsed->port : InviteLink::kDefaultPort;
    Q_EMIT roomChanged();
}

void RoomSession::setState(State state)
{
    // A failure again is news too (another attempt, another error).
    if (state == m_state && state != State::Full && state != State::NotFound
        && state != State::Unreachable && state != State::Failed)
        return;
    const bool endingSoon = isEndingSoon();
    m_state = state;
    Q_EMIT stateChanged();
    if (endingSoon != isEndingSoon())
        Q_EMIT endingSoonChanged();
}

void RoomSession::failWith(const Error &error)
{
    m_error = error;
    switch (error.code) {
    case ErrorCode::RoomFull:
        return setState(State::Full);
    case ErrorCode::RoomNotFound:
        return setState(State::NotFound);
    case ErrorCode::Unavailable:
        return setState(State::Unreachable);
    case ErrorCode::RoomLocked:
        return setState(State::Locked);
    default:
        return setState(State::Failed);
    }
}

void RoomSession::join(const QString &invite, const QString &name)
{
    joinWith(invite, name, {});
}

void RoomSession::joinWith(const QString &invite, const QString &name, const QString &hostKey)
{
    m_error = {};
    m_hostKey = hostKey;
    if (!m_client)
        return failWith({ ErrorCode::Internal, QStringLiteral("no client is set") });
    QString why;
    const auto link = InviteLink::parse(invite, &why);
    if (!link)
        return failWith(Error::badRequest(why));
    if (const auto error = SealedRoom::checkName(name))
        return failWith(*error);
    m_messages.clear();
    m_participants.reset({});
    m_historyTrimmed = false;
    m_roomId = link->roomId;
    // The invite's host part stays ours (a LAN address instead of 127.0.0.1) for our own host.
    const bool sameHost
        = m_client->url() == link->serverUrl() && m_client->pin() == link->fingerprint;
    const InviteLink previous = m_link;
    m_link = *link;
    if (sameHost && !previous.host.isEmpty()) {
        m_link.host = previous.host;
        m_link.port = previous.port;
    }
    m_client->setServer(link->serverUrl(), link->fingerprint);
    m_sealed.reset(link->roomId, link->roomKey);
    setState(State::Joining);
    Q_EMIT roomChanged();
    requestJoin(link->roomId, name, false);
}

void RoomSession::requestJoin(const QString &roomId, const QString &name, bool sealed)
{
    RoomJoinParams params = m_sealed.joinParams(name, sealed);
    params.roomId = roomId;
    if (!m_hostKey.isEmpty())
        params.hostKey = m_hostKey;
    // Guarded: the answer may come after this session is gone (its page closed).
    m_client->joinRoom(
        params, guarded(this, [this, roomId, name, sealed](Outcome<RoomJoined> outcome) {
            if (roomId != m_roomId || m_state != State::Joining)
                return;
            if (const auto *error = std::get_if<Error>(&outcome)) {
                // An end-to-end room, and the invite lacked its key: in, to see it locked.
                if (!sealed && SealedRoom::refusedForPlainName(*error))
                    return requestJoin(roomId, name, true);
                return failWith(*error);
            }
            const RoomJoined &joined = std::get<RoomJoined>(outcome);
            m_sealed.setEndToEnd(joined.room.e2e.value_or(false));
            m_hostKey.clear(); // it works once, and has
            m_hosted = joined.room.hosted.value_or(false);
            m_isHost = joined.host.value_or(false);
            setLockedState(joined.room.locked.value_or(false));
            m_token = joined.token;
            m_participantId = joined.participantId;
            m_name = shownName(joined.name, joined.sealedName);
            m_maxParticipants = joined.room.maxParticipants;
            m_expiresAt = joined.room.expiresAt;
            // The host's own count decides: a room joined within its last minute has no
            // "one minute left" moment to announce.
            m_endingSoonDue = joined.room.ttl > kEndingSoonSeconds;
            // Until a message of ours says better: the host's deadline less its ttl is its now.
            if (m_client->hostClockOffsetMs() == 0)
                m_client->setHostClockOffsetMs(joined.room.expiresAt
                    - qint64(joined.room.ttl) * 1000 - QDateTime::currentMSecsSinceEpoch() + 500);
            m_participants.setSelf(m_participantId);
            setParticipants(joined.room.participants);
            m_messages.setOwnParticipantId(m_participantId);
            setState(State::Joined);
            Q_EMIT roomChanged();
            m_client->addChannel(roomId, m_token, 0);
            updateCountdown();
            m_countdown.start();
        }));
}

// Who came or went while no events reached us is told of as their events would have told
// (an event still on its way then finds the list as it says, and says nothing).
void RoomSession::announceChanges(const QList<Participant> &members)
{
    for (const Participant &member : members) {
        if (member.participantId != m_participantId
            && !m_participants.contains(member.participantId))
            m_messages.appendNotice(tr("%1 joined").arg(shownName(member.name, member.sealedName)));
    }
    for (const Participant &known : m_participants.participants()) {
        const bool stayed = std::any_of(members.cbegin(), members.cend(),
            [&](const Participant &m) { return m.participantId == known.participantId; });
        if (!stayed && known.participantId != m_participantId)
            m_messages.appendNotice(tr("%1 left").arg(known.name));
    }
}

void RoomSession::setParticipants(QList<Participant> members)
{
    for (Participant &member : members)
        member.name = shownName(member.name, member.sealedName);
    m_participants.reset(members);
}

void RoomSession::announceLock(bool locked)
{
    if (locked == m_locked)
        return;
    setLockedState(locked);
    m_messages.appendNotice(locked ? tr("The host locked the room: no one new can join")
                                   : tr("The host opened the room to new people"));
}

void RoomSession::setLockedState(bool locked)
{
    if (locked == m_locked)
        return;
    m_locked = locked;
    Q_EMIT lockedChanged();
}

QString RoomSession::shownName(const QString &name, const std::optional<QString> &sealedName) const
{
    const QString shown = m_sealed.nameOf(name, sealedName);
    return shown.isEmpty() && sealedName ? tr("(name unreadable)") : shown;
}

void RoomSession::create(int ttlSeconds, int maxParticipants, const QString &name, bool endToEnd)
{
    m_error = {};
    if (!m_client || m_client->url().isEmpty())
        return failWith({ ErrorCode::Internal, QStringLiteral("no room host is set") });
    setState(State::Creating);
    // The invite names the host as the client reaches it (its pin, or plain=1 for ws://),
    // unless setInviteHost chose another address.
    const QUrl url = m_client->url();
    InviteLink host;
    host.host = url.host();
    host.port = quint16(url.port(InviteLink::kDefaultPort));
    host.fingerprint = m_client->pin();
    host.plain = url.scheme() == QLatin1StringView("ws");
    RoomCreateParams params { ttlSeconds, maxParticipants };
    params.e2e = endToEnd;
    params.hosted = true;
    m_client->createRoom(
        params, guarded(this, [this, host, name, endToEnd](Outcome<RoomCreated> outcome) {
            if (m_state != State::Creating)
                return;
            if (const auto *error = std::get_if<Error>(&outcome))
                return failWith(*error);
            const RoomCreated &created = std::get<RoomCreated>(outcome);
            const QByteArray key = endToEnd ? RoomCipher::newKey() : QByteArray();
            joinWith(host.forRoom(created.roomId, key).toString(), name,
                created.hostKey.value_or(QString()));
        }));
}

void RoomSession::send(const QString &text)
{
    if (!m_client || m_state != State::Joined || text.trimmed().isEmpty() || !m_sealed.canWrite())
        return;
    const QString clientMsgId = ids::newMessageId();
    m_messages.addPending(clientMsgId, m_name, text);
    transmit(clientMsgId, text);
}

void RoomSession::typing()
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    if (!m_client || m_state != State::Joined || now - m_typingSentAt < 3000)
        return;
    m_typingSentAt = now;
    m_client->call<Op::ChatTyping>({ m_roomId, m_token }); // a hint: nobody waits for it
}

void RoomSession::setTyping(const QString &participantId, const std::optional<Typist> &typist)
{
    const auto at = std::find_if(m_typists.begin(), m_typists.end(),
        [&](const auto &t) { return t.first == participantId; });
    if (typist && at != m_typists.end())
        at->second = *typist;
    else if (typist)
        m_typists.append({ participantId, *typist });
    else if (at != m_typists.end())
        m_typists.erase(at);
    else
        return;
    if (!m_typists.isEmpty())
        m_typingSweep.start();
    Q_EMIT typingChanged();
}

QString RoomSession::typingText() const
{
    switch (m_typists.size()) {
    case 0:
        return {};
    case 1:
        return tr("%1 is typing…").arg(m_typists.at(0).second.name);
    case 2:
        return tr("%1 and %2 are typing…")
            .arg(m_typists.at(0).second.name, m_typists.at(1).second.name);
    default:
        return tr("Several people are typing…");
    }
}

void RoomSession::retry(const QString &clientMsgId)
{
    const QString text = m_messages.pendingText(clientMsgId);
    if (!m_client || m_state != State::Joined || text.isEmpty())
        return;
    m_messages.setDelivery(clientMsgId, MessagesModel::Delivery::Pending);
    transmit(clientMsgId, text);
}

void RoomSession::transmit(const QString &clientMsgId, const QString &text)
{
    const MessagesSendParams params
        = m_sealed.sendParams({ m_roomId, m_token }, clientMsgId, m_participantId, m_name, text);
    if (const auto error = SealedRoom::checkText(text)) {
        m_messages.setDelivery(clientMsgId, MessagesModel::Delivery::Failed);
        Q_EMIT sendFailed(*error);
        return;
    }
    m_sendDeadlines.insert(clientMsgId, QDateTime::currentMSecsSinceEpoch() + m_sendTimeoutMs);
    if (!m_sendSweep.isActive())
        m_sendSweep.start();
    const QString roomId = m_roomId;
    m_client->send(params, guarded(this, [this, roomId, clientMsgId](Outcome<ChatMessage> outcome) {
        if (roomId != m_roomId)
            return;
        m_sendDeadlines.remove(clientMsgId);
        if (const auto *message = std::get_if<ChatMessage>(&outcome)) {
            ChatMessage shown = *message;
            const auto seal = m_sealed.open(shown);
            m_messages.confirmPending(clientMsgId, shown, seal); // even after "not sent"
            return;
        }
        m_messages.setDelivery(clientMsgId, MessagesModel::Delivery::Failed);
        Q_EMIT sendFailed(std::get<Error>(outcome));
    }));
}

// Still not stored after the time limit (the link is down, the host silent): say so. The
// client keeps trying; an acknowledgement later still puts the message in its place.
void RoomSession::failOverdueSends()
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    for (auto it = m_sendDeadlines.begin(); it != m_sendDeadlines.end();) {
        if (it.value() <= now) {
            m_messages.setDelivery(it.key(), MessagesModel::Delivery::Failed);
            it = m_sendDeadlines.erase(it);
        } else {
            ++it;
        }
    }
    if (m_sendDeadlines.isEmpty())
        m_sendSweep.stop();
}

void RoomSession::destroyRoom()
{
    if (!m_client || m_state != State::Joined)
        return;
    m_client->destroyRoom({ m_roomId, m_token }, guarded(this, [this](Outcome<Empty> outcome) {
        if (const auto *error = std::get_if<Error>(&outcome); error && m_state == State::Joined)
            Q_EMIT destroyFailed(*error);
    }));
}

void RoomSession::leave()
{
    if (!m_client || m_state != State::Joined)
        return;
    m_client->leaveRoom({ m_roomId, m_token }, [self = QPointer(this)](Outcome<Empty>) {
        if (self)
            Q_EMIT self->leaveDelivered();
    });
    endRoom(State::Left);
}

template<Op O>
void RoomSession::hostAction(const typename OpTypes<O>::Params &params, std::function<void()> done)
{
    if (!m_client || m_state != State::Joined || !m_isHost)
        return;
    m_client->call<O>(params, guarded(this, [this, done](Outcome<Empty> outcome) {
        if (m_state != State::Joined)
            return;
        if (const auto *error = std::get_if<Error>(&outcome))
            Q_EMIT hostActionFailed(*error);
        else if (done)
            done();
    }));
}

void RoomSession::removeMember(const QString &participantId)
{
    hostAction<Op::MemberRemove>({ { m_roomId, m_token }, participantId });
}

void RoomSession::setLocked(bool locked)
{
    // The reply says it is done, whether or not its event reaches us.
    hostAction<Op::RoomLock>(
        { { m_roomId, m_token }, locked }, [this, locked] { announceLock(locked); });
}

void RoomSession::cancel()
{
    if (m_state != State::Creating && m_state != State::Joining)
        return;
    if (m_client)
        m_client->setUrl({}); // a late answer finds the request gone
    setState(State::Idle);
}

void RoomSession::endRoom(State state)
{
    m_countdown.stop();
    if (m_client)
        m_client->removeChannel(m_roomId);
    // What was said goes with the room, from memory as from the view.
    m_messages.clear();
    m_sendDeadlines.clear();
    m_sendSweep.stop();
    m_typists.clear();
    m_typingSweep.stop();
    Q_EMIT typingChanged();
    m_participants.reset({});
    m_hosted = m_isHost = false;
    setLockedState(false);
    setState(state);
    Q_EMIT roomChanged();
}

void RoomSession::updateCountdown()
{
    const qint64 hostNow
        = QDateTime::currentMSecsSinceEpoch() + (m_client ? m_client->hostClockOffsetMs() : 0);
    // The deadline is known here: past it (and the host's own notice, due within 2 s) the
    // room is over, whether or not a host is left to say so.
    if (m_state == State::Joined && hostNow >= m_expiresAt + kHostNoticeGraceMs)
        return endRoom(State::Expired);
    const int left = ttlSeconds(m_expiresAt, hostNow);
    if (left == m_secondsLeft)
        return;
    const bool endingSoon = isEndingSoon();
    m_secondsLeft = left;
    Q_EMIT secondsLeftChanged();
    if (endingSoon != isEndingSoon())
        Q_EMIT endingSoonChanged();
    if (m_endingSoonDue && isEndingSoon()) {
        m_endingSoonDue = false;
        Q_EMIT endingSoonWarning();
    }
}

} // namespace pc::client
