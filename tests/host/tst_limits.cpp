// The limits that keep one client from hurting the others: outgoing queue, rate, idle time.
#include "testclient.h"
#include "testhost.h"

#include <QElapsedTimer>
#include <QJsonDocument>
#include <QTcpSocket>
#include <QTest>
#include <QTimer>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace pc::test;

namespace {

QByteArray frame(const QJsonObject &o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

} // namespace

class tst_Limits : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void cleanup() { QCOMPARE(TestClient::tokenLeak(), QString()); }
    void slowReaderIsClosedOthersKeepReceiving();
    void rateLimitAnswersThenCloses();
    void defaultRateAllowsABurstOf200();
    void idleConnectionsCloseAndPingsKeepAlive();
    void idleSweepReachesEveryConnectionOfABusyHost();
};

void tst_Limits::slowReaderIsClosedOthersKeepReceiving()
{
    pc::host::HostOptions options;
    options.rateLimit.burst = 1e6;
    options.rateLimit.perSecond = 1e6;
    TestHost host(options);
    QVERIFY(host.start());
    TestClient alice(host.url()), bob(host.url());
    QVERIFY(alice.open() && bob.open());
    const QString room = alice.createRoom(600, 3);
    const QString aliceToken
        = alice.join(room, QStringLiteral("Alice")).value(k("token")).toString();
    const QString bobToken = bob.join(room, QStringLiteral("Bob")).value(k("token")).toString();
    QVERIFY(bob.subscribe(room, bobToken).value(k("ok")).toBool());

    // The slow reader: a raw socket with a tiny receive buffer that never reads after the
    // handshake and subscribe.
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    const int small = 4096;
    ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
    sockaddr_in addr {};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(host.host().port());
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    QCOMPARE(::connect(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr), 0);
    QTcpSocket slow;
    QVERIFY(slow.setSocketDescriptor(fd));
    slow.write("GET /api/realtime HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
               "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
               "Sec-WebSocket-Version: 13\r\n\r\n");
    QTRY_VERIFY(slow.bytesAvailable() > 0 && slow.peek(4096).contains("\r\n\r\n"));
    slow.readAll();
    const QString carolToken = [&] {
        TestClient carol(host.url());
        carol.open();
        return carol.join(room, QStringLiteral("Carol")).value(k("token")).toString();
    }();
    // A masked client frame (mask of zeros keeps the payload as is).
    const QByteArray sub = frame({ { k("id"), 1 }, { k("op"), QStringLiteral("subscribe") },
        { k("channel"), room }, { k("token"), carolToken } });
    QByteArray ws;
    ws.append(char(0x81));
    if (sub.size() < 126) {
        ws.append(char(0x80 | sub.size()));
    } else {
        ws.append(char(0x80 | 126));
        ws.append(char(sub.size() >> 8));
        ws.append(char(sub.size() & 0xff));
    }
    ws.append(QByteArray(4, '\0'));
    ws.append(sub);
    slow.write(ws);
    slow.flush();
    slow.setReadBufferSize(1); // from here on Qt stops taking data from the kernel
    QTRY_COMPARE(host.host().sessionCount(), 3);

    const QString text(1000, QLatin1Char('x'));
    int sent = 0;
    QElapsedTimer sinceOver;
    while (host.host().sessionCount() == 3 && sent < 40000) {
        for (int i = 0; i < 200; ++i) {
            alice.sendRaw(frame({ { k("id"), QStringLiteral("m%1").arg(sent) },
                { k("op"), QStringLiteral("messages.send") }, { k("roomId"), room },
                { k("token"), aliceToken }, { k("text"), text } }));
            ++sent;
        }
        QVERIFY(
            alice.waitReply(QStringLiteral("m%1").arg(sent - 1), 10000).value(k("ok")).toBool());
    }
    QVERIFY2(sent < 40000, "the slow reader was never closed");
    // Bob, who reads, got every message in order.
    QTRY_COMPARE_WITH_TIMEOUT(bob.events(QStringLiteral("chat.message")).size(), sent, 20000);
    const auto got = bob.events(QStringLiteral("chat.message"));
    for (int i = 0; i < got.size(); ++i)
        QCOMPARE(got[i].value(k("data")).toObject().value(k("seq")).toInt(), i + 1);
    QVERIFY(alice.isOpen() && bob.isOpen());
}

