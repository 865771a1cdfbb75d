#pragma once

#include "protocol/errors.h"
#include "protocol/schema.h"

#include <QHostAddress>
#include <QHttpServerRequest>
#include <QJsonObject>
#include <QObject>

#include <functional>
#include <memory>

class QHttpServer;
class QHttpServerResponder;
class QTcpSocket;

namespace pc::host {

class HttpExchange;
class HttpSide;
struct HostCounters;

// The HTTP side of the host (docs/http-api.md), on QHttpServer: a route for every op the
// schema gives one, /healthz and /metrics. It only translates: a request becomes the op's
// params - the JSON body, or for GET and DELETE the query, and the token from
// "Authorization: Bearer" - and RoomHost runs the op as it runs a WebSocket request. The answer
// is the reply's data, or {"error": …} with the code's HTTP status. Connections come from the
// handshake gate (take()), one request each.
class HttpApi : public QObject
{
    Q_OBJECT
public:
    struct Handlers
    {
        std::function<void(protocol::Op, const QJsonObject &params,
            std::shared_ptr<HttpExchange> exchange, const QHostAddress &peer)>
            op; // empty: this listener has no API routes
        std::function<void(HttpExchange &)> health;
        std::function<void(HttpExchange &)> metrics; // empty: no /metrics here
    };

    // requestTimeoutMs: the whole request (its body too) must be here within this.
    HttpApi(
        Handlers handlers, HostCounters *counters, int requestTimeoutMs, QObject *parent = nullptr);
    ~HttpApi() override;

    bool open(QString *error);
    // A connection whose request head (kept in its read buffer) is plain HTTP.
    void take(QTcpSocket *socket);

private:
    void route(protocol::Op op, QHttpServerRequest::Method method, const QString &path,
        const char *integers, bool token);
    void onOp(protocol::Op op, const char *integers, bool token, const QHttpServerRequest &request,
        QHttpServerResponder &&responder);
    void onMissing(const QHttpServerRequest &request, QHttpServerResponder &&responder);
    // The exchange of the connection's one request; null for a second one (it is ignored).
    std::shared_ptr<HttpExchange> begin(QHttpServerResponder &&responder);
    void refuse(HttpExchange &exchange, const protocol::Error &error);

    Handlers m_handlers;
    HostCounters *m_counters;
    int m_requestTimeoutMs;
    QHttpServer *m_server;
    HttpSide *m_side;
};

} // namespace pc::host
