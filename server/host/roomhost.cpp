#include "roomhost.h"

#include "acceptor.h"
#include "directsocket.h"
#include "filelimit.h"
#include "handshakegate.h"
#include "healthprobe.h"
#include "hostlog.h"
#include "httpapi.h"
#include "httpexchange.h"
#include "listenaddress.h"
#include "outbox.h"
#include "prometheustext.h"
#include "replyto.h"
#include "roomhub.h"
#include "roomstore.h"
#include "session.h"
#include "shardedscripts.h"

#include "pc_version.h"
#include "protocol/frames.h"
#include "protocol/replies.h"
#include "protocol/requests.h"
#include "redis/connection.h"
#include "redis/subscriber.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QPointer>
#include <QTimer>
#include <QWebSocket>
#include <QWebSocketServer>

Q_LOGGING_CATEGORY(lcHost, "pc.host", QtInfoMsg)

namespace pc::host {

using namespace pc::protocol;

namespace {

    const QString kPath = QStringLiteral("/api/realtime");

} // namespace

// One request, whichever way it came: a WebSocket frame or an HTTP route. The op runs the same
// for both; only where the reply goes (ReplyTo) and whose limits it takes differ.
struct RoomHost::Request
{
    ReplyTo to;
    Session *session;         // the WebSocket it came on; null over HTTP
    ClientLimits *limits;     // the session's; over HTTP, its source address'
    const QHostAddress *peer; // its source address
    QJsonObject body;
    qint64 rateWaitMs; // 0: within the rate limit

