#include "roomflow.h"

#include "invitelink.h"
#include "tls/fingerprint.h"
#include "usertexts.h"

#include <QLoggingCategory>

#include <utility>

// State changes at debug level, off unless asked for (QT_LOGGING_RULES="pc.app.flow.debug=true").
Q_LOGGING_CATEGORY(lcFlow, "pc.app.flow", QtInfoMsg)

namespace pc::desktop {

using client::RealtimeClient;
using client::RoomSession;
using hosting::HostController;
using Session = RoomSession::State;
using Host = HostController::State;

RoomFlow::RoomFlow(QObject *parent)
    : QObject(parent)
    , m_client(new RealtimeClient(this))
    , m_session(new RoomSession(this))
    , m_host(new HostController(this))
{
    // The names tests and the window look them up by.
    m_client->setObjectName(QStringLiteral("client"));
    m_session->setObjectName(QStringLiteral("session"));
    m_host->setObjectName(QStringLiteral("host"));
    m_session->setClient(m_client);
    m_deadline.setSingleShot(true);
    connect(&m_deadline, &QTimer::timeout, this, &RoomFlow::onDeadline);
    connect(m_session, &RoomSession::stateChanged, this, &RoomFlow::onSessionState);
    connect(m_host, &HostController::stateChanged, this, &RoomFlow::onHostState);
    connect(m_host, &HostController::addressChanged, this, &RoomFlow::onHostAddress);
    connect(m_host, &HostController::reachChanged, this, &RoomFlow::reachTextChanged);
    // A renewal may bring another external address: the words name it.
    connect(m_host, &HostController::addressChanged, this, &RoomFlow::reachTextChanged);
    connect(m_session, &RoomSession::sendFailed, this,
        [this](const protocol::Error &error) { Q_EMIT notice(UserTexts::notSent(error)); });
    connect(m_session, &RoomSession::destroyFailed, this, [this](const protocol::Error &error) {
        // The room we host goes with our host's Redis anyway: stop it.
        if (m_step == Step::Room && m_hosting)
            return hostStep();
        if (m_state == State::InRoom)
            Q_EMIT notice(UserTexts::notDestroyed(error));
    });
    connect(m_session, &RoomSession::hostActionFailed, this,
        [this](const protocol::Error &error) { Q_EMIT notice(UserTexts::error(error)); });
    connect(m_session, &RoomSession::leaveDelivered, this, [this] {
        if (m_state == State::Quitting && m_step == Step::Room && !m_hosting)
            hostStep();
    });
}

RoomFlow::~RoomFlow()
{
    // Nothing of theirs may call back into a half-destroyed flow; the host stops last.
    m_session->disconnect(this);
    m_host->disconnect(this);
    delete m_session;
    delete m_client;
    delete m_host;
}

bool RoomFlow::isBusy() const
{
    return m_state != State::Lobby && m_state != State::InRoom && m_state != State::Finished;
}

bool RoomFlow::isCancellable() const
{
    return m_state == State::StartingHost || m_state == State::Creating
        || m_state == State::Joining;
}

QString RoomFlow::progressText() const
{
    return UserTexts::progress(m_state);
}

QString RoomFlow::alertText() const
{
    if (m_alertDismissed)
        return {};
    if (m_failure != Failure::None)
        return UserTexts::failed(m_failure, m_detail);
    return UserTexts::ended(m_endReason, m_detail);
}

QString RoomFlow::alertKind() const
{
    const bool asRoomsEnd = m_failure == Failure::None
        && (m_endReason == EndReason::Destroyed || m_endReason == EndReason::Expired);
    return asRoomsEnd ? QStringLiteral("warning") : QStringLiteral("error");
}

void RoomFlow::setName(const QString &name)
{
    if (name == m_name)
        return;
    m_name = name;
    Q_EMIT nameChanged();
}

void RoomFlow::setListenAddress(const QString &address)
{
    if (address == m_listenAddress)
        return;
    m_listenAddress = address;
    Q_EMIT listenAddressChanged();
}

QStringList RoomFlow::inviteAddresses() const
{
    QStringList addresses = m_host->lanAddresses();
    if (!m_host->externalAddress().isEmpty())
        addresses.prepend(m_host->externalAddress());
    if (!addresses.isEmpty())
        return addresses;
    const QString local = m_host->inviteHost();
    return local.isEmpty() ? QStringList() : QStringList { local };
}

QString RoomFlow::reachText() const
{
    return UserTexts::reach(*m_host);
}

bool RoomFlow::reachRefused() const
{
    return m_host->reach() == HostController::Reach::NotOpened;
}

void RoomFlow::onHostAddress()
{
    Q_EMIT inviteAddressesChanged();
    // The router opened the port (or closed it) after the room was made: the invite we offered
    // follows, unless the user picked another address.
    const QString best = m_host->inviteHost();
    if (m_state != State::InRoom || !m_hosting || m_inviteChosen || best.isEmpty()
        || best == m_offeredHost)
        return;
    m_offeredHost = best;
    m_session->setInviteHost(best);
    Q_EMIT inviteReady(m_session->inviteLink());
}

void RoomFlow::chooseInviteAddress(const QString &hostAndPort)
{
    m_inviteChosen = true;
    m_session->setInviteHost(hostAndPort);
}

void RoomFlow::hostRoom(int ttlSeconds, int maxParticipants)
{
    if (m_state != State::Lobby)
        return;
    setOutcome(EndReason::None, Failure::None);
    m_pendingTtl = ttlSeconds;
    m_pendingMax = maxParticipants;
    setHosting(true);
    if (m_host->state() == Host::Running)
        return createRoom();
    setState(State::StartingHost);
    m_deadline.start(kHostStartTimeoutMs);
    startHost();
}

void RoomFlow::startHost()
{
    // The host of the last room may still be stopping: ours starts once it has (onHostState).
    if (m_host->state() != Host::Stopping)
        m_host->start(m_listenAddress);
}

void RoomFlow::createRoom()
{
    m_deadline.stop(); // from here the client's answer timeout bounds the wait
    setState(State::Creating);
    m_client->setServer(m_host->localUrl(), m_host->fingerprint());
    m_session->setInviteHost({});
    m_session->create(m_pendingTtl, m_pendingMax, m_name);
}

void RoomFlow::createOn(
    const QString &server, const QString &fingerprint, int ttlSeconds, int maxParticipants)
{
    if (m_state != State::Lobby)
        return;
    setOutcome(EndReason::None, Failure::None);
    const QString pin = fingerprint.trimmed();
    if (!pin.isEmpty() && !tls::isFingerprint(pin))
        return fail(Failure::BadServer, UserTexts::notAFingerprint());
    QString why;
    const auto host = client::InviteLink::parseServer(server.trimmed(), pin, &why);
    if (!host)
        return fail(Failure::BadServer, why);
    setHosting(false);
    m_serverUsed = host->authority();
    m_serverFingerprint = pin;
    setState(State::Creating);
    m_client->setServer(host->serverUrl(), pin);
    m_session->setInviteHost({});
    m_session->create(ttlSeconds, maxParticipants, m_name);
}

void RoomFlow::join(const QString &invite)
{
    if (m_state != State::Lobby)
        return;
    setOutcome(EndReason::None, Failure::None);
    QString why;
    if (!client::InviteLink::parse(invite, &why))
        return fail(Failure::BadInvite, why, protocol::Error::badRequest(why));
    setHosting(false);
    setState(State::Joining);
    m_session->join(invite, m_name);
}

void RoomFlow::cancel()
{
    if (!isCancellable())
        return;
    qCDebug(lcFlow) << "cancelled in" << m_state;
    m_deadline.stop();
    const bool hosted = m_hosting;
    setHosting(false);
    setState(State::Lobby);
    m_session->cancel();
    if (hosted)
        m_host->stop();
}

void RoomFlow::leave()
{
    if (m_state != State::InRoom)
        return;
    if (m_hosting)
        return beginWindDown(State::Leaving);
    setOutcome(EndReason::Left, Failure::None);
    setState(State::Lobby);
    m_session->leave();
}

void RoomFlow::destroyRoom()
{
    if (m_state != State::InRoom)
        return;
    if (m_hosting)
        return beginWindDown(State::Leaving);
    // Its chat.destroy brings us back to the lobby; a refusal is a notice (destroyFailed).
    m_session->destroyRoom();
}

bool RoomFlow::quit()
{
    switch (m_state) {
    case State::Finished:
        return true;
    case State::Quitting:
        return false;
    case State::Leaving:
        setState(State::Quitting); // the step under way and its bound go on
        return false;
    case State::Lobby:
    case State::StartingHost:
    case State::Creating:
    case State::Joining:
    case State::InRoom:
        break;
    }
    beginWindDown(State::Quitting);
    return m_state == State::Finished;
}

void RoomFlow::dismissAlert()
{
    if (m_alertDismissed)
        return;
    m_alertDismissed = true;
    Q_EMIT outcomeChanged();
}

void RoomFlow::setState(State state)
{
    if (state == m_state)
        return;
    qCDebug(lcFlow) << m_state << "->" << state;
    m_state = state;
    if (state == State::Lobby)
        m_serverUsed.clear(); // a createOn that did not get into its room
    Q_EMIT stateChanged();
}

void RoomFlow::setHosting(bool hosting)
{
    if (hosting == m_hosting)
        return;
    m_hosting = hosting;
    Q_EMIT hostingChanged();
}

void RoomFlow::setOutcome(
    EndReason reason, Failure failure, const QString &detail, const protocol::Error &error)
{
    m_endReason = reason;
    m_failure = failure;
    m_detail = detail;
    m_error = error;
    m_alertDismissed = false;
    Q_EMIT outcomeChanged();
}

void RoomFlow::fail(Failure failure, const QString &detail, const protocol::Error &error)
{
    qCInfo(lcFlow) << "failed:" << failure << detail;
    m_deadline.stop();
    const bool hosted = m_hosting;
    setHosting(false);
    setOutcome(EndReason::None, failure, detail, error);
    setState(State::Lobby);
    if (hosted)
        m_host->stop(); // nothing half-started stays running
}

void RoomFlow::onSessionState()
{
    const Session s = m_session->state();
    switch (m_state) {
    case State::Creating:
    case State::Joining:
        switch (s) {
        case Session::Joining:
            return setState(State::Joining);
        case Session::Joined:
            return enterRoom();
        case Session::Full:
        case Session::Locked:
        case Session::NotFound:
        case Session::Unreachable:
        case Session::NotTheHost:
        case Session::Untrusted:
        case Session::Failed: {
            const protocol::Error error = m_session->error();
            if (s == Session::NotTheHost)
                return fail(Failure::NotTheHost, {}, error);
            if (s == Session::Untrusted)
                return fail(
                    m_serverUsed.isEmpty() ? Failure::UntrustedHost : Failure::ServerUnverified, {},
                    error);
            const QString why = UserTexts::error(error);
            // Our own host failing us is a hosting failure, whatever it answered.
            if (m_hosting)
                return fail(Failure::HostFailed, why, error);
            if (s == Session::Full)
                return fail(Failure::Full, {}, error);
            if (s == Session::Locked)
                return fail(Failure::Locked, {}, error);
            if (s == Session::NotFound)
                return fail(Failure::NotFound, {}, error);
            if (s == Session::Unreachable)
                return fail(Failure::Unreachable, {}, error);
            return fail(Failure::Refused, why, error);
        }
        default:
            return; // Creating; Idle after a cancel
        }
    case State::InRoom:
        switch (s) {
        case Session::Destroyed:
            return onRoomEnded(EndReason::Destroyed);
        case Session::Expired:
            return onRoomEnded(EndReason::Expired);
        case Session::Removed:
            return onRoomEnded(EndReason::Removed);
        case Session::RemovedByHost:
            return onRoomEnded(EndReason::RemovedByHost);
        case Session::NotTheHost:
        case Session::Untrusted:
            return onRoomEnded(EndReason::NotTheHost);
        case Session::Left:
            return onRoomEnded(EndReason::Left);
        default:
            return;
        }
    case State::Leaving:
    case State::Quitting:
        // The room we host is gone, as asked (or it ended by itself meanwhile): now the host.
        // A guest's quit waits for leaveDelivered instead.
        if (m_step == Step::Room && m_hosting && s != Session::Joined)
            hostStep();
        return;
    case State::Lobby:
    case State::StartingHost:
    case State::Finished:
        return;
    }
}

void RoomFlow::enterRoom()
{
    if (m_hosting) {
        m_offeredHost = m_host->inviteHost();
        m_inviteChosen = false;
        m_session->setInviteHost(m_offeredHost);
        setState(State::InRoom);
        Q_EMIT inviteReady(m_session->inviteLink());
        return;
    }
    setState(State::InRoom);
    if (!m_serverUsed.isEmpty()) { // the room we made on a server
        Q_EMIT serverUsed(std::exchange(m_serverUsed, {}), m_serverFingerprint);
        Q_EMIT inviteReady(m_session->inviteLink());
    }
}

void RoomFlow::onHostState()
{
    const Host h = m_host->state();
    switch (m_state) {
    case State::StartingHost:
        if (h == Host::Running)
            return createRoom();
        if (h == Host::Failed)
            return fail(Failure::HostFailed, m_host->errorText());
        if (h == Host::Stopped)
            return startHost(); // the last room's host has stopped: now ours
        return;
    case State::Creating:
    case State::Joining:
        if (m_hosting && (h == Host::Failed || h == Host::Stopped)) {
            m_session->cancel();
            fail(Failure::HostFailed, m_host->errorText());
        }
        return;
    case State::InRoom:
        // The room lived in our host's Redis: it is gone with it, for everyone.
        if (m_hosting && (h == Host::Failed || h == Host::Stopped))
            onRoomEnded(EndReason::HostGone, m_host->errorText());
        return;
    case State::Leaving:
    case State::Quitting:
        if (m_step == Step::Room && m_hosting && hostIdle())
            return hostStep(); // it stopped under the room: nothing left to destroy
        if (m_step == Step::Host && hostIdle())
            windDownDone();
        return;
    case State::Lobby:
    case State::Finished:
        return;
    }
}

void RoomFlow::onRoomEnded(EndReason reason, const QString &detail)
{
    m_deadline.stop();
    const bool hosted = m_hosting;
    setHosting(false);
    setOutcome(reason, Failure::None, detail);
    setState(State::Lobby);
    // Our host gone under it: it ends here too, with nobody left to answer.
    if (m_session->state() == Session::Joined)
        m_session->leave();
    if (hosted) {
        // Nothing is left to serve: the host stops in the background (hosting again waits).
        m_host->stop();
        m_client->setUrl({});
    }
}

void RoomFlow::beginWindDown(State state)
{
    setState(state);
    roomStep();
}

void RoomFlow::roomStep()
{
    m_step = Step::Room;
    m_deadline.start(kRoomStepTimeoutMs);
    switch (m_session->state()) {
    case Session::Joined:
        // Ours is destroyed for everyone (onSessionState goes on at its chat.destroy); as a
        // guest we leave, and go on once the host has our leave (leaveDelivered).
        if (m_hosting)
            m_session->destroyRoom();
        else
            m_session->leave();
        return;
    case Session::Creating:
    case Session::Joining:
        m_session->cancel();
        break;
    default:
        break;
    }
    hostStep();
}

void RoomFlow::hostStep()
{
    m_step = Step::Host;
    if (hostIdle())
        return windDownDone();
    m_deadline.start(kHostStopTimeoutMs);
    m_host->stop(); // Stopping now, Stopped later (onHostState)
}

bool RoomFlow::hostIdle() const
{
    // A failed host has torn itself down already.
    return m_host->state() == Host::Stopped || m_host->state() == Host::Failed;
}

void RoomFlow::windDownDone()
{
    m_deadline.stop();
    m_step = Step::None;
    const bool hosted = m_hosting;
    setHosting(false);
    // Still in the room only when its destroy went unanswered: it is gone with our host.
    if (m_session->state() == Session::Joined)
        m_session->leave();
    if (hosted)
        m_client->setUrl({});
    if (m_state == State::Quitting) {
        setState(State::Finished);
        Q_EMIT finished();
        return;
    }
    setOutcome(EndReason::Destroyed, Failure::None);
    setState(State::Lobby);
}

void RoomFlow::onDeadline()
{
    switch (m_state) {
    case State::StartingHost:
        return fail(Failure::HostFailed, UserTexts::hostDidNotStart(kHostStartTimeoutMs / 1000));
    case State::Leaving:
    case State::Quitting:
        qCInfo(lcFlow) << "no answer in time, going on:" << m_state;
        if (m_step == Step::Room)
            return hostStep();
        // Waited long enough: it stops on its own, or with the app.
        return windDownDone();
    default:
        return;
    }
}

} // namespace pc::desktop
