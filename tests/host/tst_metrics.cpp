// /metrics and /healthz with real parts: a test chat over WebSocket and HTTP, then the scrape
// checked by promtool and against what the chat did.
#include "testclient.h"
#include "testhost.h"
#include "testhttp.h"

#include <QJsonDocument>
#include <QProcess>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTest>

using namespace pc::test;

namespace {

// The value of one series ("name" or "name{labels}") in a scrape; NaN when it is not there.
double valueOf(const QByteArray &scrape, const QByteArray &series)
{
    for (const QByteArray &line : scrape.split('\n')) {
        if (line.startsWith(series + ' '))
            return line.sliced(series.size() + 1).toDouble();
    }
    return qQNaN();
}

QByteArray json(const QJsonObject &o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

} // namespace

class tst_Metrics : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void cleanup() { QCOMPARE(TestClient::tokenLeak(), QString()); }
    void scrapeOfATestChat();
    void metricsListenKeepsThemApart();
    void everyWorkerHasItsOwnScrape();
};

void tst_Metrics::scrapeOfATestChat()
{
    TestHost host;
    QVERIFY(host.start());
    TestClient alice(host.url());
    QVERIFY(alice.open());
    const QString room = alice.createRoom(600, 3);
    const QString aliceToken
        = alice.join(room, QStringLiteral("Alice")).value(k("token")).toString();
    QVERIFY(alice.subscribe(room, aliceToken).value(k("ok")).toBool());
    const HttpAnswer joined = httpRequest(host.port(), "POST", "/api/room/join",
        json({ { k("roomId"), room }, { k("name"), QStringLiteral("Bob") } }));
    const QString bobToken = joined.json().value(k("token")).toString();
    for (const char *text : { "one", "two" }) {
        QVERIFY(alice
                    .request(QStringLiteral("messages.send"),
                        { { k("roomId"), room }, { k("token"), aliceToken },
                            { k("text"), QString::fromLatin1(text) } })
                    .value(k("ok"))
                    .toBool());
    }
    QCOMPARE(httpRequest(host.port(), "POST", "/api/messages",
                 json({ { k("roomId"), room }, { k("text"), QStringLiteral("three") } }),
                 bearer(bobToken))
                 .status,
        200);
    QVERIFY(alice.waitForEvents(QStringLiteral("chat.message"), 3));
    // One error each way.
    QCOMPARE(httpRequest(host.port(), "GET", "/api/room/ttl?roomId=" + room.toUtf8()).status, 401);
    QCOMPARE(errorCodeOf(alice.request(QStringLiteral("room.join"),
                 { { k("roomId"), QString(21, QLatin1Char('Z')) },
                     { k("name"), QStringLiteral("x") } })),
        QStringLiteral("room-not-found"));

    const HttpAnswer scrape = httpRequest(host.port(), "GET", "/metrics");
    QCOMPARE(scrape.status, 200);
    QVERIFY(scrape.header("Content-Type").startsWith("text/plain; version=0.0.4"));
    const QByteArray &m = scrape.body;

    // promtool, the Prometheus project's own checker, takes it as it is.
    const QString promtool = QStandardPaths::findExecutable(QStringLiteral("promtool"));
    QVERIFY2(!promtool.isEmpty(), "promtool is missing (Debian package prometheus)");
    QProcess check;
    check.start(promtool, { QStringLiteral("check"), QStringLiteral("metrics") });
    QVERIFY(check.waitForStarted());
    check.write(m);
    check.closeWriteChannel();
    QVERIFY(check.waitForFinished(10000));
    QVERIFY2(check.exitCode() == 0, check.readAllStandardError() + check.readAllStandardOutput());

    // The counters say what the chat did.
    QCOMPARE(valueOf(m, "privatechat_rooms_created_total"), 1.0);
    QCOMPARE(valueOf(m, "privatechat_rooms_live"), 1.0);
    QCOMPARE(valueOf(m, "privatechat_rooms_subscribed"), 1.0);
    QCOMPARE(valueOf(m, "privatechat_joins_total"), 2.0);
    QCOMPARE(valueOf(m, "privatechat_messages_received_total"), 3.0);
    QCOMPARE(valueOf(m, "privatechat_messages_delivered_total"), 3.0);
    QCOMPARE(valueOf(m, "privatechat_websocket_connections"), 1.0);
    QCOMPARE(valueOf(m, "privatechat_websockets_opened_total"), 1.0);
    QCOMPARE(
        valueOf(m, "privatechat_requests_total{transport=\"websocket\",op=\"room.create\"}"), 1.0);
    QCOMPARE(
        valueOf(m, "privatechat_requests_total{transport=\"websocket\",op=\"room.join\"}"), 2.0);
    QCOMPARE(
        valueOf(m, "privatechat_requests_total{transport=\"websocket\",op=\"subscribe\"}"), 1.0);
    QCOMPARE(valueOf(m, "privatechat_requests_total{transport=\"websocket\",op=\"messages.send\"}"),
        2.0);
    QCOMPARE(valueOf(m, "privatechat_requests_total{transport=\"http\",op=\"room.join\"}"), 1.0);
    QCOMPARE(
        valueOf(m, "privatechat_requests_total{transport=\"http\",op=\"messages.send\"}"), 1.0);
    QCOMPARE(valueOf(m, "privatechat_requests_total{transport=\"http\",op=\"room.ttl\"}"), 1.0);
    QCOMPARE(valueOf(m, "privatechat_errors_total{transport=\"http\",code=\"unauthorized\"}"), 1.0);
    QCOMPARE(
        valueOf(m, "privatechat_errors_total{transport=\"websocket\",code=\"room-not-found\"}"),
        1.0);
    QCOMPARE(valueOf(m, "privatechat_errors_total{transport=\"http\",code=\"bad-request\"}"), 0.0);
    QCOMPARE(valueOf(m, "privatechat_rate_limited_total{transport=\"websocket\"}"), 0.0);
    QCOMPARE(valueOf(m, "privatechat_slow_readers_dropped_total"), 0.0);
    QCOMPARE(valueOf(m, "privatechat_http_requests_total"), 4.0); // this scrape included
    QCOMPARE(valueOf(m, "privatechat_redis_up"), 1.0);
    QCOMPARE(valueOf(m, "privatechat_redis_pubsub_up"), 1.0);
    // Every script's round trip: create, 2 joins, subscribe's read, 3 sends, ttl's read, the
    // refused join; the health check's PINGs come on top.
    QVERIFY(valueOf(m, "privatechat_redis_roundtrip_seconds_count") >= 9);
    QCOMPARE(valueOf(m, "privatechat_redis_roundtrip_seconds_bucket{le=\"+Inf\"}"),
        valueOf(m, "privatechat_redis_roundtrip_seconds_count"));
    QVERIFY(valueOf(m, "process_resident_memory_bytes") > 1e6);
    QVERIFY(valueOf(m, "process_cpu_seconds_total") > 0);
    QVERIFY(valueOf(m, "process_open_fds") > 0);

    // No room ID, name, token or text anywhere in it.
    for (const QString &secret : { room, aliceToken, bobToken, QStringLiteral("Alice"),
             QStringLiteral("Bob"), QStringLiteral("three") })
        QVERIFY2(!m.contains(secret.toUtf8()), qPrintable(secret));
}