    // The callback that answers this request with an op's outcome.
    template<typename T, typename ToData> Done<T> answer(ToData toData) const
    {
        return [to = to, toData](Outcome<T> outcome) {
            if (auto *error = std::get_if<Error>(&outcome))
                to.fail(*error);
            else
                to.succeed(toData(std::get<T>(outcome)));
        };
    }
    void fail(const Error &error) const { to.fail(error); }
    void succeed(const QJsonObject &data = {}) const { to.succeed(data); }
};

RoomHost::RoomHost(HostOptions options, redis::Options redis, QObject *parent)
    : QObject(parent)
    , m_options(std::move(options))
    , m_redis(roomConnection(redis)) // sharded scripts on a Redis Cluster
    , m_subscriber(std::make_unique<redis::Subscriber>(redis, m_redis.get()))
    , m_store(std::make_unique<RoomStore>(m_redis.get(), m_options.redisPrefix))
    , m_hub(new RoomHub(m_store.get(), m_redis.get(), m_subscriber.get(), &m_counters, this))
    , m_acceptor(new Acceptor(m_options.listenBacklog, this))
    , m_health(new HealthProbe(m_redis.get(), m_subscriber.get(), &m_counters.redisRoundTrip, this))
    , m_server(new QWebSocketServer(
          QStringLiteral("privatechat/" PC_VERSION), QWebSocketServer::NonSecureMode, this))
    , m_idleSweep(new QTimer(this))
    , m_outbox(new Outbox(this))
{
    m_redis->setRoundTripObserver([this](std::chrono::nanoseconds t) {
        m_counters.redisRoundTrip.observe(double(t.count()) / 1e9);
    });
    m_idleSweep->setInterval(sweepCycleMs());
    connect(m_idleSweep, &QTimer::timeout, this, &RoomHost::sweepSlice);
    m_idleSweep->start();
    m_server->setMaxPendingConnections(m_options.listenBacklog);
    connect(m_server, &QWebSocketServer::newConnection, this, &RoomHost::onNewConnection);
    connect(m_redis.get(), &redis::Connection::connected, this, [this] {
        qCInfo(lcHost) << "connected to Redis";
        if (!m_wasReady) {
            m_wasReady = true;
            Q_EMIT redisReady();
        }
    });
    connect(m_redis.get(), &redis::Connection::disconnected, this, [this](const QString &reason) {
        qCWarning(lcHost) << "lost Redis:" << reason;
        Q_EMIT redisLost(reason);
    });
}

RoomHost::~RoomHost()
{
    shutdown();
    // Sessions and the hub go before the Redis links they use.
    qDeleteAll(m_sessions);
    m_sessions.clear();
    delete m_hub;
    m_hub = nullptr;
}

int RoomHost::sweepCycleMs() const
{
    return int(std::clamp<qint64>(m_options.idleTimeoutMs / 4, 10, 1000));
}

// Every session is swept once per cycle, a slice of them per tick. All at once, 10,000 of them
// took 15 ms (26 at most), a stall every second that the messages then waiting paid for: p99
// at 10,000 members was 11.8 ms, 2.3 in slices (docs/performance.md).
void RoomHost::sweepSlice()
{
    constexpr qsizetype kSessionsPerSlice = 200; // about 0.6 ms at 10,000
    if (m_sweepNext >= m_sweepQueue.size()) {    // a cycle begins: the sessions there are now
        m_sweepQueue = m_sessions.keys();
        m_sweepNext = 0;
        const qsizetype slices = std::clamp<qsizetype>(
            (m_sweepQueue.size() + kSessionsPerSlice - 1) / kSessionsPerSlice, 1, 100);
        m_sweepPerSlice = std::max<qsizetype>(1, (m_sweepQueue.size() + slices - 1) / slices);
        m_idleSweep->setInterval(std::max(1, sweepCycleMs() / int(slices)));
        m_roomCreationByAddress.removeIf([](auto it) { return it.value().isIdle(); });
        m_httpLimits.removeIf([](auto it) { return it.value().isIdle(); });
    }
    // By id, looked up again: closing may finish a session, one that went meanwhile is skipped.
    const qsizetype end = std::min(m_sweepQueue.size(), m_sweepNext + m_sweepPerSlice);
    for (; m_sweepNext < end; ++m_sweepNext) {
        if (Session *session = m_sessions.value(m_sweepQueue.at(m_sweepNext)))
            session->sweep(m_options.idleTimeoutMs);
    }
}

void RoomHost::connectRedis()
{
    m_redis->open();
    m_subscriber->open();
}

bool RoomHost::isRedisConnected() const
{
    return m_redis->isConnected();
}

GateLimits RoomHost::gateLimits() const
{
    GateLimits limits;
    limits.handshakeTimeoutMs = m_options.handshakeTimeoutMs;
    limits.maxPerAddress = m_options.maxConnectionsPerAddress;
    limits.maxConnections = m_options.maxConnections > 0
        ? m_options.maxConnections
        : connectionBudget(limits::kReservedFileDescriptors);
    limits.maxBodyBytes = m_options.maxIncomingMessageBytes; // as a WebSocket message
    return limits;
}

HttpApi *RoomHost::makeHttpApi(bool withOps)
{
    HttpApi::Handlers handlers;
    if (withOps) {
        handlers.op
            = [this](Op op, const QJsonObject &params, std::shared_ptr<HttpExchange> exchange,
                  const QHostAddress &peer) { onHttpOp(op, params, std::move(exchange), peer); };
    }
    handlers.health = [this](HttpExchange &exchange) { respondHealth(exchange); };
    // With --metrics-listen, /metrics is only there: an operator keeps it private.
    if (!withOps || !m_options.metricsListen) {
        handlers.metrics = [this](HttpExchange &exchange) {
            exchange.respond(200, metricsText(), {}, PrometheusText::kContentType);
        };
    }
    return new HttpApi(std::move(handlers), &m_counters, m_options.handshakeTimeoutMs, this);
}

// --metrics-listen: an acceptor and a gate of its own, and an HTTP side with only /metrics
// and /healthz.
bool RoomHost::listenForMetrics(QString *error)
{
    m_metricsAcceptor = new Acceptor(64, this);
    GateLimits limits = gateLimits();
    limits.maxConnections = 64; // a scraper or two: the descriptors are the host's
    // TLS when the host has it, and plain from anywhere: a scraper on the private network.
    GateTransport transport;
    if (m_options.tls)
        transport.tls = serverTlsConfiguration(*m_options.tls);
    m_metricsGate = new HandshakeGate(limits, transport, this);
    HttpApi *metrics = makeHttpApi(false);
    if (!metrics->open(error))
        return false;
    connect(m_metricsAcceptor, &Acceptor::accepted, m_metricsGate, &HandshakeGate::admit);
    // Nothing but HTTP there: a WebSocket upgrade is dropped.
    connect(m_metricsGate, &HandshakeGate::ready, this, [](DirectSocket *s) {
        s->socket()->abort();
        s->socket()->deleteLater();
    });
    connect(m_metricsGate, &HandshakeGate::httpRequest, metrics, &HttpApi::take);
    if (!m_metricsAcceptor->listen(
            m_options.metricsListen->address, m_options.metricsListen->port)) {
        if (error) {
            *error
                = QStringLiteral("cannot listen on %1 for metrics: %2")
                      .arg(m_options.metricsListen->toString(), m_metricsAcceptor->errorString());
        }
        return false;
    }
    return true;
}

bool RoomHost::listen(QString *error)
{
    if (!m_gate) {
        GateTransport transport;
        if (m_options.tls) {
            transport.tls = serverTlsConfiguration(*m_options.tls);
            transport.plainFromAnywhere = false;
        }
        m_gate = new HandshakeGate(gateLimits(), transport, this);
        connect(m_acceptor, &Acceptor::accepted, m_gate, &HandshakeGate::admit);
        connect(m_gate, &HandshakeGate::ready, this, &RoomHost::onRequestHead);
        connect(m_gate, &HandshakeGate::refused, this, [this] { ++m_counters.connectionsRefused; });
        m_http = makeHttpApi(true);
        if (!m_http->open(error))
            return false;
        connect(m_gate, &HandshakeGate::httpRequest, m_http, &HttpApi::take);
    }
    if (m_options.metricsListen && !m_metricsAcceptor && !listenForMetrics(error))
        return false;
    QString why;
    const bool listening = m_options.sharePort
        ? m_acceptor->listenShared(m_options.address, m_options.port, &why)
        : m_acceptor->listen(m_options.address, m_options.port);
    if (!listening && error) {
        *error = QStringLiteral("cannot listen on %1:%2: %3")
                     .arg(m_options.address.toString())
                     .arg(m_options.port)
                     .arg(m_options.sharePort ? why : m_acceptor->errorString());
    }
    return listening;
}

QHostAddress RoomHost::address() const
{
    return m_acceptor->serverAddress();
}

quint16 RoomHost::port() const
{
    return m_acceptor->serverPort();
}

QString RoomHost::url() const
{
    return urlFor(address(), port(), isTls());
}

QString RoomHost::urlFor(const QHostAddress &address, quint16 port, bool tls)
{
    return (tls ? QStringLiteral("wss://") : QStringLiteral("ws://"))
        + ListenAddress { address, port }.toString() + kPath;
}

QString RoomHost::tlsFingerprint() const
{
    return m_options.tls ? m_options.tls->fingerprint() : QString();
}

quint16 RoomHost::metricsPort() const
{
    return m_metricsAcceptor ? m_metricsAcceptor->serverPort() : 0;
}

void RoomHost::shutdown()
{
    m_acceptor->close();
    if (m_metricsAcceptor)
        m_metricsAcceptor->close();
    const auto sessions = m_sessions;
    for (Session *session : sessions)
        session->close(
            QWebSocketProtocol::CloseCodeGoingAway, QStringLiteral("host shutting down"));
}

int RoomHost::handshakingCount() const
{
    return (m_gate ? m_gate->pendingCount() : 0) + int(m_handshaking.size());
}

void RoomHost::onRequestHead(DirectSocket *direct)
{
    QTcpSocket *socket = direct->socket();
    const auto peer = std::make_pair(socket->peerAddress().toString(), socket->peerPort());
    m_handshaking.insert(peer, direct);
    connect(socket, &QObject::destroyed, this, [this, peer] { m_handshaking.remove(peer); });
    // A handshake Qt refuses (wrong version, not an upgrade) ends with a closed socket that
    // no session takes: delete it, so its slot in the connection count is given back.
    connect(socket, &QAbstractSocket::disconnected, this, [this, peer, direct] {
        if (m_handshaking.value(peer) == direct)
            direct->socket()->deleteLater();
    });
    m_server->handleConnection(socket);
}

void RoomHost::onNewConnection()
{
    while (QWebSocket *socket = m_server->nextPendingConnection()) {
        DirectSocket *tcp
            = m_handshaking.take({ socket->peerAddress().toString(), socket->peerPort() });
        if (tcp) {
            disconnect(tcp->socket(), &QObject::destroyed, this, nullptr);
            disconnect(tcp->socket(), &QAbstractSocket::disconnected, this, nullptr);
        }
        if (!tcp) { // not from our acceptor: cannot happen, but a session needs its socket
            qCWarning(lcHost) << "a WebSocket without its TCP connection; dropping it";
            socket->abort();
            socket->deleteLater();
            continue;
        }
        auto *session = new Session(socket, tcp, this, m_outbox, m_options, &m_counters, this);
        ++m_counters.websocketsOpened;
        if (socket->requestUrl().path() != kPath) {
            session->close(QWebSocketProtocol::CloseCodePolicyViolated,
                QStringLiteral("not found: the endpoint is %1").arg(kPath));
        } else {
            session->send(encodeHello(QStringLiteral("privatechat/" PC_VERSION)));
        }
        m_sessions.insert(session->id(), session);
    }
}

void RoomHost::sessionFinished(Session *session)
{
    if (!m_sessions.remove(session->id()))
        return;
    m_hub->removeSession(session);
    session->deleteLater();
}

void RoomHost::sessionBinary(Session *session)
{
    session->limits().requests().take();
    session->beginRequest();
    session->reply(encodeErrorReply(QJsonValue::Null,
        Error::badRequest(
            QStringLiteral("Binary messages are not supported: send JSON as text."))));
}

void RoomHost::sessionText(Session *session, const QByteArray &frame)
{
    const qint64 wait = session->limits().requests().take();
    if (session->limits().requests().isAbused()) {
        // The replies of what it sent before still go out, then the close.
        qCInfo(lcHost) << "session" << session->id() << "ignores the rate limit; closing";
        session->close(QWebSocketProtocol::CloseCodePolicyViolated,
            QStringLiteral("too many requests while rate-limited"));
        return;
    }
    session->beginRequest();
    RequestEnvelope envelope = parseRequest(frame);
    if (envelope.error) {
        session->reply(encodeErrorReply(envelope.id, *envelope.error));
        return;
    }
    const Request request { ReplyTo(&m_counters, session, envelope.id), session, &session->limits(),
        &session->peerAddress(), envelope.body, wait };
    dispatch(*envelope.op, request, Transport::WebSocket);
}

void RoomHost::dispatch(Op op, const Request &request, Transport transport)
{
    m_counters.countRequest(op, transport);
    switch (op) {
#define PC_DISPATCH(name, ...)                                                                     \
    case Op::name:                                                                                 \
        run<Op::name>(request, &RoomHost::on##name);                                               \
        break;
        PC_HANDLED_OPS(PC_DISPATCH)
#undef PC_DISPATCH
#define PC_RELAY(name, ...)                                                                        \
    case Op::name:                                                                                 \
        relay<Op::name>(request);                                                                  \
        break;
        PC_RELAYED_OPS(PC_RELAY)
#undef PC_RELAY
    }
}

// An HTTP request runs as a WebSocket one does; its source address is the client whose
// buckets it takes (an address that keeps sending while limited is not asked the store).
void RoomHost::onHttpOp(Op op, const QJsonObject &params, std::shared_ptr<HttpExchange> exchange,
    const QHostAddress &peer)
{
    auto limits = m_httpLimits.find(peer);
    if (limits == m_httpLimits.end())
        limits = m_httpLimits.insert(peer, ClientLimits(m_options));
    const qint64 wait = limits->requests().take();
    const ReplyTo to(&m_counters, std::move(exchange));
    if (limits->requests().isAbused()) {
        m_counters.countRequest(op, Transport::Http);
        return to.fail(Error::rateLimited(wait));
    }
    const Request request { to, nullptr, &*limits, &peer, params, wait };
    dispatch(op, request, Transport::Http);
}

void RoomHost::respondHealth(HttpExchange &exchange) const
{
    if (const auto problem = healthProblem()) {
        exchange.respond(503,
            QJsonDocument(
                QJsonObject { { QLatin1StringView("status"), QStringLiteral("unavailable") },
                    { QLatin1StringView("reason"), *problem } })
                .toJson(QJsonDocument::Compact));
        return;
    }
    exchange.respond(200, R"({"status":"ok"})");
}

std::optional<QString> RoomHost::healthProblem() const
{
    return m_health->problem();
}

namespace {

    // The member a request speaks for: the params of every Member op hold one (generate.py
    // refuses a schema where they do not, and run() checks it again here).
    template<typename Params> const MemberParams *memberOf(const Params &p)
    {
        if constexpr (std::is_same_v<Params, MemberParams>)
            return &p;
        else if constexpr (requires { p.member; })
            return &p.member;
        else
            return nullptr;
    }

} // namespace

// Every op the same way, from the schema's table: its params read and checked, the rate limit,
// then its handler. A Member op's store script checks the member before it does anything.
template<Op O>
void RoomHost::run(const Request &request,
    void (RoomHost::*handler)(const Request &, const typename OpTypes<O>::Params &))
{
    using Params = typename OpTypes<O>::Params;
    static_assert(
        accessOf(O) == Access::Open
            || std::is_same_v<Params, MemberParams> || requires(Params p) { p.member; },
        "a Member op's params must name the member");
    if (const auto params = accept<Params>(request)) {
        if (withinOpRate<O>(request))
            (this->*handler)(request, *params);
    }
}

// A relay op has no handler: its params, but the member's, go out as its event.
template<Op O> void RoomHost::relay(const Request &request)
{
    using Params = typename OpTypes<O>::Params;
    const auto params = accept<Params>(request);
    if (!params || !withinOpRate<O>(request))
        return;
    QJsonObject fields = params->toJson();
    fields.remove(QLatin1StringView("roomId"));
    fields.remove(QLatin1StringView("token"));
    m_store->relay(*memberOf(*params), *OpTypes<O>::kRelay, fields,
        request.answer<Stored>([](const Stored &) { return QJsonObject(); }));
}

// The op's own limit (schema: rate), beside the connection's.
template<Op O> bool RoomHost::withinOpRate(const Request &request)
{
    if constexpr (OpTypes<O>::kBurst > 0) {
        const qint64 wait
            = request.limits
                  ->op(O, RateLimiter::perMinute(OpTypes<O>::kBurst, OpTypes<O>::kPerSecond * 60))
                  .take();
        if (wait > 0) {
            request.fail(Error::rateLimited(wait));
            return false;
        }
    }
    return true;
}

template<typename Params> std::optional<Params> RoomHost::accept(const Request &request)
{
    Params params;
    if (const auto error = Params::read(request.body, params, ReadOptions { m_options.maxTtl })) {
        request.fail(*error);
        return std::nullopt;
    }
    if (request.rateWaitMs > 0) {
        refuseOverLimit(request, params);
        return std::nullopt;
    }
    return params;
}

// Over the rate limit nothing is done, but the contract ranks room-not-found, unauthorized
// and room-full above rate-limited: ask the store (read-only) which applies. The abuse limit
// bounds what this costs.
template<typename Params>
void RoomHost::refuseOverLimit(const Request &request, const Params &params)
{
    const Error limited = Error::rateLimited(request.rateWaitMs);
    const Done<Stored> answer
        = request.answer<Stored>([](const Stored &) { return QJsonObject(); });
    const auto refuse
        = [answer, limited](const std::optional<Error> &first) { answer(first.value_or(limited)); };
    if constexpr (std::is_same_v<Params, RoomJoinParams>) {
        m_store->checkJoin(params, [refuse](Outcome<Stored> outcome) {
            const auto *error = std::get_if<Error>(&outcome);
            refuse(error && error->code != ErrorCode::Unavailable ? std::optional<Error>(*error)
                                                                  : std::nullopt);
        });
    } else if (const MemberParams *member = memberOf(params)) {
        m_store->info(*member, [refuse](Outcome<RoomInfo> outcome) {
            const auto *error = std::get_if<Error>(&outcome);
            refuse(error && error->code != ErrorCode::Unavailable ? std::optional<Error>(*error)
                                                                  : std::nullopt);
        });
    } else {
        refuse(std::nullopt);
    }
}

std::optional<Error> RoomHost::roomCapRefusal(const Request &request)
{
    const auto limited = [](qint64 waitMs, const QString &why) {
        Error error = Error::rateLimited(waitMs);
        error.message = why.arg((waitMs + 999) / 1000);
        return error;
    };
    if (const qint64 wait = request.limits->roomCreation().take()) {
        return limited(wait,
            QStringLiteral("This connection created too many rooms; nothing was done. Retry in "
                           "%1 s."));
    }
    auto bucket = m_roomCreationByAddress.find(*request.peer);
    if (bucket == m_roomCreationByAddress.end()) {
        bucket = m_roomCreationByAddress.insert(*request.peer,
            RateLimiter(RateLimiter::perMinute(
                m_options.roomCaps.perAddressBurst, m_options.roomCaps.perAddressPerMinute)));
    }
    if (const qint64 wait = bucket->take()) {
        return limited(wait,
            QStringLiteral("Too many rooms were created from your address; nothing was done. "
                           "Retry in %1 s."));
    }
    if (m_liveRooms.size() >= m_options.roomCaps.maxLiveRooms) {
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        m_liveRooms.removeIf([now](auto it) { return it.value() <= now; });
        if (m_liveRooms.size() >= m_options.roomCaps.maxLiveRooms) {
            const qint64 next = *std::min_element(m_liveRooms.cbegin(), m_liveRooms.cend());
            return limited(std::max<qint64>(1, next - now),
                QStringLiteral("This host holds as many rooms as it takes; nothing was done. "
                               "Retry in %1 s, when one ends."));
        }
    }
    return std::nullopt;
}

void RoomHost::onRoomCreate(const Request &request, const RoomCreateParams &params)
{
    if (const auto refusal = roomCapRefusal(request))
        return request.fail(*refusal);
    const Done<RoomCreated> reply
        = request.answer<RoomCreated>([](const RoomCreated &r) { return r.toJson(); });
    m_store->create(params, [this, reply](Outcome<RoomCreated> outcome) {
        if (const auto *room = std::get_if<RoomCreated>(&outcome)) {
            m_liveRooms.insert(room->roomId, room->expiresAt);
            ++m_counters.roomsCreated;
        }
        reply(outcome);
    });
}

void RoomHost::onRoomJoin(const Request &request, const RoomJoinParams &params)
{
    const Done<RoomJoined> reply
        = request.answer<RoomJoined>([](const RoomJoined &r) { return r.toJson(); });
    m_store->join(params, [this, reply](Outcome<RoomJoined> outcome) {
        if (std::holds_alternative<RoomJoined>(outcome))
            ++m_counters.joins;
        reply(outcome);
    });
}

void RoomHost::onRoomLeave(const Request &request, const MemberParams &member)
{
    QPointer<Session> session(request.session);
    const Done<PresenceLeave> reply
        = request.answer<PresenceLeave>([](const PresenceLeave &) { return QJsonObject(); });
    // The leave script publishes presence.leave; every host ends the member's subscriptions.
    // (Over HTTP there is no connection of its own to keep out of its presence.leave.)
    if (session)
        m_hub->beginLeave(session, member.roomId);
    m_store->leave(member, [this, session, member, reply](Outcome<PresenceLeave> outcome) {
        if (session)
            m_hub->endLeave(session, member.roomId, std::holds_alternative<PresenceLeave>(outcome));
        reply(outcome);
    });
}

void RoomHost::onRoomTtl(const Request &request, const MemberParams &member)
{
    m_store->info(member,
        request.answer<RoomInfo>([](const RoomInfo &r) { return RoomTtl { r.ttl }.toJson(); }));
}

void RoomHost::onRoomInfo(const Request &request, const MemberParams &member)
{
    m_store->info(member, request.answer<RoomInfo>([](const RoomInfo &r) { return r.toJson(); }));
}

void RoomHost::onRoomDestroy(const Request &request, const MemberParams &member)
{
    const Done<Stored> reply = request.answer<Stored>([](const Stored &) { return QJsonObject(); });
    m_store->destroy(member, [this, member, reply](Outcome<Stored> outcome) {
        if (!std::holds_alternative<Stored>(outcome))
            return reply(outcome);
        // The contract: every subscriber has chat.destroy before the reply. The script
        // published it; this process' subscribers have it once the bus brought it here.
        m_liveRooms.remove(member.roomId);
        m_hub->whenEnded(member.roomId, 1000, [reply] { reply(Stored {}); });
    });
}

void RoomHost::onMemberRemove(const Request &request, const MemberRemoveParams &params)
{
    m_store->remove(params, request.answer<Stored>([](const Stored &) { return QJsonObject(); }));
}

void RoomHost::onRoomLock(const Request &request, const RoomLockParams &params)
{
    m_store->lock(params, request.answer<Stored>([](const Stored &) { return QJsonObject(); }));
}

void RoomHost::onMessagesSend(const Request &request, const MessagesSendParams &params)
{
    const Done<EncodedMessageSent> reply = request.answer<EncodedMessageSent>(
        [](const EncodedMessageSent &m) { return m.encode(); });
    m_store->send(params, [this, reply](Outcome<EncodedMessageSent> outcome) {
        if (std::holds_alternative<EncodedMessageSent>(outcome))
            ++m_counters.messagesReceived;
        reply(outcome);
    });
}

void RoomHost::onMessagesList(const Request &request, const MessagesListParams &params)
{
    m_store->list(params,
        request.answer<EncodedMessageList>([](const EncodedMessageList &l) { return l.encode(); }));
}

void RoomHost::onSubscribe(const Request &request, const SubscribeParams &params)
{
    if (!request.session) // no HTTP route: a subscription is a connection's
        return request.fail(Error::badRequest(QStringLiteral("subscribe needs a WebSocket.")));
    m_hub->subscribe(request.session, params.member, params.events,
        request.answer<Subscribed>([](const Subscribed &s) { return s.toJson(); }));
}

void RoomHost::onUnsubscribe(const Request &request, const UnsubscribeParams &params)
{
    if (request.session)
        m_hub->unsubscribe(request.session, params.channel);
    request.succeed();
}

} // namespace pc::host
