#include "httpapi.h"

#include "hostcounters.h"
#include "httpexchange.h"
#include "httpside.h"

#include <QHttpServer>
#include <QHttpServerResponder>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QTcpSocket>
#include <QTimer>
#include <QUrlQuery>

namespace pc::host {

using namespace pc::protocol;

namespace {

    // Set on a connection once its request is taken: a second one on it is not answered.
    constexpr const char *kTaken = "pc.http.taken";
    // However long the store takes, an HTTP connection does not outlive this.
    constexpr int kMaxExchangeMs = 30000;

    using Method = QHttpServerRequest::Method;

    struct Route
    {
        Op op;
        Method method;
        const char *path;
    };

    // The schema's routes (PC_HTTP_ROUTES), for the 405 of a known path with another method.
    constexpr Route kRoutes[] = {
#define PC_ROUTE(name, method, path, integers, token) { Op::name, Method::method, path },
        PC_HTTP_ROUTES(PC_ROUTE)
#undef PC_ROUTE
    };

    const char *methodName(Method method)
    {
        switch (method) {
        case Method::Get:
            return "GET";
        case Method::Post:
            return "POST";
        case Method::Delete:
            return "DELETE";
        default:
            return "?";
        }
    }

    // The query's params as JSON: the named integer params as numbers when they are written
    // as whole numbers (anything else stays text, which the op's reader calls bad-request).
    QJsonObject queryParams(const QUrlQuery &query, const QList<QByteArray> &integers)
    {
        QJsonObject params;
        const auto items = query.queryItems(QUrl::FullyDecoded);
        for (const auto &[key, value] : items) {
            if (params.contains(key))
                continue; // the first of a repeated key
            bool whole = false;
            const qint64 number = value.toLongLong(&whole);
            if (whole && integers.contains(key.toLatin1()))
                params.insert(key, double(number));
            else
                params.insert(key, value);
        }
        return params;
    }

} // namespace

HttpApi::HttpApi(Handlers handlers, HostCounters *counters, int requestTimeoutMs, QObject *parent)
    : QObject(parent)
    , m_handlers(std::move(handlers))
    , m_counters(counters)
    , m_requestTimeoutMs(requestTimeoutMs)
    , m_server(new QHttpServer(this))
    , m_side(new HttpSide)
{
    if (m_handlers.op) {
#define PC_ROUTE(name, method, path, integers, token)                                              \
    route(Op::name, Method::method, QStringLiteral(path), integers, token);
        PC_HTTP_ROUTES(PC_ROUTE)
#undef PC_ROUTE
    }
    m_server->route(QStringLiteral("/healthz"), Method::Get,
        [this](const QHttpServerRequest &, QHttpServerResponder &&responder) {
            if (const auto exchange = begin(std::move(responder)))
                m_handlers.health(*exchange);
        });
    if (m_handlers.metrics) {
        m_server->route(QStringLiteral("/metrics"), Method::Get,
            [this](const QHttpServerRequest &, QHttpServerResponder &&responder) {
                if (const auto exchange = begin(std::move(responder)))
                    m_handlers.metrics(*exchange);
            });
    }
    m_server->setMissingHandler(
        [this](const QHttpServerRequest &request, QHttpServerResponder &&responder) {
            onMissing(request, std::move(responder));
        });
}

HttpApi::~HttpApi() = default;

bool HttpApi::open(QString *error)
{
    if (!m_side->open(error))
        return false;
    m_server->bind(m_side); // it becomes the server's child
    return true;
}

void HttpApi::take(QTcpSocket *socket)
{
    ++m_counters->httpRequests;
    // The head passed the gate in time; the body has as long again, the answer a while.
    QTimer::singleShot(m_requestTimeoutMs, socket, [socket] {
        if (!socket->property(kTaken).toBool())
            socket->abort();
    });
    QTimer::singleShot(kMaxExchangeMs, socket, &QAbstractSocket::abort);
    m_side->hand(socket);
    // Its request is in its read buffer already: nothing else would tell the server.
    QMetaObject::invokeMethod(
        socket, [socket] { Q_EMIT socket->readyRead(); }, Qt::QueuedConnection);
}

void HttpApi::route(Op op, Method method, const QString &path, const char *integers, bool token)
{
    m_server->route(path, method,
        [this, op, integers, token](
            const QHttpServerRequest &request, QHttpServerResponder &&responder) {
            onOp(op, integers, token, request, std::move(responder));
        });
}

std::shared_ptr<HttpExchange> HttpApi::begin(QHttpServerResponder &&responder)
{
    QTcpSocket *socket = responder.socket();
    if (socket->property(kTaken).toBool())
        return nullptr; // one request per connection; this one closes after the first answer
    socket->setProperty(kTaken, true);
    return std::make_shared<HttpExchange>(std::move(responder), socket);
}

void HttpApi::refuse(HttpExchange &exchange, const Error &error)
{
    m_counters->countError(error.code, Transport::Http);
    exchange.respondError(error);
}

void HttpApi::onOp(Op op, const char *integers, bool token, const QHttpServerRequest &request,
    QHttpServerResponder &&responder)
{
    const auto exchange = begin(std::move(responder));
    if (!exchange)
        return;
    const QUrlQuery query = request.query();
    if (query.hasQueryItem(QStringLiteral("token"))) {
        return refuse(*exchange,
            Error::badRequest(QStringLiteral("The token goes in the Authorization header "
                                             "(\"Authorization: Bearer TOKEN\"), never in the "
                                             "URL: URLs end up in logs and histories.")));
    }
    QJsonObject params;
    if (request.method() == Method::Post) {
        const QByteArray body = request.body();
        if (!body.trimmed().isEmpty()) {
            QJsonParseError error;
            const QJsonDocument document = QJsonDocument::fromJson(body, &error);
            if (!document.isObject()) {
                return refuse(*exchange,
                    Error::badRequest(error.error != QJsonParseError::NoError
                            ? QStringLiteral("The body is not JSON: %1 at byte %2.")
                                  .arg(error.errorString())
                                  .arg(error.offset)
                            : QStringLiteral("The body must be a JSON object.")));
            }
            params = document.object();
        }
        if (params.contains(QLatin1StringView("token"))) {
            return refuse(*exchange,
                Error::badRequest(QStringLiteral("The token goes in the Authorization header "
                                                 "(\"Authorization: Bearer TOKEN\"), not in "
                                                 "the body.")));
        }
    } else {
        params = queryParams(query, QByteArray(integers).split(' '));
    }
    const QByteArray authorization = request.value("Authorization").trimmed();
    if (!authorization.isEmpty()) {
        if (!authorization.startsWith("Bearer ")) {
            return refuse(*exchange,
                Error::badRequest(QStringLiteral(
                    "The Authorization header must be \"Bearer TOKEN\", with the token of "
                    "your room.join answer.")));
        }
        if (token)
            params.insert(
                QLatin1StringView("token"), QString::fromUtf8(authorization.sliced(7).trimmed()));
    }
    m_handlers.op(op, params, exchange, request.remoteAddress());
}

void HttpApi::onMissing(const QHttpServerRequest &request, QHttpServerResponder &&responder)
{
    const auto exchange = begin(std::move(responder));
    if (!exchange)
        return;
    const QString path = request.url().path();
    QByteArray allowed;
    if (m_handlers.op) {
        for (const Route &route : kRoutes) {
            if (path == QLatin1StringView(route.path))
                allowed += QByteArray(allowed.isEmpty() ? "" : ", ") + methodName(route.method);
        }
    }
    if (!allowed.isEmpty()) {
        const Error error = Error::badRequest(
            QStringLiteral("%1 takes %2.").arg(path, QString::fromLatin1(allowed)));
        m_counters->countError(error.code, Transport::Http);
        return exchange->respondError(error, { { "Allow", allowed } }, 405);
    }
    refuse(*exchange,
        { ErrorCode::UnknownOp,
            QStringLiteral("There is no %1 here: the routes are in docs/http-api.md.").arg(path) });
}

} // namespace pc::host
