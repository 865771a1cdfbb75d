// The HTTP API on the host's port (docs/http-api.md) with real parts: a real Redis, a real host,
// raw HTTP requests and real WebSocket clients side by side.
#include "testclient.h"
#include "testhost.h"
#include "testhttp.h"

#include "host/httpexchange.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace pc::test;

namespace {

QByteArray json(const QJsonObject &o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

// room.create then room.join over HTTP: the room and the member's token.
std::pair<QString, QString> roomWithMember(quint16 port, const QString &name, int max = 2)
{
    const HttpAnswer created
        = httpRequest(port, "POST", "/api/room/create", json({ { k("maxParticipants"), max } }));
    const QString room = created.json().value(k("roomId")).toString();
    const HttpAnswer joined = httpRequest(
        port, "POST", "/api/room/join", json({ { k("roomId"), room }, { k("name"), name } }));
    return { room, joined.json().value(k("token")).toString() };
}

QByteArray q(const QString &room, const char *rest = "")
{
    return "?roomId=" + room.toUtf8() + rest;
}

} // namespace

class tst_HttpApi : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void everyRouteHappyPath();
    void errorCodesAndStatuses();
    void wrongOrMissingToken();
    void tokenInUrlOrBodyRefused();
    void rateLimitedPerAddress();
    void unavailableWhileRedisIsDown();
    void hugeAndMalformedRequests();
    void slowBodyIsDropped();
    void messagesCrossBetweenHttpAndWebSocket();

private:
    std::unique_ptr<TestHost> m_host;
    quint16 m_port = 0;
};

void tst_HttpApi::init()
{
    m_host = std::make_unique<TestHost>();
    QVERIFY(m_host->start());
    m_port = m_host->port();
}

void tst_HttpApi::cleanup()
{
    m_host.reset();
    QCOMPARE(TestClient::tokenLeak(), QString());
}

void tst_HttpApi::everyRouteHappyPath()
{
    const HttpAnswer created = httpRequest(m_port, "POST", "/api/room/create",
        json({ { k("ttl"), 120 }, { k("maxParticipants"), 3 } }));
    QCOMPARE(created.status, 200);
    QCOMPARE(created.header("Content-Type"), "application/json");
    const QString room = created.json().value(k("roomId")).toString();
    QCOMPARE(room.size(), 21);
    QCOMPARE(created.json().value(k("ttl")).toInt(), 120);
    QCOMPARE(created.json().value(k("maxParticipants")).toInt(), 3);

    // No body at all: the defaults.
    const HttpAnswer defaults = httpRequest(m_port, "POST", "/api/room/create");
    QCOMPARE(defaults.status, 200);
    QCOMPARE(defaults.json().value(k("ttl")).toInt(), 600);

    const HttpAnswer joined = httpRequest(m_port, "POST", "/api/room/join",
        json({ { k("roomId"), room }, { k("name"), QStringLiteral("Ada") } }));
    QCOMPARE(joined.status, 200);
    QCOMPARE(joined.header("Cache-Control"), "no-store");
    const QString token = joined.json().value(k("token")).toString();
    QCOMPARE(token.size(), 43);
    QCOMPARE(joined.json().value(k("participants")).toArray().size(), 1);

    // A rejoin: the token in the header, the same member.
    const HttpAnswer rejoined = httpRequest(m_port, "POST", "/api/room/join",
        json({ { k("roomId"), room }, { k("name"), QStringLiteral("Ada") } }), bearer(token));
    QCOMPARE(rejoined.status, 200);
    QCOMPARE(rejoined.json().value(k("participantId")), joined.json().value(k("participantId")));

    const HttpAnswer ttl = httpRequest(m_port, "GET", "/api/room/ttl" + q(room), {}, bearer(token));
    QCOMPARE(ttl.status, 200);
    QVERIFY(ttl.json().value(k("ttl")).toInt() > 100);

    const HttpAnswer info = httpRequest(m_port, "GET", "/api/room" + q(room), {}, bearer(token));
    QCOMPARE(info.status, 200);
    QCOMPARE(info.json().value(k("maxParticipants")).toInt(), 3);

    for (int i = 1; i <= 3; ++i) {
        const HttpAnswer sent = httpRequest(m_port, "POST", "/api/messages",
            json({ { k("roomId"), room }, { k("text"), QStringLiteral("m%1").arg(i) },
                { k("clientMsgId"), QStringLiteral("c%1").arg(i) } }),
            bearer(token));
        QCOMPARE(sent.status, 200);
        const QJsonObject message = sent.json().value(k("message")).toObject();
        QCOMPARE(message.value(k("seq")).toInt(), i);
        QCOMPARE(message.value(k("sender")).toString(), QStringLiteral("Ada"));
    }
    const HttpAnswer page = httpRequest(
        m_port, "GET", "/api/messages" + q(room, "&after=1&limit=1"), {}, bearer(token));
    QCOMPARE(page.status, 200);
    const QJsonArray messages = page.json().value(k("messages")).toArray();
    QCOMPARE(messages.size(), 1);
    QCOMPARE(messages[0].toObject().value(k("text")).toString(), QStringLiteral("m2"));
    QCOMPARE(page.json().value(k("lastSeq")).toInt(), 3);

    const HttpAnswer left = httpRequest(
        m_port, "POST", "/api/room/leave", json({ { k("roomId"), room } }), bearer(token));
    QCOMPARE(left.status, 200);
    QCOMPARE(left.json(), QJsonObject());
    QCOMPARE(httpRequest(m_port, "GET", "/api/room/ttl" + q(room), {}, bearer(token)).status, 401);

    const auto [other, otherToken] = roomWithMember(m_port, QStringLiteral("Bo"));
    const HttpAnswer destroyed
        = httpRequest(m_port, "DELETE", "/api/room" + q(other), {}, bearer(otherToken));
    QCOMPARE(destroyed.status, 200);
    QCOMPARE(m_host->keysContaining(other), QStringList());
    QCOMPARE(
        httpRequest(m_port, "GET", "/api/room" + q(other), {}, bearer(otherToken)).status, 404);

    const HttpAnswer health = httpRequest(m_port, "GET", "/healthz");
    QCOMPARE(health.status, 200);
    QCOMPARE(health.json().value(k("status")).toString(), QStringLiteral("ok"));
}

