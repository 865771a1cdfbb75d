// Redis going away under a running host: the pub/sub link alone, and the whole server.
#include "testclient.h"
#include "testhost.h"

#include <QJsonArray>
#include <QTest>

using namespace pc::test;

namespace {

QJsonObject send(const QString &room, const QString &token, const QString &text)
{
    return { { k("roomId"), room }, { k("token"), token }, { k("text"), text } };
}

} // namespace

// Alice and Bob in a room, Bob subscribed.
struct TwoInARoom
{
    TestClient alice, bob;
    QString room, aliceToken, bobToken;

    explicit TwoInARoom(const QUrl &url) : alice(url), bob(url) { }
    bool setUp()
    {
        if (!alice.open() || !bob.open())
            return false;
        room = alice.createRoom();
        aliceToken = alice.join(room, QStringLiteral("Alice")).value(k("token")).toString();
        bobToken = bob.join(room, QStringLiteral("Bob")).value(k("token")).toString();
        return bob.subscribe(room, bobToken).value(k("ok")).toBool();
    }
};

class tst_Resilience : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void cleanup() { QCOMPARE(TestClient::tokenLeak(), QString()); }
    void pubsubLinkDropResyncsAndMessagesFlow();
    void redisRestartIsUnavailableThenRecovers();
};

void tst_Resilience::pubsubLinkDropResyncsAndMessagesFlow()
{
    TestHost host;
    QVERIFY(host.start());
    TwoInARoom two(host.url());
    QVERIFY(two.setUp());
    auto &[alice, bob, room, aliceToken, bobToken] = two;
    alice.request(
        QStringLiteral("messages.send"), send(room, aliceToken, QStringLiteral("before")));
    QVERIFY(bob.waitForEvents(QStringLiteral("chat.message"), 1));

    // Drop only the host's subscriber connection; the data stays.
    QVERIFY(host.redisCli({ QStringLiteral("CLIENT"), QStringLiteral("KILL"),
                              QStringLiteral("TYPE"), QStringLiteral("pubsub") })
                .trimmed()
                .toInt()
        >= 1);
    QVERIFY(bob.waitForEvents(QStringLiteral("room.resync"), 1, 10000));
    const QJsonObject resync = bob.events(QStringLiteral("room.resync")).first();
    QCOMPARE(resync.value(k("channel")).toString(), room);
    QVERIFY(!resync.value(k("data")).toObject().value(k("reason")).toString().isEmpty());

    alice.request(QStringLiteral("messages.send"), send(room, aliceToken, QStringLiteral("after")));
    QVERIFY(bob.waitForEvents(QStringLiteral("chat.message"), 2));
    QCOMPARE(bob.events(QStringLiteral("chat.message"))
                 .last()
                 .value(k("data"))
                 .toObject()
                 .value(k("seq"))
                 .toInt(),
        2);
}

void tst_Resilience::redisRestartIsUnavailableThenRecovers()
{
    TestHost host;
    QVERIFY(host.start());
    TwoInARoom two(host.url());
    QVERIFY(two.setUp());
    auto &[alice, bob, room, aliceToken, bobToken] = two;

    host.redis().kill();
    QTRY_VERIFY(!host.host().isRedisConnected());
    const QJsonObject down = alice.request(
        QStringLiteral("messages.send"), send(room, aliceToken, QStringLiteral("lost")));
    QCOMPARE(errorCodeOf(down), QStringLiteral("unavailable"));
    QCOMPARE(
        errorCodeOf(alice.request(QStringLiteral("room.create"))), QStringLiteral("unavailable"));
    QVERIFY(alice.isOpen() && bob.isOpen());

    QVERIFY(host.redis().restart());
    QTRY_VERIFY_WITH_TIMEOUT(host.host().isRedisConnected(), 10000);
    QVERIFY(bob.waitForEvents(QStringLiteral("room.resync"), 1, 10000));
    // An embedded Redis keeps nothing: the room is gone, which the client learns on resync.
    QCOMPARE(errorCodeOf(bob.request(QStringLiteral("messages.list"),
                 { { k("roomId"), room }, { k("token"), bobToken } })),
        QStringLiteral("room-not-found"));

    // New rooms work at once.
    const QString fresh = alice.createRoom();
    QVERIFY(!fresh.isEmpty());
    const QString a2 = alice.join(fresh, QStringLiteral("Alice")).value(k("token")).toString();
    const QString b2 = bob.join(fresh, QStringLiteral("Bob")).value(k("token")).toString();
    QVERIFY(bob.subscribe(fresh, b2).value(k("ok")).toBool());
    alice.request(QStringLiteral("messages.send"), send(fresh, a2, QStringLiteral("again")));
    QTRY_VERIFY(!bob.events(QStringLiteral("chat.message")).isEmpty());
    QCOMPARE(
        bob.events(QStringLiteral("chat.message")).last().value(k("channel")).toString(), fresh);
}

QTEST_GUILESS_MAIN(tst_Resilience)
#include "tst_resilience.moc"
