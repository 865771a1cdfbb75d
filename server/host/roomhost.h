#pragma once

#include "clientlimits.h"
#include "hostcounters.h"
#include "hostoptions.h"
#include "ratelimiter.h"
#include "session.h"

#include "protocol/errors.h"
#include "protocol/schema.h"
#include "protocol/schema_gen.h"
#include "redis/options.h"

#include <QHash>
#include <QJsonObject>
#include <QJsonValue>
#include <QObject>

#include <memory>
#include <optional>

class QTimer;
class QWebSocketServer;

namespace pc::redis {
class Connection;
class Subscriber;
} // namespace pc::redis

namespace pc::host {

class Acceptor;
class DirectSocket;
class HandshakeGate;
class HealthProbe;
class HttpApi;
class HttpExchange;
struct GateLimits;
class RoomHub;
class RoomStore;
class Outbox;

// The room host: a WebSocket server at /api/realtime speaking protocol v1 on a Redis.
// Single-threaded on the thread that owns it; scale is more processes on one Redis.
class RoomHost : public QObject, private SessionHandler
{
    Q_OBJECT
public:
    RoomHost(HostOptions options, redis::Options redis, QObject *parent = nullptr);
    ~RoomHost() override;

    // Connects to Redis (both links); redisReady() once the command link is up the first time.
    void connectRedis();
    bool isRedisConnected() const;
    // Starts listening. On failure returns false and sets *error to a sentence.
    bool listen(QString *error);
    QHostAddress address() const;
    quint16 port() const;
    QString url() const; // wss://HOST:PORT/api/realtime (ws:// when plain)
    static QString urlFor(const QHostAddress &address, quint16 port, bool tls);
    // Whether it serves TLS (wss://, https://), and the fingerprint of its certificate that a
    // client pins (empty when plain).
    bool isTls() const { return m_options.tls.has_value(); }
    QString tlsFingerprint() const;
    int sessionCount() const { return int(m_sessions.size()); }
    // TCP connections that have not finished the WebSocket handshake yet.
    int handshakingCount() const;
    // --metrics-listen's port once listening (0: none).
    quint16 metricsPort() const;

    const HostCounters &counters() const { return m_counters; }
    // /metrics: this process' counters and gauges in the Prometheus text format.
    QByteArray metricsText() const;
    // /healthz: nullopt when it can serve rooms (Redis answers), else why not.
    std::optional<QString> healthProblem() const;

    // Stops accepting and closes every session with 1001.
    void shutdown();

Q_SIGNALS:
    void redisReady();
    void redisLost(const QString &reason);

private:
    void onNewConnection();
    void onRequestHead(DirectSocket *socket);
    void sessionText(Session *session, const QByteArray &frame) override;
    void sessionBinary(Session *session) override;
    void sessionFinished(Session *session) override;
    int sweepCycleMs() const; // a quarter of the idle timeout, 10 ms to 1 s
    void sweepSlice();
    void onHttpOp(protocol::Op op, const QJsonObject &params,
        std::shared_ptr<HttpExchange> exchange, const QHostAddress &peer);
    void respondHealth(HttpExchange &exchange) const;
    HttpApi *makeHttpApi(bool withOps);
    bool listenForMetrics(QString *error);
    GateLimits gateLimits() const;
    struct Request;
    // The op's params, or nullopt once the request was answered with an error: its own
    // (bad-request, too-large) first, then rate-limited when over the connection's limit.
    template<typename Params> std::optional<Params> accept(const Request &request);
    template<typename Params> void refuseOverLimit(const Request &request, const Params &params);
    // Why this room.create must wait (rooms per connection, per address, live rooms), if so.
    std::optional<protocol::Error> roomCapRefusal(const Request &request);
    void dispatch(protocol::Op op, const Request &request, Transport transport);

    template<protocol::Op O>
    void run(const Request &request,
        void (RoomHost::*handler)(const Request &, const typename protocol::OpTypes<O>::Params &));
    template<protocol::Op O> void relay(const Request &request);
    template<protocol::Op O> bool withinOpRate(const Request &request);
#define PC_DECLARE_HANDLER(name, wire, access, Params, Reply)                                      \
    void on##name(const Request &request, const protocol::Params &params);
    PC_HANDLED_OPS(PC_DECLARE_HANDLER)
#undef PC_DECLARE_HANDLER

    HostOptions m_options;
    HostCounters m_counters; // before everything that counts into it
    std::unique_ptr<redis::Connection> m_redis;
    std::unique_ptr<redis::Subscriber> m_subscriber;
    std::unique_ptr<RoomStore> m_store;
    RoomHub *m_hub;
    Acceptor *m_acceptor;
    HandshakeGate *m_gate = nullptr; // made in listen(): its budget depends on the file limit
    HttpApi *m_http = nullptr;       // the same port's plain HTTP requests, from the gate
    HealthProbe *m_health;
    // --metrics-listen: a port of its own, with a gate of its own.
    Acceptor *m_metricsAcceptor = nullptr;
    HandshakeGate *m_metricsGate = nullptr;
    QWebSocketServer *m_server;
    QHash<quint64, Session *> m_sessions;
    QTimer *m_idleSweep;         // closes idle sessions: a quarter of the idle timeout late at most
    QList<quint64> m_sweepQueue; // this cycle's sessions, by id
    qsizetype m_sweepNext = 0;   // the next one of them
    qsizetype m_sweepPerSlice = 1;
    Outbox *m_outbox;
    // TCP connections in the WebSocket handshake, by peer: the session watches its bytes.
    QHash<std::pair<QString, quint16>, DirectSocket *> m_handshaking;
    bool m_wasReady = false;
    // room.create per source address; buckets back at the brim are forgotten by the sweep.
    QHash<QHostAddress, RateLimiter> m_roomCreationByAddress;
    // Rooms this process created, until they end (here) or their deadline passes.
    QHash<QString, qint64> m_liveRooms;
    // Over HTTP, each source address is one client (its buckets); forgotten when full again.
    QHash<QHostAddress, ClientLimits> m_httpLimits;
};

} // namespace pc::host