void tst_HttpApi::errorCodesAndStatuses()
{
    const auto [room, token] = roomWithMember(m_port, QStringLiteral("Ada"));
    // bad-request: a number out of range; a malformed room ID.
    HttpAnswer a = httpRequest(m_port, "POST", "/api/room/create", json({ { k("ttl"), 1 } }));
    QCOMPARE(a.status, 400);
    QCOMPARE(a.errorCode(), QStringLiteral("bad-request"));
    QVERIFY2(a.json()
                 .value(k("error"))
                 .toObject()
                 .value(k("message"))
                 .toString()
                 .contains(QLatin1StringView("ttl")),
        a.body.constData());
    a = httpRequest(m_port, "GET", "/api/messages?roomId=nope&after=x", {}, bearer(token));
    QCOMPARE(a.status, 400);
    a = httpRequest(m_port, "GET", "/api/messages" + q(room, "&after=x"), {}, bearer(token));
    QCOMPARE(a.status, 400);
    QCOMPARE(a.errorCode(), QStringLiteral("bad-request"));
    // too-large: a name over 100 characters, a blank text.
    a = httpRequest(m_port, "POST", "/api/room/join",
        json({ { k("roomId"), room }, { k("name"), QString(101, QLatin1Char('n')) } }));
    QCOMPARE(a.status, 413);
    QCOMPARE(a.errorCode(), QStringLiteral("too-large"));
    a = httpRequest(m_port, "POST", "/api/messages",
        json({ { k("roomId"), room }, { k("text"), QStringLiteral("  ") } }), bearer(token));
    QCOMPARE(a.status, 413);
    // room-not-found
    a = httpRequest(m_port, "POST", "/api/room/join",
        json({ { k("roomId"), QString(21, QLatin1Char('A')) },
            { k("name"), QStringLiteral("x") } }));
    QCOMPARE(a.status, 404);
    QCOMPARE(a.errorCode(), QStringLiteral("room-not-found"));
    // room-full: a second joins, the third does not fit.
    QCOMPARE(httpRequest(m_port, "POST", "/api/room/join",
                 json({ { k("roomId"), room }, { k("name"), QStringLiteral("Bo") } }))
                 .status,
        200);
    a = httpRequest(m_port, "POST", "/api/room/join",
        json({ { k("roomId"), room }, { k("name"), QStringLiteral("Cy") } }));
    QCOMPARE(a.status, 409);
    QCOMPARE(a.errorCode(), QStringLiteral("room-full"));
    // No such route (the unknown-op of HTTP), and a route with another method.
    a = httpRequest(m_port, "GET", "/api/nothing");
    QCOMPARE(a.status, 404);
    QCOMPARE(a.errorCode(), QStringLiteral("unknown-op"));
    a = httpRequest(m_port, "PUT", "/api/room");
    QCOMPARE(a.status, 405);
    QCOMPARE(a.header("Allow"), "GET, DELETE");
    // What each code answers with, from the schema (internal cannot be caused from outside).
    using pc::host::HttpExchange;
    using pc::protocol::ErrorCode;
    QCOMPARE(HttpExchange::statusOf(ErrorCode::Internal), 500);
    QCOMPARE(HttpExchange::statusOf(ErrorCode::Unavailable), 503);
    QCOMPARE(HttpExchange::statusOf(ErrorCode::RateLimited), 429);
    QCOMPARE(HttpExchange::statusOf(ErrorCode::Unauthorized), 401);
}