void tst_Metrics::metricsListenKeepsThemApart()
{
    pc::host::HostOptions options;
    options.metricsListen = pc::host::ListenAddress { QHostAddress::LocalHost, 0 };
    TestHost host(options);
    QVERIFY(host.start());
    const quint16 metrics = host.host().metricsPort();
    QVERIFY(metrics != 0 && metrics != host.port());

    QCOMPARE(httpRequest(host.port(), "GET", "/metrics").status, 404);
    QCOMPARE(httpRequest(host.port(), "GET", "/healthz").status, 200);
    QCOMPARE(httpRequest(host.port(), "POST", "/api/room/create").status, 200);
    const HttpAnswer scrape = httpRequest(metrics, "GET", "/metrics");
    QCOMPARE(scrape.status, 200);
    QCOMPARE(valueOf(scrape.body, "privatechat_rooms_created_total"), 1.0);
    QCOMPARE(httpRequest(metrics, "GET", "/healthz").status, 200);
    // Only those two there: no API, no WebSocket.
    QCOMPARE(httpRequest(metrics, "POST", "/api/room/create").status, 404);
    QTcpSocket ws;
    ws.connectToHost(QHostAddress::LocalHost, metrics);
    QVERIFY(ws.waitForConnected());
    ws.write(
        "GET /api/realtime HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
    QTRY_COMPARE_WITH_TIMEOUT(ws.state(), QAbstractSocket::UnconnectedState, 2000);
    QVERIFY(!ws.readAll().startsWith("HTTP/1.1 101"));
}

// --workers 2 --metrics-listen HOST:PORT: worker i on PORT + i - 1, each labelled.
void tst_Metrics::everyWorkerHasItsOwnScrape()
{
    // Two free ports side by side.
    quint16 base = 0;
    for (int attempt = 0; attempt < 20 && !base; ++attempt) {
        QTcpServer first, second;
        if (first.listen(QHostAddress::LocalHost, 0)
            && second.listen(QHostAddress::LocalHost, first.serverPort() + 1))
            base = first.serverPort();
    }
    QVERIFY(base != 0);
    ServerProcess server({ QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"),
        QStringLiteral("--workers"), QStringLiteral("2"), QStringLiteral("--metrics-listen"),
        QStringLiteral("127.0.0.1:%1").arg(base) });
    QVERIFY(server.start());
    for (int worker = 1; worker <= 2; ++worker) {
        HttpAnswer scrape;
        QTRY_COMPARE_WITH_TIMEOUT(
            (scrape = httpRequest(quint16(base + worker - 1), "GET", "/metrics")).status, 200,
            5000);
        QVERIFY2(scrape.body.contains("privatechat_websocket_connections{worker=\""
                     + QByteArray::number(worker) + "\"}"),
            scrape.body.left(300).constData());
    }
    QCOMPARE(httpRequest(quint16(server.url().port()), "GET", "/healthz").status, 200);
    QCOMPARE(httpRequest(quint16(server.url().port()), "GET", "/metrics").status, 404);
}

QTEST_GUILESS_MAIN(tst_Metrics)
#include "tst_metrics.moc"
