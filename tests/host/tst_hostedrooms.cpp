// Hosted rooms (an addition to v1) against a real host and Redis: the host key makes one
// member the host, who alone destroys the room, removes members and locks it. Every refusal
// has its exact words and leaves the room, its members and its history as they were.
#include "testclient.h"
#include "testhost.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace pc::test;

namespace {

QString messageOf(const QJsonObject &reply)
{
    return reply.value(k("error")).toObject().value(k("message")).toString();
}

} // namespace

class tst_HostedRooms : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();
    void hostKeyMakesTheHostOnce();
    void onlyTheHostDestroys();
    void hostRemovesAMember();
    void removeRefusals();
    void aRemovalWhoseEventWasLostStillEndsTheSubscription();
    void lockKeepsNewPeopleOut();
    void plainRoomsHaveNoHost();
    void badFields_data();
    void badFields();

private:
    struct Member
    {
        std::unique_ptr<TestClient> client;
        QString token;
        QString participantId;
        QJsonObject joined;
    };
    Member joinNew(const QString &name, const QString &hostKey = {});
    QStringList history(const Member &m) const;
    // The room is as it was: its members, its history, and a message still reaches everyone.
    void checkUnharmed(int members);

    std::unique_ptr<TestHost> m_host;
    QString m_room;
    QString m_hostKey;
    Member m_owner; // the room's host
    Member m_guest;
    int m_probe = 0;
};

void tst_HostedRooms::initTestCase()
{
    pc::host::HostOptions options;
    options.rateLimit.burst = 5000;
    options.rateLimit.perSecond = 5000;
    m_host = std::make_unique<TestHost>(options);
    QVERIFY(m_host->start());
}

// Each test gets a hosted room of 3 with its host and a guest in it, both subscribed.
void tst_HostedRooms::init()
{
    TestClient c(m_host->url());
    QVERIFY(c.open());
    const QJsonObject created = dataOf(c.request(
        QStringLiteral("room.create"), { { k("maxParticipants"), 3 }, { k("hosted"), true } }));
    m_room = created.value(k("roomId")).toString();
    m_hostKey = created.value(k("hostKey")).toString();
    QCOMPARE(m_hostKey.size(), 43);
    m_owner = joinNew(QStringLiteral("Olga"), m_hostKey);
    m_guest = joinNew(QStringLiteral("Gus"));
    QVERIFY(!m_owner.token.isEmpty() && !m_guest.token.isEmpty());
    QVERIFY(m_owner.client->waitForEvents(QStringLiteral("presence.join"), 1));
}

void tst_HostedRooms::cleanup()
{
    QCOMPARE(TestClient::tokenLeak(), QString());
    m_owner = {};
    m_guest = {};
}

tst_HostedRooms::Member tst_HostedRooms::joinNew(const QString &name, const QString &hostKey)
{
    Member m;
    m.client = std::make_unique<TestClient>(m_host->url());
    if (!m.client->open())
        return m;
    QJsonObject params { { k("roomId"), m_room }, { k("name"), name } };
    if (!hostKey.isEmpty())
        params.insert(k("hostKey"), hostKey);
    m.joined = dataOf(m.client->request(QStringLiteral("room.join"), params));
    m.token = m.joined.value(k("token")).toString();
    m.participantId = m.joined.value(k("participantId")).toString();
    if (!m.token.isEmpty())
        m.client->subscribe(m_room, m.token);
    return m;
}

QStringList tst_HostedRooms::history(const Member &m) const
{
    QStringList texts;
    const QJsonObject list
        = dataOf(m.client->request(QStringLiteral("messages.list"), memberParams(m_room, m.token)));
    for (const QJsonValue &v : list.value(k("messages")).toArray())
        texts << v.toObject().value(k("text")).toString();
    return texts;
}

void tst_HostedRooms::checkUnharmed(int members)
{
    const QJsonObject info = dataOf(
        m_owner.client->request(QStringLiteral("room.info"), memberParams(m_room, m_owner.token)));
    QCOMPARE(info.value(k("participants")).toArray().size(), members);
    const QStringList before = history(m_owner);
    const QString probe = QStringLiteral("probe %1").arg(++m_probe);
    const qsizetype seen = m_guest.client->events(QStringLiteral("chat.message")).size();
    QVERIFY(dataOf(m_owner.client->request(QStringLiteral("messages.send"),
                       with(memberParams(m_room, m_owner.token), "text", probe)))
                .contains(k("message")));
    QVERIFY(m_guest.client->waitForEvents(QStringLiteral("chat.message"), int(seen) + 1));
    QCOMPARE(history(m_owner), before + QStringList { probe });
}