void tst_HttpApi::wrongOrMissingToken()
{
    const auto [room, token] = roomWithMember(m_port, QStringLiteral("Ada"));
    HttpAnswer a = httpRequest(m_port, "GET", "/api/room/ttl" + q(room));
    QCOMPARE(a.status, 401);
    QCOMPARE(a.errorCode(), QStringLiteral("unauthorized"));
    QCOMPARE(a.header("WWW-Authenticate"), "Bearer");
    a = httpRequest(m_port, "POST", "/api/messages",
        json({ { k("roomId"), room }, { k("text"), QStringLiteral("hi") } }),
        bearer(QStringLiteral("not-the-token")));
    QCOMPARE(a.status, 401);
    a = httpRequest(
        m_port, "DELETE", "/api/room" + q(room), {}, { { "Authorization", "Basic eDp5" } });
    QCOMPARE(a.status, 400);
    QVERIFY(a.body.contains("Bearer"));
    // A wrong token on a room that does not exist: room-not-found comes first.
    a = httpRequest(
        m_port, "GET", "/api/room?roomId=" + QByteArray(21, 'B'), {}, bearer(QStringLiteral("x")));
    QCOMPARE(a.status, 404);
    // The room is untouched.
    QCOMPARE(httpRequest(m_port, "GET", "/api/room" + q(room), {}, bearer(token)).status, 200);
}

void tst_HttpApi::tokenInUrlOrBodyRefused()
{
    const auto [room, token] = roomWithMember(m_port, QStringLiteral("Ada"));
    HttpAnswer a
        = httpRequest(m_port, "GET", "/api/room/ttl" + q(room) + "&token=" + token.toUtf8());
    QCOMPARE(a.status, 400);
    QCOMPARE(a.errorCode(), QStringLiteral("bad-request"));
    QVERIFY2(a.body.contains("Authorization") && a.body.contains("URL"), a.body.constData());
    // Refused even with the right header beside it, and on a POST route.
    a = httpRequest(
        m_port, "GET", "/api/messages" + q(room) + "&token=" + token.toUtf8(), {}, bearer(token));
    QCOMPARE(a.status, 400);
    a = httpRequest(m_port, "POST", "/api/messages?token=" + token.toUtf8(),
        json({ { k("roomId"), room }, { k("text"), QStringLiteral("hi") } }));
    QCOMPARE(a.status, 400);
    a = httpRequest(m_port, "POST", "/api/messages",
        json(
            { { k("roomId"), room }, { k("text"), QStringLiteral("hi") }, { k("token"), token } }));
    QCOMPARE(a.status, 400);
    QVERIFY(a.body.contains("Authorization"));
    // Nothing was sent.
    a = httpRequest(m_port, "GET", "/api/messages" + q(room), {}, bearer(token));
    QCOMPARE(a.json().value(k("lastSeq")).toInt(), 0);
}

