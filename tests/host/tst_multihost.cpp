// Two privatechat-server processes on one Redis serve one room: members on different hosts
// see the same messages in the same order, presence, destroy and expiry.
#include "testclient.h"
#include "testhost.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace pc::test;

namespace {

QList<int> seqs(const QList<QJsonObject> &events)
{
    QList<int> out;
    for (const QJsonObject &e : events)
        out.append(e.value(k("data")).toObject().value(k("seq")).toInt());
    return out;
}

QStringList texts(const QList<QJsonObject> &events)
{
    QStringList out;
    for (const QJsonObject &e : events)
        out.append(e.value(k("data")).toObject().value(k("text")).toString());
    return out;
}

} // namespace

class tst_MultiHost : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanup() { QCOMPARE(TestClient::tokenLeak(), QString()); }
    void messagesCrossHostsInOrder();
    void destroyAndExpiryCrossHosts();
    void leaveEndsSubscriptionsOnEveryHost();

private:
    pc::host::EmbeddedRedis m_redis;
    std::unique_ptr<ServerProcess> m_one, m_two;
};

void tst_MultiHost::initTestCase()
{
    QVERIFY(m_redis.start());
    const QStringList args { QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"),
        QStringLiteral("--redis"), m_redis.url().toString(), QStringLiteral("--rate-burst"),
        QStringLiteral("10000") };
    m_one = std::make_unique<ServerProcess>(args);
    m_two = std::make_unique<ServerProcess>(args);
    QVERIFY(m_one->start());
    QVERIFY(m_two->start());
    QVERIFY(m_one->url() != m_two->url());
}

void tst_MultiHost::messagesCrossHostsInOrder()
{
    TestClient alice(m_one->url()), bob(m_two->url());
    QVERIFY(alice.open() && bob.open());
    const QString room = alice.createRoom(600, 2);
    const QJsonObject a = alice.join(room, QStringLiteral("Alice"));
    QVERIFY(alice.subscribe(room, a.value(k("token")).toString()).value(k("ok")).toBool());
    const QJsonObject b = bob.join(room, QStringLiteral("Bob"));
    QVERIFY(bob.subscribe(room, b.value(k("token")).toString()).value(k("ok")).toBool());
    QVERIFY(alice.waitForEvents(QStringLiteral("presence.join"), 1));

    // Both send at once, pipelined: every member sees one order, the seq order.
    const int each = 200;
    for (int i = 0; i < each; ++i) {
        for (auto [client, token, who] :
            { std::tuple { &alice, a.value(k("token")).toString(), "a" },
                std::tuple { &bob, b.value(k("token")).toString(), "b" } }) {
            client->sendRaw(QJsonDocument(
                QJsonObject { { k("id"), i }, { k("op"), QStringLiteral("messages.send") },
                    { k("roomId"), room }, { k("token"), token },
                    { k("text"), QStringLiteral("%1%2").arg(QLatin1StringView(who)).arg(i) } })
                                .toJson(QJsonDocument::Compact));
        }
    }
    QVERIFY(alice.waitForEvents(QStringLiteral("chat.message"), 2 * each, 20000));
    QVERIFY(bob.waitForEvents(QStringLiteral("chat.message"), 2 * each, 20000));
    QList<int> expected;
    for (int i = 1; i <= 2 * each; ++i)
        expected.append(i);
    QCOMPARE(seqs(alice.events(QStringLiteral("chat.message"))), expected);
    QCOMPARE(texts(alice.events(QStringLiteral("chat.message"))),
        texts(bob.events(QStringLiteral("chat.message"))));
    const QJsonObject first
        = alice.events(QStringLiteral("chat.message")).first().value(k("data")).toObject();
    QVERIFY(first.value(k("sender")).toString() == QStringLiteral("Alice")
        || first.value(k("sender")).toString() == QStringLiteral("Bob"));
}