void tst_HostedRooms::hostKeyMakesTheHostOnce()
{
    QCOMPARE(m_owner.joined.value(k("host")), QJsonValue(true));
    QCOMPARE(m_owner.joined.value(k("hosted")), QJsonValue(true));
    QVERIFY(!m_guest.joined.contains(k("host")));
    const QJsonArray people = m_guest.joined.value(k("participants")).toArray();
    QCOMPARE(people.size(), 2);
    QCOMPARE(people[0].toObject().value(k("host")), QJsonValue(true));
    QVERIFY(!people[1].toObject().contains(k("host")));
    QCOMPARE(m_owner.client->events(QStringLiteral("presence.join")).first()[k("data")].toObject(),
        (QJsonObject {
            { k("participantId"), m_guest.participantId }, { k("name"), QStringLiteral("Gus") } }));

    // Redis never held the key itself, and holds not even its hash once the host is in.
    for (const QString &key : m_host->keysContaining(m_room)) {
        QVERIFY(
            !m_host->redisCli({ QStringLiteral("HGETALL"), key }).contains(m_hostKey.toLatin1()));
    }
    const QString meta = QStringLiteral("meta:{%1}").arg(m_room);
    QCOMPARE(m_host->redisCli({ QStringLiteral("HEXISTS"), meta, QStringLiteral("hostKeyHash") })
                 .trimmed(),
        QByteArray("0"));

    // The key works once; a guess or a reuse joins no one.
    TestClient thief(m_host->url());
    QVERIFY(thief.open());
    for (const QString &key : { m_hostKey, QStringLiteral("guess") }) {
        const QJsonObject reply = thief.request(QStringLiteral("room.join"),
            { { k("roomId"), m_room }, { k("name"), QStringLiteral("Thief") },
                { k("hostKey"), key } });
        QCOMPARE(errorCodeOf(reply), QStringLiteral("forbidden"));
        QCOMPARE(messageOf(reply),
            QStringLiteral("This is not the room's host key, or its host has joined already."));
    }
    checkUnharmed(2);

    // A rejoin keeps the role; a key given with it is ignored.
    TestClient again(m_host->url());
    QVERIFY(again.open());
    const QJsonObject rejoined = dataOf(again.request(QStringLiteral("room.join"),
        { { k("roomId"), m_room }, { k("name"), QStringLiteral("Gus") },
            { k("token"), m_guest.token }, { k("hostKey"), m_hostKey } }));
    QCOMPARE(rejoined.value(k("participantId")).toString(), m_guest.participantId);
    QVERIFY(!rejoined.contains(k("host")));
}

void tst_HostedRooms::onlyTheHostDestroys()
{
    const QJsonObject refused = m_guest.client->request(
        QStringLiteral("room.destroy"), memberParams(m_room, m_guest.token));
    QCOMPARE(errorCodeOf(refused), QStringLiteral("forbidden"));
    QCOMPARE(messageOf(refused), QStringLiteral("Only the room's host may do this."));
    QCOMPARE(m_guest.client->events(QStringLiteral("chat.destroy")).size(), 0);
    checkUnharmed(2);

    // A guest may still leave.
    QCOMPARE(dataOf(m_guest.client->request(
                 QStringLiteral("room.leave"), memberParams(m_room, m_guest.token))),
        QJsonObject());

    QCOMPARE(dataOf(m_owner.client->request(
                 QStringLiteral("room.destroy"), memberParams(m_room, m_owner.token))),
        QJsonObject());
    QCOMPARE(m_owner.client->events(QStringLiteral("chat.destroy")).size(), 1);
    QCOMPARE(m_host->keysContaining(m_room), QStringList());
}