void tst_Limits::rateLimitAnswersThenCloses()
{
    pc::host::HostOptions options;
    options.rateLimit.burst = 20;
    options.rateLimit.perSecond = 2; // slow enough that the checks below all meet an empty bucket
    options.rateLimit.abuseLimit = 50;
    TestHost host(options);
    QVERIFY(host.start());
    TestClient alice(host.url());
    QVERIFY(alice.open());
    const QString room = alice.createRoom();
    const QString token = alice.join(room, QStringLiteral("Alice")).value(k("token")).toString();
    const QJsonObject ttl { { k("op"), QStringLiteral("room.ttl") }, { k("roomId"), room },
        { k("token"), token } };

    for (int i = 0; i < 30; ++i) {
        QJsonObject o = ttl;
        o.insert(k("id"), i);
        alice.sendRaw(frame(o));
    }
    int ok = 0, limited = 0;
    qint64 retryAfter = 0;
    for (int i = 0; i < 30; ++i) {
        const QJsonObject reply = alice.waitReply(i);
        if (reply.value(k("ok")).toBool()) {
            ++ok;
        } else {
            QCOMPARE(errorCodeOf(reply), QStringLiteral("rate-limited"));
            ++limited;
            retryAfter
                = qint64(reply.value(k("error")).toObject().value(k("retryAfterMs")).toDouble());
            QVERIFY(retryAfter > 0 && retryAfter <= 1000);
        }
    }
    QVERIFY2(ok >= 18 && ok <= 20, qPrintable(QString::number(ok)));
    QCOMPARE(ok + limited, 30);
    // The contract's order holds while limited: malformed input, a missing room, a wrong
    // token and a full room are reported as such (and nothing is done).
    QCOMPARE(errorCodeOf(alice.requestRaw("[]")), QStringLiteral("bad-request"));
    QCOMPARE(
        errorCodeOf(alice.request(QStringLiteral("room.info"),
            { { k("roomId"), QStringLiteral("AAAAAAAAAAAAAAAAAAAAA") }, { k("token"), token } })),
        QStringLiteral("room-not-found"));
    QCOMPARE(errorCodeOf(alice.request(QStringLiteral("room.info"),
                 { { k("roomId"), room }, { k("token"), QStringLiteral("x") } })),
        QStringLiteral("unauthorized"));
    QCOMPARE(errorCodeOf(alice.request(QStringLiteral("room.join"),
                 { { k("roomId"), room }, { k("name"), QStringLiteral("Zed") } })),
        QStringLiteral("rate-limited"));
    // Nothing was done for a refused request, and waiting is enough.
    QTest::qWait(int(retryAfter) + 250);
    QJsonObject again = ttl;
    again.insert(k("id"), QStringLiteral("again"));
    QVERIFY(alice.requestRaw(frame(again)).value(k("ok")).toBool());

    // Ignoring the limit gets the connection closed with 1008.
    for (int i = 0; i < 100; ++i) {
        QJsonObject o = ttl;
        o.insert(k("id"), 1000 + i);
        alice.sendRaw(frame(o));
    }
    QVERIFY(alice.waitClosed());
    QCOMPARE(alice.closeCode(), 1008);
}

void tst_Limits::defaultRateAllowsABurstOf200()
{
    TestHost host;
    QVERIFY(host.start());
    TestClient alice(host.url());
    QVERIFY(alice.open());
    for (int i = 0; i < 200; ++i)
        alice.sendRaw(frame(
            { { k("id"), i }, { k("op"), QStringLiteral("room.create") }, { k("ttl"), 60 } }));
    for (int i = 0; i < 200; ++i)
        QVERIFY2(alice.waitReply(i).value(k("ok")).toBool(), qPrintable(QString::number(i)));
}

void tst_Limits::idleConnectionsCloseAndPingsKeepAlive()
{
    pc::host::HostOptions options;
    options.idleTimeoutMs = 1000;
    TestHost host(options);
    QVERIFY(host.start());
    QElapsedTimer clock;
    clock.start();
    TestClient idle(host.url()), pinging(host.url());
    QVERIFY(idle.open() && pinging.open());
    QTimer pinger;
    connect(&pinger, &QTimer::timeout, &pinging, [&] { pinging.socket().ping(); });
    pinger.start(300);
    QVERIFY(idle.waitClosed(3000));
    QCOMPARE(idle.closeCode(), 1001);
    QVERIFY(clock.elapsed() >= 900);
    QTest::qWait(1500);
    QVERIFY(pinging.isOpen());
    pinger.stop();
    QVERIFY(pinging.waitClosed(3000));
}

// A host with many connections sweeps them a slice at a time (RoomHost::sweepSlice): every one
// is still visited once per cycle, so each idle one is closed on time, none early or never.
void tst_Limits::idleSweepReachesEveryConnectionOfABusyHost()
{
    pc::host::HostOptions options;
    options.idleTimeoutMs = 1000;
    options.maxConnectionsPerAddress = 0;
    TestHost host(options);
    QVERIFY(host.start());
    const int count = 700; // four slices of a cycle
    std::vector<std::unique_ptr<TestClient>> clients;
    QElapsedTimer clock;
    clock.start();
    for (int i = 0; i < count; ++i) {
        clients.push_back(std::make_unique<TestClient>(host.url()));
        clients.back()->socket().open(host.url());
    }
    QVERIFY(QTest::qWaitFor(
        [&] {
            return std::all_of(clients.cbegin(), clients.cend(),
                [](const auto &c) { return !c->hello().isEmpty(); });
        },
        5000));
    const qint64 allOpen = clock.elapsed();
    QVERIFY2(allOpen < 900, qPrintable(QString::number(allOpen)));
    QVERIFY(QTest::qWaitFor(
        [&] {
            return std::none_of(
                clients.cbegin(), clients.cend(), [](const auto &c) { return c->isOpen(); });
        },
        3000));
    // After the timeout, and no later than a cycle (a quarter of it, plus slack) past it.
    const qint64 allClosed = clock.elapsed();
    QVERIFY2(allClosed >= 1000 && allClosed <= allOpen + 1000 + 250 + 500,
        qPrintable(QStringLiteral("open by %1 ms, closed by %2 ms").arg(allOpen).arg(allClosed)));
    for (const auto &c : clients)
        QCOMPARE(c->closeCode(), 1001);
}

QTEST_GUILESS_MAIN(tst_Limits)
#include "tst_limits.moc"