void tst_HttpApi::rateLimitedPerAddress()
{
    pc::host::HostOptions options;
    options.rateLimit.burst = 3;
    options.rateLimit.perSecond = 1;
    TestHost host(options);
    QVERIFY(host.start());
    for (int i = 0; i < 3; ++i)
        QCOMPARE(httpRequest(host.port(), "POST", "/api/room/create").status, 200);
    const HttpAnswer limited = httpRequest(host.port(), "POST", "/api/room/create");
    QCOMPARE(limited.status, 429);
    QCOMPARE(limited.errorCode(), QStringLiteral("rate-limited"));
    QVERIFY(limited.json().value(k("error")).toObject().value(k("retryAfterMs")).toInt() > 0);
    QCOMPARE(limited.header("Retry-After"), "1");
    // The limit is the address', whatever the connection: WebSocket clients have their own.
    TestClient ws(host.url());
    QVERIFY(ws.open());
    QVERIFY(!ws.createRoom().isEmpty());
}

void tst_HttpApi::unavailableWhileRedisIsDown()
{
    QCOMPARE(httpRequest(m_port, "GET", "/healthz").status, 200);
    m_host->redis().kill();
    QElapsedTimer clock;
    clock.start();
    HttpAnswer health;
    QTRY_VERIFY_WITH_TIMEOUT((health = httpRequest(m_port, "GET", "/healthz")).status == 503, 2000);
    QVERIFY2(clock.elapsed() < 2000, qPrintable(QString::number(clock.elapsed())));
    QCOMPARE(health.json().value(k("status")).toString(), QStringLiteral("unavailable"));
    QVERIFY2(health.json().value(k("reason")).toString().contains(QLatin1StringView("Redis")),
        health.body.constData());
    const HttpAnswer create = httpRequest(m_port, "POST", "/api/room/create");
    QCOMPARE(create.status, 503);
    QCOMPARE(create.errorCode(), QStringLiteral("unavailable"));

    QVERIFY(m_host->redis().restart());
    QTRY_COMPARE_WITH_TIMEOUT(httpRequest(m_port, "GET", "/healthz").status, 200, 10000);
    QCOMPARE(httpRequest(m_port, "POST", "/api/room/create").status, 200);
}

void tst_HttpApi::hugeAndMalformedRequests()
{
    const auto [room, token] = roomWithMember(m_port, QStringLiteral("Ada"));
    const QByteArray huge(200 * 1024, 'x');
    // Over 64 KiB: 413 before the body is read, with or without Expect: 100-continue.
    HttpAnswer a = httpRequest(m_port, "POST", "/api/messages", huge, bearer(token));
    QCOMPARE(a.status, 413);
    QCOMPARE(a.errorCode(), QStringLiteral("too-large"));
    a = httpRequest(m_port, "POST", "/api/messages", {},
        { { "Content-Length", "1000000000" }, { "Expect", "100-continue" } });
    QCOMPARE(a.status, 413);
    a = httpRaw(m_port,
        "POST /api/messages HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: "
        "chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n");
    QCOMPARE(a.status, 411);
    // Not JSON, not an object, a JSON string too long for a text, a head that is no request.
    a = httpRequest(m_port, "POST", "/api/messages", "{\"roomId\": ", bearer(token));
    QCOMPARE(a.status, 400);
    QVERIFY2(a.body.contains("not JSON"), a.body.constData());
    a = httpRequest(m_port, "POST", "/api/messages", "[1,2]", bearer(token));
    QCOMPARE(a.status, 400);
    a = httpRequest(m_port, "POST", "/api/messages",
        json({ { k("roomId"), room }, { k("text"), QString(60000, QLatin1Char('t')) } }),
        bearer(token));
    QCOMPARE(a.status, 413);
    QCOMPARE(a.errorCode(), QStringLiteral("too-large"));
    a = httpRaw(m_port, "HELLO THERE\r\n\r\n");
    QCOMPARE(a.status, 400);
    a = httpRaw(m_port, "GET /" + QByteArray(9000, 'a') + " HTTP/1.1\r\n\r\n");
    QCOMPARE(a.status, 431);

    // The host is unaffected: HTTP and WebSocket both still work, nothing was stored.
    a = httpRequest(m_port, "GET", "/api/messages" + q(room), {}, bearer(token));
    QCOMPARE(a.status, 200);
    QCOMPARE(a.json().value(k("lastSeq")).toInt(), 0);
    TestClient ws(m_host->url());
    QVERIFY(ws.open());
    QVERIFY(!ws.createRoom().isEmpty());
}