void tst_HostedRooms::hostRemovesAMember()
{
    Member third = joinNew(QStringLiteral("Tess"));
    QVERIFY(m_owner.client->waitForEvents(QStringLiteral("presence.join"), 2));
    m_owner.client->request(QStringLiteral("messages.send"),
        with(memberParams(m_room, m_owner.token), "text", QStringLiteral("before")));
    const QStringList before = history(m_owner);

    const QJsonObject reply = m_owner.client->request(QStringLiteral("member.remove"),
        with(memberParams(m_room, m_owner.token), "participantId", m_guest.participantId));
    QCOMPARE(dataOf(reply), QJsonObject());
    const QJsonObject removed { { k("participantId"), m_guest.participantId },
        { k("name"), QStringLiteral("Gus") }, { k("removed"), true } };
    // Everyone is told, the removed member too, whose subscription ends with it.
    for (TestClient *c : { m_owner.client.get(), m_guest.client.get(), third.client.get() }) {
        QVERIFY(c->waitForEvents(QStringLiteral("presence.leave"), 1));
        QCOMPARE(
            c->events(QStringLiteral("presence.leave")).first()[k("data")].toObject(), removed);
    }
    const QJsonObject gone = m_guest.client->request(
        QStringLiteral("messages.send"), with(memberParams(m_room, m_guest.token), "text", "x"));
    QCOMPARE(errorCodeOf(gone), QStringLiteral("unauthorized"));
    QCOMPARE(history(third), before); // nothing of the room's history went with it
    // Its subscription ended: what is said next reaches the others only.
    const qsizetype guestSaw = m_guest.client->events(QStringLiteral("chat.message")).size();
    const qsizetype thirdSaw = third.client->events(QStringLiteral("chat.message")).size();
    m_owner.client->request(QStringLiteral("messages.send"),
        with(memberParams(m_room, m_owner.token), "text", QStringLiteral("after")));
    QVERIFY(third.client->waitForEvents(QStringLiteral("chat.message"), int(thirdSaw) + 1));
    QTest::qWait(100);
    QCOMPARE(m_guest.client->events(QStringLiteral("chat.message")).size(), guestSaw);

    // The place is free again: someone new gets in, where the room was full.
    Member fourth = joinNew(QStringLiteral("Finn"));
    QVERIFY(!fourth.token.isEmpty());
}

void tst_HostedRooms::removeRefusals()
{
    struct Case
    {
        Member *by;
        QString participantId;
        QString code;
        QString message;
    };
    const QList<Case> cases {
        { &m_guest, m_owner.participantId, QStringLiteral("forbidden"),
            QStringLiteral("Only the room's host may do this.") },
        { &m_owner, m_owner.participantId, QStringLiteral("bad-request"),
            QStringLiteral("The host cannot remove itself: leave the room or destroy it.") },
        { &m_owner, QStringLiteral("nobody-here0"), QStringLiteral("member-not-found"),
            QStringLiteral("No current member of this room has that participantId.") },
    };
    for (const Case &c : cases) {
        const QJsonObject reply = c.by->client->request(QStringLiteral("member.remove"),
            with(memberParams(m_room, c.by->token), "participantId", c.participantId));
        QCOMPARE(errorCodeOf(reply), c.code);
        QCOMPARE(messageOf(reply), c.message);
        checkUnharmed(2);
    }
    QCOMPARE(m_guest.client->events(QStringLiteral("presence.leave")).size(), 0);
}

// Redis pub/sub delivers at most once: a presence.leave published while a host's pub/sub link
// is down never reaches that host. The member is gone from the store all the same (here taken
// out behind the host's back, as a removal whose event was lost), and when the link is back
// the host ends its subscriptions: it reads nothing more.
void tst_HostedRooms::aRemovalWhoseEventWasLostStillEndsTheSubscription()
{
    const QString members = QStringLiteral("members:{%1}").arg(m_room);
    const QByteArray hash
        = QCryptographicHash::hash(m_guest.token.toUtf8(), QCryptographicHash::Sha256).toHex();
    QCOMPARE(
        m_host->redisCli({ QStringLiteral("HDEL"), members, QString::fromLatin1(hash) }).trimmed(),
        QByteArray("1"));
    QVERIFY(m_host
                ->redisCli({ QStringLiteral("CLIENT"), QStringLiteral("KILL"),
                    QStringLiteral("TYPE"), QStringLiteral("pubsub") })
                .trimmed()
                .toInt()
        >= 1);
    QVERIFY(m_guest.client->waitForEvents(QStringLiteral("room.resync"), 1, 10000));
    QVERIFY(m_owner.client->waitForEvents(QStringLiteral("room.resync"), 1, 10000));
    QTest::qWait(200); // the host's look at who is still a member
    const qsizetype seen = m_guest.client->events(QStringLiteral("chat.message")).size();
    const qsizetype ownerSaw = m_owner.client->events(QStringLiteral("chat.message")).size();
    m_owner.client->request(QStringLiteral("messages.send"),
        with(memberParams(m_room, m_owner.token), "text", QStringLiteral("after the drop")));
    QVERIFY(m_owner.client->waitForEvents(QStringLiteral("chat.message"), int(ownerSaw) + 1));
    QTest::qWait(100);
    QCOMPARE(m_guest.client->events(QStringLiteral("chat.message")).size(), seen);
}