void tst_MultiHost::destroyAndExpiryCrossHosts()
{
    TestClient alice(m_one->url()), bob(m_two->url());
    QVERIFY(alice.open() && bob.open());
    const QString room = alice.createRoom(600, 2);
    const QString at = alice.join(room, QStringLiteral("Alice")).value(k("token")).toString();
    const QString bt = bob.join(room, QStringLiteral("Bob")).value(k("token")).toString();
    QVERIFY(alice.subscribe(room, at).value(k("ok")).toBool());
    QVERIFY(bob.subscribe(room, bt).value(k("ok")).toBool());
    QVERIFY(dataOf(alice.request(QStringLiteral("room.destroy"),
                       { { k("roomId"), room }, { k("token"), at } }))
                .isEmpty());
    QVERIFY(bob.waitForEvents(QStringLiteral("chat.destroy"), 1));
    QCOMPARE(bob.events(QStringLiteral("chat.destroy"))
                 .first()
                 .value(k("data"))
                 .toObject()
                 .value(k("reason"))
                 .toString(),
        QStringLiteral("destroyed"));

    const QString shortRoom = alice.createRoom(5, 2);
    const QString at2 = alice.join(shortRoom, QStringLiteral("Alice")).value(k("token")).toString();
    const QString bt2 = bob.join(shortRoom, QStringLiteral("Bob")).value(k("token")).toString();
    QVERIFY(alice.subscribe(shortRoom, at2).value(k("ok")).toBool());
    QVERIFY(bob.subscribe(shortRoom, bt2).value(k("ok")).toBool());
    QVERIFY(alice.waitForEvents(QStringLiteral("chat.destroy"), 2, 8000));
    QVERIFY(bob.waitForEvents(QStringLiteral("chat.destroy"), 2, 3000));
    QTest::qWait(500);
    QCOMPARE(alice.events(QStringLiteral("chat.destroy")).size(), 2);
    QCOMPARE(bob.events(QStringLiteral("chat.destroy")).size(), 2);
    QCOMPARE(bob.events(QStringLiteral("chat.destroy"))
                 .last()
                 .value(k("data"))
                 .toObject()
                 .value(k("reason"))
                 .toString(),
        QStringLiteral("expired"));
}

void tst_MultiHost::leaveEndsSubscriptionsOnEveryHost()
{
    // Alice on both hosts (a rejoin by token on the second), Bob on the second.
    TestClient alice(m_one->url()), aliceThere(m_two->url()), bob(m_two->url());
    QVERIFY(alice.open() && aliceThere.open() && bob.open());
    const QString room = alice.createRoom(600, 2);
    const QJsonObject a = alice.join(room, QStringLiteral("Alice"));
    const QString at = a.value(k("token")).toString();
    const QString bt = bob.join(room, QStringLiteral("Bob")).value(k("token")).toString();
    QVERIFY(aliceThere
                .request(QStringLiteral("room.join"),
                    { { k("roomId"), room }, { k("name"), QStringLiteral("Alice") },
                        { k("token"), at } })
                .value(k("ok"))
                .toBool());
    QVERIFY(alice.subscribe(room, at).value(k("ok")).toBool());
    QVERIFY(aliceThere.subscribe(room, at).value(k("ok")).toBool());
    QVERIFY(bob.subscribe(room, bt).value(k("ok")).toBool());

    QVERIFY(
        alice.request(QStringLiteral("room.leave"), { { k("roomId"), room }, { k("token"), at } })
            .value(k("ok"))
            .toBool());
    QVERIFY(aliceThere.waitForEvents(QStringLiteral("presence.leave"), 1));
    QCOMPARE(aliceThere.events(QStringLiteral("presence.leave"))
                 .first()
                 .value(k("data"))
                 .toObject()
                 .value(k("participantId")),
        a.value(k("participantId")));
    QVERIFY(bob.waitForEvents(QStringLiteral("presence.leave"), 1));
    QVERIFY(
        bob.request(QStringLiteral("messages.send"),
               { { k("roomId"), room }, { k("token"), bt }, { k("text"), QStringLiteral("hi") } })
            .value(k("ok"))
            .toBool());
    QVERIFY(bob.waitForEvents(QStringLiteral("chat.message"), 1));
    QTest::qWait(300); // nothing more may arrive
    QCOMPARE(aliceThere.events(QStringLiteral("chat.message")).size(), 0);
    QCOMPARE(
        aliceThere.events().last().value(k("event")).toString(), QStringLiteral("presence.leave"));
    QCOMPARE(alice.events(QStringLiteral("chat.message")).size(), 0);
    QCOMPARE(alice.events(QStringLiteral("presence.leave")).size(), 0);
}

QTEST_GUILESS_MAIN(tst_MultiHost)
#include "tst_multihost.moc"