void tst_HttpApi::slowBodyIsDropped()
{
    pc::host::HostOptions options;
    options.handshakeTimeoutMs = 300;
    TestHost host(options);
    QVERIFY(host.start());
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, host.port());
    QVERIFY(socket.waitForConnected());
    // The head in time, but the body never comes: dropped, not kept open.
    socket.write("POST /api/room/create HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n{");
    QTRY_COMPARE_WITH_TIMEOUT(socket.state(), QAbstractSocket::UnconnectedState, 2000);
    QTRY_COMPARE_WITH_TIMEOUT(host.host().handshakingCount(), 0, 2000);
}

void tst_HttpApi::messagesCrossBetweenHttpAndWebSocket()
{
    TestClient alice(m_host->url());
    QVERIFY(alice.open());
    const QString room = alice.createRoom(600, 3);
    const QString aliceToken
        = alice.join(room, QStringLiteral("Alice")).value(k("token")).toString();
    QVERIFY(alice.subscribe(room, aliceToken).value(k("ok")).toBool());
    const HttpAnswer joined = httpRequest(m_port, "POST", "/api/room/join",
        json({ { k("roomId"), room }, { k("name"), QStringLiteral("Bot") } }));
    QCOMPARE(joined.status, 200);
    const QString botToken = joined.json().value(k("token")).toString();
    QVERIFY(alice.waitForEvents(QStringLiteral("presence.join"), 1));

    // HTTP -> WebSocket
    QCOMPARE(httpRequest(m_port, "POST", "/api/messages",
                 json({ { k("roomId"), room }, { k("text"), QStringLiteral("from http") } }),
                 bearer(botToken))
                 .status,
        200);
    QVERIFY(alice.waitForEvents(QStringLiteral("chat.message"), 1));
    const QJsonObject event = alice.events(QStringLiteral("chat.message")).first();
    const QJsonObject data = event.value(k("data")).toObject();
    QCOMPARE(data.value(k("text")).toString(), QStringLiteral("from http"));
    QCOMPARE(data.value(k("sender")).toString(), QStringLiteral("Bot"));

    // WebSocket -> HTTP
    const QJsonObject sent = alice.request(QStringLiteral("messages.send"),
        { { k("roomId"), room }, { k("token"), aliceToken },
            { k("text"), QStringLiteral("from ws") } });
    QVERIFY(sent.value(k("ok")).toBool());
    const HttpAnswer page
        = httpRequest(m_port, "GET", "/api/messages" + q(room, "&after=1"), {}, bearer(botToken));
    QCOMPARE(page.status, 200);
    const QJsonArray messages = page.json().value(k("messages")).toArray();
    QCOMPARE(messages.size(), 1);
    QCOMPARE(messages[0].toObject().value(k("text")).toString(), QStringLiteral("from ws"));

    // Leave and destroy over HTTP reach the WebSocket member.
    QCOMPARE(httpRequest(m_port, "POST", "/api/room/leave", json({ { k("roomId"), room } }),
                 bearer(botToken))
                 .status,
        200);
    QVERIFY(alice.waitForEvents(QStringLiteral("presence.leave"), 1));
    const HttpAnswer rejoin = httpRequest(m_port, "POST", "/api/room/join",
        json({ { k("roomId"), room }, { k("name"), QStringLiteral("Bot") } }));
    QCOMPARE(httpRequest(m_port, "DELETE", "/api/room" + q(room), {},
                 bearer(rejoin.json().value(k("token")).toString()))
                 .status,
        200);
    QVERIFY(alice.waitForEvents(QStringLiteral("chat.destroy"), 1));
    QCOMPARE(alice.events(QStringLiteral("chat.destroy"))
                 .first()
                 .value(k("data"))
                 .toObject()
                 .value(k("reason"))
                 .toString(),
        QStringLiteral("destroyed"));
}

QTEST_GUILESS_MAIN(tst_HttpApi)
#include "tst_httpapi.moc"