void tst_HostedRooms::lockKeepsNewPeopleOut()
{
    const QJsonObject refused = m_guest.client->request(
        QStringLiteral("room.lock"), with(memberParams(m_room, m_guest.token), "locked", true));
    QCOMPARE(errorCodeOf(refused), QStringLiteral("forbidden"));
    QCOMPARE(messageOf(refused), QStringLiteral("Only the room's host may do this."));
    QCOMPARE(m_guest.client->events(QStringLiteral("room.lock")).size(), 0);

    QCOMPARE(dataOf(m_owner.client->request(QStringLiteral("room.lock"),
                 with(memberParams(m_room, m_owner.token), "locked", true))),
        QJsonObject());
    QVERIFY(m_guest.client->waitForEvents(QStringLiteral("room.lock"), 1));
    QCOMPARE(m_guest.client->events(QStringLiteral("room.lock")).first()[k("data")].toObject(),
        (QJsonObject { { k("locked"), true } }));
    QCOMPARE(dataOf(m_guest.client->request(
                        QStringLiteral("room.info"), memberParams(m_room, m_guest.token)))
                 .value(k("locked")),
        QJsonValue(true));

    TestClient late(m_host->url());
    QVERIFY(late.open());
    const QJsonObject locked = late.request(QStringLiteral("room.join"),
        { { k("roomId"), m_room }, { k("name"), QStringLiteral("Late") } });
    QCOMPARE(errorCodeOf(locked), QStringLiteral("room-locked"));
    QCOMPARE(
        messageOf(locked), QStringLiteral("This room is locked: its host lets no one new in."));
    checkUnharmed(2);

    // A member coming back is no one new.
    const QJsonObject rejoined = dataOf(late.request(QStringLiteral("room.join"),
        { { k("roomId"), m_room }, { k("name"), QStringLiteral("Gus") },
            { k("token"), m_guest.token } }));
    QCOMPARE(rejoined.value(k("locked")), QJsonValue(true));

    // The same state again says nothing; opening it again lets people in.
    m_owner.client->request(
        QStringLiteral("room.lock"), with(memberParams(m_room, m_owner.token), "locked", true));
    m_owner.client->request(
        QStringLiteral("room.lock"), with(memberParams(m_room, m_owner.token), "locked", false));
    QVERIFY(m_guest.client->waitForEvents(QStringLiteral("room.lock"), 2));
    QCOMPARE(m_guest.client->events(QStringLiteral("room.lock")).last()[k("data")].toObject(),
        (QJsonObject { { k("locked"), false } }));
    QTest::qWait(100);
    QCOMPARE(m_guest.client->events(QStringLiteral("room.lock")).size(), 2);
    QVERIFY(dataOf(late.request(QStringLiteral("room.join"),
                       { { k("roomId"), m_room }, { k("name"), QStringLiteral("Late") } }))
                .contains(k("token")));
}

void tst_HostedRooms::plainRoomsHaveNoHost()
{
    TestClient c(m_host->url());
    QVERIFY(c.open());
    const QString room = c.createRoom(600, 2);
    const QJsonObject joined = c.join(room, QStringLiteral("Vera"));
    const QString token = joined.value(k("token")).toString();
    QVERIFY(!joined.contains(k("hosted")) && !joined.contains(k("host")));
    const QJsonObject key = c.request(QStringLiteral("room.join"),
        { { k("roomId"), room }, { k("name"), QStringLiteral("Max") },
            { k("hostKey"), m_hostKey } });
    QCOMPARE(errorCodeOf(key), QStringLiteral("forbidden"));
    for (const QJsonObject &reply :
        { c.request(QStringLiteral("room.lock"), with(memberParams(room, token), "locked", true)),
            c.request(QStringLiteral("member.remove"),
                with(memberParams(room, token), "participantId", joined[k("participantId")])) }) {
        QCOMPARE(errorCodeOf(reply), QStringLiteral("forbidden"));
        QCOMPARE(messageOf(reply), QStringLiteral("Only the room's host may do this."));
    }
    // Any member of a plain room may destroy it, as v1 says.
    QCOMPARE(dataOf(c.request(QStringLiteral("room.destroy"), memberParams(room, token))),
        QJsonObject());
}

void tst_HostedRooms::badFields_data()
{
    QTest::addColumn<QString>("op");
    QTest::addColumn<QJsonObject>("params"); // $ROOM, $TOKEN filled in
    QTest::addColumn<QString>("code");
    QTest::addColumn<QString>("message");
    const QString bad = QStringLiteral("bad-request");
    const QString large = QStringLiteral("too-large");
    const QJsonObject m { { k("roomId"), QStringLiteral("$ROOM") },
        { k("token"), QStringLiteral("$TOKEN") } };

    QTest::addRow("create hosted a string")
        << QStringLiteral("room.create") << QJsonObject { { k("hosted"), QStringLiteral("yes") } }
        << bad << QStringLiteral("The field \"hosted\" must be true or false.");
    const QJsonObject join { { k("roomId"), QStringLiteral("$ROOM") },
        { k("name"), QStringLiteral("Zed") } };
    QTest::addRow("hostKey a number")
        << QStringLiteral("room.join") << with(join, "hostKey", 5) << bad
        << QStringLiteral("The field \"hostKey\" must be a string.");
    QTest::addRow("hostKey empty")
        << QStringLiteral("room.join") << with(join, "hostKey", QString()) << large
        << QStringLiteral("The field \"hostKey\" is empty or only whitespace.");
    QTest::addRow("hostKey 65 characters")
        << QStringLiteral("room.join") << with(join, "hostKey", QString(65, QLatin1Char('k')))
        << large << QStringLiteral("The field \"hostKey\" is 65 characters long; the limit is 64.");
    QTest::addRow("remove without participantId") << QStringLiteral(
        "member.remove") << m << bad << QStringLiteral("The field \"participantId\" is missing.");
    QTest::addRow("remove participantId a number")
        << QStringLiteral("member.remove") << with(m, "participantId", 12) << bad
        << QStringLiteral("The field \"participantId\" must be a string.");
    QTest::addRow("remove participantId blank")
        << QStringLiteral("member.remove") << with(m, "participantId", QStringLiteral("  "))
        << large << QStringLiteral("The field \"participantId\" is empty or only whitespace.");
    QTest::addRow("remove participantId 13 characters")
        << QStringLiteral("member.remove")
        << with(m, "participantId", QString(13, QLatin1Char('p'))) << large
        << QStringLiteral("The field \"participantId\" is 13 characters long; the limit is 12.");
    QTest::addRow("remove without token")
        << QStringLiteral("member.remove")
        << QJsonObject { { k("roomId"), QStringLiteral("$ROOM") },
               { k("participantId"), QStringLiteral("abc") } }
        << QStringLiteral("unauthorized")
        << QStringLiteral("The token is missing or is not that of a current member of this room.");
    QTest::addRow("lock without locked") << QStringLiteral("room.lock") << m << bad
                                         << QStringLiteral("The field \"locked\" is missing.");
    QTest::addRow("lock locked a string")
        << QStringLiteral("room.lock") << with(m, "locked", QStringLiteral("true")) << bad
        << QStringLiteral("The field \"locked\" must be true or false.");
    QTest::addRow("lock unknown room")
        << QStringLiteral("room.lock")
        << with(with(m, "roomId", QStringLiteral("AAAAAAAAAAAAAAAAAAAAA")), "locked", true)
        << QStringLiteral("room-not-found")
        << QStringLiteral(
               "This room does not exist: it never did, it expired or it was destroyed.");
}

void tst_HostedRooms::badFields()
{
    QFETCH(QString, op);
    QFETCH(QJsonObject, params);
    QFETCH(QString, code);
    QFETCH(QString, message);
    QJsonObject filled;
    for (auto it = params.begin(); it != params.end(); ++it) {
        QJsonValue v = it.value();
        if (v == QJsonValue(QStringLiteral("$ROOM")))
            v = m_room;
        else if (v == QJsonValue(QStringLiteral("$TOKEN")))
            v = m_owner.token;
        filled.insert(it.key(), v);
    }
    const QJsonObject reply = m_owner.client->request(op, filled);
    QCOMPARE(errorCodeOf(reply), code);
    QCOMPARE(messageOf(reply), message);
    QVERIFY(m_owner.client->isOpen());
    checkUnharmed(2);
    QCOMPARE(m_guest.client->events(QStringLiteral("presence.leave")).size(), 0);
    QCOMPARE(m_guest.client->events(QStringLiteral("room.lock")).size(), 0);
}

QTEST_GUILESS_MAIN(tst_HostedRooms)
#include "tst_hostedrooms.moc"
