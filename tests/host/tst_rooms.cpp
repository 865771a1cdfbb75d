// The room rules against a real host and Redis: every op's success path, the atomic cap,
// sender stamping, safe retries, presence, subscriptions, destroy and expiry.
#include "testclient.h"
#include "testhost.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QRegularExpression>
#include <QSet>
#include <QTest>

using namespace pc::test;

class tst_Rooms : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanup();
    void createDefaultsAndChoices();
    void joinReplyAndPresence();
    void rejoinKeepsIdentityEvenWhenFull();
    void concurrentJoinsRespectTheCap();
    void leaveFreesTheSlot();
    void leaveEndsEverySubscriptionOfTheMember();
    void leaveRacingASubscribeEndsItToo();
    void ttlAndInfo();
    void senderIsStampedFromTheToken();
    void clientMsgIdMakesRetriesSafe();
    void clientMsgIdRecordIsBoundedByTheHistory();
    void listPagesAndTrimmedHistory();
    void listWhileSendsTrimTheHistory();
    void subscribeFilterAndResubscribe();
    void unsubscribeStopsEvents();
    void destroyTellsEveryoneAndDeletesEverything();
    void expiryTellsEveryoneOnTime();
    void tokensAreStoredOnlyHashed();

private:
    struct Member
    {
        std::unique_ptr<TestClient> client;
        QString token;
        QString participantId;
    };
    Member joinNew(const QString &roomId, const QString &name, bool subscribe = true);
    // Sends texts m<first>…m<last> pipelined, request ids s<first>…: the replies are not awaited.
    static void sendMany(Member &member, const QString &roomId, int first, int last);

    std::unique_ptr<TestHost> m_host;
};

void tst_Rooms::initTestCase()
{
    pc::host::HostOptions options;
    options.rateLimit.burst = 5000; // some tests send many requests on one connection
    options.rateLimit.perSecond = 5000;
    m_host = std::make_unique<TestHost>(options);
    QVERIFY(m_host->start());
}

void tst_Rooms::cleanup()
{
    QCOMPARE(TestClient::tokenLeak(), QString());
}

tst_Rooms::Member tst_Rooms::joinNew(const QString &roomId, const QString &name, bool subscribe)
{
    Member m;
    m.client = std::make_unique<TestClient>(m_host->url());
    if (!m.client->open())
        return m;
    const QJsonObject joined = m.client->join(roomId, name);
    m.token = joined.value(k("token")).toString();
    m.participantId = joined.value(k("participantId")).toString();
    if (subscribe && !m.token.isEmpty())
        m.client->subscribe(roomId, m.token);
    return m;
}

void tst_Rooms::sendMany(Member &member, const QString &roomId, int first, int last)
{
    for (int i = first; i <= last; ++i) {
        member.client->sendRaw(QJsonDocument(
            with(with(with(memberParams(roomId, member.token), "id", QStringLiteral("s%1").arg(i)),
                     "op", QStringLiteral("messages.send")),
                "text", QStringLiteral("m%1").arg(i)))
                                   .toJson(QJsonDocument::Compact));
    }
}

void tst_Rooms::createDefaultsAndChoices()
{
    TestClient c(m_host->url());
    QVERIFY(c.open());
    const QJsonObject hello = c.hello().first();
    QCOMPARE(hello.value(k("protocol")).toInt(), 1);
    QVERIFY(hello.value(k("server")).toString().startsWith(QStringLiteral("privatechat/")));

    const qint64 before = QDateTime::currentMSecsSinceEpoch();
    const QJsonObject def = dataOf(c.request(QStringLiteral("room.create")));
    QCOMPARE(def.value(k("ttl")).toInt(), 600);
    QCOMPARE(def.value(k("maxParticipants")).toInt(), 2);
    const qint64 expiresAt = qint64(def.value(k("expiresAt")).toDouble());
    QVERIFY(
        expiresAt >= before + 600000 && expiresAt <= QDateTime::currentMSecsSinceEpoch() + 600000);
    QVERIFY(QRegularExpression(QStringLiteral("^[A-Za-z0-9_-]{21}$"))
                .match(def.value(k("roomId")).toString())
                .hasMatch());

    const QJsonObject chosen = dataOf(c.request(
        QStringLiteral("room.create"), { { k("ttl"), 5 }, { k("maxParticipants"), 100 } }));
    QCOMPARE(chosen.value(k("ttl")).toInt(), 5);
    QCOMPARE(chosen.value(k("maxParticipants")).toInt(), 100);
    QVERIFY(chosen.value(k("roomId")) != def.value(k("roomId")));
}

void tst_Rooms::joinReplyAndPresence()
{
    TestClient host(m_host->url());
    QVERIFY(host.open());
    const QString room = host.createRoom(600, 3);
    Member alice = joinNew(room, QStringLiteral("Alice"));
    QVERIFY(!alice.token.isEmpty());
    QVERIFY(alice.token.size() >= 22); // >= 128 bits of base64url

    TestClient bobClient(m_host->url());
    QVERIFY(bobClient.open());
    const QJsonObject joined = bobClient.join(room, QStringLiteral("Bob"));
    QCOMPARE(joined.value(k("name")).toString(), QStringLiteral("Bob"));
    QCOMPARE(joined.value(k("maxParticipants")).toInt(), 3);
    QCOMPARE(joined.value(k("lastSeq")).toInt(-1), 0);
    QVERIFY(joined.value(k("ttl")).toInt() > 590);
    const QJsonArray participants = joined.value(k("participants")).toArray();
    QCOMPARE(participants.size(), 2);
    QCOMPARE(participants[0].toObject().value(k("name")).toString(), QStringLiteral("Alice"));
    QCOMPARE(participants[1].toObject().value(k("name")).toString(), QStringLiteral("Bob"));
    QCOMPARE(
        participants[1].toObject().value(k("participantId")), joined.value(k("participantId")));
    QVERIFY(!participants[0].toObject().contains(k("token")));

    QVERIFY(alice.client->waitForEvents(QStringLiteral("presence.join"), 1));
    const QJsonObject event = alice.client->events(QStringLiteral("presence.join")).first();
    QCOMPARE(event.value(k("channel")).toString(), room);
    QCOMPARE(event.value(k("data")).toObject(),
        (QJsonObject { { k("participantId"), joined.value(k("participantId")) },
            { k("name"), QStringLiteral("Bob") } }));
}

void tst_Rooms::rejoinKeepsIdentityEvenWhenFull()
{
    TestClient c(m_host->url());
    QVERIFY(c.open());
    const QString room = c.createRoom(600, 2);
    Member alice = joinNew(room, QStringLiteral("Alice"));
    Member bob = joinNew(room, QStringLiteral("Bob"), false);
    QVERIFY(alice.client->waitForEvents(QStringLiteral("presence.join"), 1));

    Member carol = joinNew(room, QStringLiteral("Carol"), false);
    QVERIFY(carol.token.isEmpty());

    // Bob again, on a new connection, with his token: same identity, no event, room full.
    TestClient again(m_host->url());
    QVERIFY(again.open());
    const QJsonObject rejoin = dataOf(again.request(QStringLiteral("room.join"),
        { { k("roomId"), room }, { k("name"), QStringLiteral("Robert") },
            { k("token"), bob.token } }));
    QCOMPARE(rejoin.value(k("token")).toString(), bob.token);
    QCOMPARE(rejoin.value(k("participantId")).toString(), bob.participantId);
    QCOMPARE(rejoin.value(k("name")).toString(), QStringLiteral("Bob"));
    QCOMPARE(rejoin.value(k("participants")).toArray().size(), 2);
    // Bob's first connection still works.
    QVERIFY(bob.client->request(QStringLiteral("room.ttl"), memberParams(room, bob.token))
                .value(k("ok"))
                .toBool());
    // A marker message proves no presence.join for the rejoin arrived before it.
    alice.client->request(QStringLiteral("messages.send"),
        with(memberParams(room, alice.token), "text", QStringLiteral("marker")));
    QVERIFY(alice.client->waitForEvents(QStringLiteral("chat.message"), 1));
    QCOMPARE(alice.client->events(QStringLiteral("presence.join")).size(), 1);
}

void tst_Rooms::concurrentJoinsRespectTheCap()
{
    TestClient c(m_host->url());
    QVERIFY(c.open());
    const QString room = c.createRoom(600, 2);
    std::vector<std::unique_ptr<TestClient>> clients;
    for (int i = 0; i < 50; ++i) {
        clients.push_back(std::make_unique<TestClient>(m_host->url()));
        QVERIFY(clients.back()->open());
    }
    // Every join is on the wire before any reply is read.
    for (int i = 0; i < 50; ++i) {
        clients[i]->sendRaw(
            QJsonDocument(QJsonObject { { k("id"), i }, { k("op"), QStringLiteral("room.join") },
                              { k("roomId"), room }, { k("name"), QStringLiteral("J%1").arg(i) } })
                .toJson(QJsonDocument::Compact));
    }
    int joined = 0, full = 0;
    for (int i = 0; i < 50; ++i) {
        const QJsonObject reply = clients[i]->waitReply(i);
        if (reply.value(k("ok")).toBool())
            ++joined;
        else if (errorCodeOf(reply) == QStringLiteral("room-full"))
            ++full;
    }
    QCOMPARE(joined, 2);
    QCOMPARE(full, 48);
}

void tst_Rooms::leaveFreesTheSlot()
{
    TestClient c(m_host->url());
    QVERIFY(c.open());
    const QString room = c.createRoom(600, 2);
    Member alice = joinNew(room, QStringLiteral("Alice"));
    Member bob = joinNew(room, QStringLiteral("Bob"));
    QVERIFY(joinNew(room, QStringLiteral("Carol")).token.isEmpty());

    const QJsonObject left
        = bob.client->request(QStringLiteral("room.leave"), memberParams(room, bob.token));
    QCOMPARE(left.value(k("ok")).toBool(), true);
    QCOMPARE(dataOf(left), QJsonObject());
    QVERIFY(alice.client->waitForEvents(QStringLiteral("presence.leave"), 1));
    QCOMPARE(
        alice.client->events(QStringLiteral("presence.leave")).first().value(k("data")).toObject(),
        (QJsonObject {
            { k("participantId"), bob.participantId }, { k("name"), QStringLiteral("Bob") } }));
    // The token stops working; the slot is free.
    QCOMPARE(
        errorCodeOf(bob.client->request(QStringLiteral("room.ttl"), memberParams(room, bob.token))),
        QStringLiteral("unauthorized"));
    QVERIFY(!joinNew(room, QStringLiteral("Carol")).token.isEmpty());
}

void tst_Rooms::leaveEndsEverySubscriptionOfTheMember()
{
    TestClient c(m_host->url());
    QVERIFY(c.open());
    const QString room = c.createRoom(600, 3);
    Member alice = joinNew(room, QStringLiteral("Alice"));
    Member bob = joinNew(room, QStringLiteral("Bob"));
    // Alice on two more connections (rejoins by token): one with every event, one with
    // messages only.
    TestClient second(m_host->url()), third(m_host->url());
    QVERIFY(second.open() && third.open());
    for (TestClient *client : { &second, &third }) {
        const QJsonObject rejoin = dataOf(client->request(QStringLiteral("room.join"),
            with(with(memberParams(room, alice.token), "name", QStringLiteral("Alice")), "token",
                alice.token)));
        QCOMPARE(rejoin.value(k("participantId")).toString(), alice.participantId);
    }
    QVERIFY(second.subscribe(room, alice.token).value(k("ok")).toBool());
    QJsonObject messagesOnly = memberParams(room, alice.token);
    messagesOnly.remove(k("roomId"));
    messagesOnly.insert(k("channel"), room);
    messagesOnly.insert(k("events"), QJsonArray { QStringLiteral("chat.message") });
    QVERIFY(third.request(QStringLiteral("subscribe"), messagesOnly).value(k("ok")).toBool());
    bob.client->request(QStringLiteral("messages.send"),
        with(memberParams(room, bob.token), "text", QStringLiteral("before")));
    for (TestClient *client : { alice.client.get(), &second, &third })
        QVERIFY(client->waitForEvents(QStringLiteral("chat.message"), 1));

    QVERIFY(alice.client->request(QStringLiteral("room.leave"), memberParams(room, alice.token))
                .value(k("ok"))
                .toBool());
    const QJsonObject left { { k("participantId"), alice.participantId },
        { k("name"), QStringLiteral("Alice") } };
    QVERIFY(bob.client->waitForEvents(QStringLiteral("presence.leave"), 1));
    for (TestClient *client : { &second, &third }) {
        QVERIFY(client->waitForEvents(QStringLiteral("presence.leave"), 1));
        QCOMPARE(
            client->events(QStringLiteral("presence.leave")).first().value(k("data")).toObject(),
            left);
    }
    bob.client->request(QStringLiteral("messages.send"),
        with(memberParams(room, bob.token), "text", QStringLiteral("after")));
    QVERIFY(bob.client->waitForEvents(QStringLiteral("chat.message"), 2));
    QTest::qWait(200); // nothing more may arrive
    // presence.leave was the last event of Alice's other subscriptions; the leaver's own
    // subscription ended without it.
    for (TestClient *client : { &second, &third }) {
        QCOMPARE(client->events(QStringLiteral("chat.message")).size(), 1);
        QCOMPARE(
            client->events().last().value(k("event")).toString(), QStringLiteral("presence.leave"));
    }
    QCOMPARE(alice.client->events(QStringLiteral("chat.message")).size(), 1);
    QCOMPARE(alice.client->events(QStringLiteral("presence.leave")).size(), 0);
    QCOMPARE(errorCodeOf(second.subscribe(room, alice.token)), QStringLiteral("unauthorized"));

    // Bob's own rejoin on another connection is unaffected by Alice's leave.
    TestClient bobAgain(m_host->url());
    QVERIFY(bobAgain.open());
    QVERIFY(bobAgain
                .request(QStringLiteral("room.join"),
                    with(with(memberParams(room, bob.token), "name", QStringLiteral("Bob")),
                        "token", bob.token))
                .value(k("ok"))
                .toBool());
    QVERIFY(bobAgain.subscribe(room, bob.token).value(k("ok")).toBool());
    bob.client->request(QStringLiteral("messages.send"),
        with(memberParams(room, bob.token), "text", QStringLiteral("still here")));
    QVERIFY(bobAgain.waitForEvents(QStringLiteral("chat.message"), 1));
    QVERIFY(bob.client->waitForEvents(QStringLiteral("chat.message"), 3));
}

void tst_Rooms::leaveRacingASubscribeEndsItToo()
{
    // A subscribe on one connection and room.leave on another, on the wire at once: the
    // subscribe either fails or its subscription ends with presence.leave.
    struct Race
    {
        QString room;
        Member alice, bob;
        std::unique_ptr<TestClient> other;
        QJsonObject subscribed;
    };
    std::vector<Race> races(20);
    for (Race &race : races) {
        TestClient c(m_host->url());
        QVERIFY(c.open());
        race.room = c.createRoom(600, 2);
        race.alice = joinNew(race.room, QStringLiteral("Alice"));
        race.bob = joinNew(race.room, QStringLiteral("Bob"), false);
        race.other = std::make_unique<TestClient>(m_host->url());
        QVERIFY(race.other->open());
        QVERIFY(race.other
                    ->request(QStringLiteral("room.join"),
                        with(with(memberParams(race.room, race.alice.token), "name",
                                 QStringLiteral("Alice")),
                            "token", race.alice.token))
                    .value(k("ok"))
                    .toBool());
    }
    for (size_t i = 0; i < races.size(); ++i) {
        Race &race = races[i];
        QJsonObject subscribe = memberParams(race.room, race.alice.token);
        subscribe.remove(k("roomId"));
        subscribe.insert(k("channel"), race.room);
        race.other->sendRaw(QJsonDocument(
            with(with(subscribe, "id", QStringLiteral("sub")), "op", QStringLiteral("subscribe")))
                                .toJson(QJsonDocument::Compact));
        if (i % 2) // the subscribe first on the wire: mostly it succeeds and must then end
            race.other->socket().flush();
        race.alice.client->sendRaw(QJsonDocument(
            with(with(memberParams(race.room, race.alice.token), "id", QStringLiteral("leave")),
                "op", QStringLiteral("room.leave")))
                                       .toJson(QJsonDocument::Compact));
    }
    for (Race &race : races) {
        QVERIFY(race.alice.client->waitReply(QStringLiteral("leave")).value(k("ok")).toBool());
        race.subscribed = race.other->waitReply(QStringLiteral("sub"));
        QVERIFY(!race.subscribed.isEmpty());
        race.bob.client->request(QStringLiteral("messages.send"),
            with(memberParams(race.room, race.bob.token), "text", QStringLiteral("after")));
    }
    QTest::qWait(200); // let anything that should not come arrive
    for (Race &race : races) {
        const QList<QJsonObject> events = race.other->events();
        if (race.subscribed.value(k("ok")).toBool()) {
            QVERIFY(!events.isEmpty());
            QCOMPARE(events.last().value(k("event")).toString(), QStringLiteral("presence.leave"));
            QCOMPARE(events.last().value(k("data")).toObject().value(k("participantId")),
                race.alice.participantId);
        } else {
            QCOMPARE(errorCodeOf(race.subscribed), QStringLiteral("unauthorized"));
            QCOMPARE(events.size(), 0);
        }
        QCOMPARE(race.other->events(QStringLiteral("chat.message")).size(), 0);
        QCOMPARE(race.alice.client->events(QStringLiteral("presence.leave")).size(), 0);
        QCOMPARE(race.alice.client->events(QStringLiteral("chat.message")).size(), 0);
    }
}

void tst_Rooms::ttlAndInfo()
{
    TestClient c(m_host->url());
    QVERIFY(c.open());
    const QString room = c.createRoom(100, 4);
    Member alice = joinNew(room, QStringLiteral("Alice"));
    const QJsonObject ttl = dataOf(
        alice.client->request(QStringLiteral("room.ttl"), memberParams(room, alice.token)));
    QVERIFY(ttl.value(k("ttl")).toInt() == 100 || ttl.value(k("ttl")).toInt() == 99);
    alice.client->request(QStringLiteral("messages.send"),
        with(memberParams(room, alice.token), "text", QStringLiteral("one")));
    const QJsonObject info = dataOf(
        alice.client->request(QStringLiteral("room.info"), memberParams(room, alice.token)));
    QCOMPARE(info.value(k("maxParticipants")).toInt(), 4);
    QCOMPARE(info.value(k("lastSeq")).toInt(), 1);
    QCOMPARE(info.value(k("participants")).toArray().size(), 1);
    QVERIFY(info.value(k("expiresAt")).toDouble() > QDateTime::currentMSecsSinceEpoch());
}

void tst_Rooms::senderIsStampedFromTheToken()
{
    TestClient c(m_host->url());
    QVERIFY(c.open());
    const QString room = c.createRoom(600, 2);
    Member alice = joinNew(room, QStringLiteral("Alice"));
    Member bob = joinNew(room, QStringLiteral("Bob"));
    QJsonObject spoof = with(memberParams(room, bob.token), "text", QStringLiteral("I am Alice"));
    spoof.insert(k("sender"), QStringLiteral("Alice"));
    spoof.insert(k("participantId"), alice.participantId);
    const QJsonObject sent = dataOf(bob.client->request(QStringLiteral("messages.send"), spoof))
                                 .value(k("message"))
                                 .toObject();
    QCOMPARE(sent.value(k("sender")).toString(), QStringLiteral("Bob"));
    QCOMPARE(sent.value(k("participantId")).toString(), bob.participantId);
    QCOMPARE(sent.value(k("seq")).toInt(), 1);
    QCOMPARE(sent.value(k("roomId")).toString(), room);
    QVERIFY(!sent.value(k("id")).toString().isEmpty());
    QVERIFY(alice.client->waitForEvents(QStringLiteral("chat.message"), 1));
    QCOMPARE(
        alice.client->events(QStringLiteral("chat.message")).first().value(k("data")).toObject(),
        sent);
}

void tst_Rooms::clientMsgIdMakesRetriesSafe()
{
    TestClient c(m_host->url());
    QVERIFY(c.open());
    const QString room = c.createRoom(600, 2);
    Member alice = joinNew(room, QStringLiteral("Alice"));
    Member bob = joinNew(room, QStringLiteral("Bob"));
    QJsonObject first = with(memberParams(room, alice.token), "text", QStringLiteral("once"));
    first.insert(k("clientMsgId"), QStringLiteral("m-1"));
    const QJsonObject a = dataOf(alice.client->request(QStringLiteral("messages.send"), first));
    QJsonObject retry = first;
    retry.insert(k("text"), QStringLiteral("changed on retry"));
    const QJsonObject b = dataOf(alice.client->request(QStringLiteral("messages.send"), retry));
    QCOMPARE(b, a);
    // The same clientMsgId from another member is another message.
    QJsonObject bobs = with(memberParams(room, bob.token), "text", QStringLiteral("mine"));
    bobs.insert(k("clientMsgId"), QStringLiteral("m-1"));
    const QJsonObject cmsg = dataOf(bob.client->request(QStringLiteral("messages.send"), bobs));
    QCOMPARE(cmsg.value(k("message")).toObject().value(k("seq")).toInt(), 2);
    QVERIFY(bob.client->waitForEvents(QStringLiteral("chat.message"), 2));
    QTest::qWait(100); // nothing more may arrive
    QCOMPARE(bob.client->events(QStringLiteral("chat.message")).size(), 2);
    const QJsonObject list = dataOf(
        alice.client->request(QStringLiteral("messages.list"), memberParams(room, alice.token)));
    QCOMPARE(list.value(k("messages")).toArray().size(), 2);
}

void tst_Rooms::clientMsgIdRecordIsBoundedByTheHistory()
{
    TestClient c(m_host->url());
    QVERIFY(c.open());
    const QString room = c.createRoom(600, 2);
    Member alice = joinNew(room, QStringLiteral("Alice"), false);
    const auto send = [&](const QString &id, const QString &clientMsgId) {
        QJsonObject frame = with(
            with(memberParams(room, alice.token), "id", id), "op", QStringLiteral("messages.send"));
        frame.insert(k("text"), QStringLiteral("text of ") + id);
        if (!clientMsgId.isEmpty())
            frame.insert(k("clientMsgId"), clientMsgId);
        alice.client->sendRaw(QJsonDocument(frame).toJson(QJsonDocument::Compact));
    };
    // Every tenth message without a clientMsgId: trimming must cope with both.
    const int total = 2500, history = 1000;
    for (int i = 1; i <= total; ++i)
        send(QStringLiteral("s%1").arg(i), i % 10 ? QStringLiteral("c%1").arg(i) : QString());
    QVERIFY(
        alice.client->waitReply(QStringLiteral("s%1").arg(total), 30000).value(k("ok")).toBool());

    const QString dedup = QStringLiteral("dedup:{") + room + QLatin1Char('}');
    const int size = m_host->redisCli({ QStringLiteral("HLEN"), dedup }).trimmed().toInt();
    QVERIFY2(size > 0 && size <= 2 * history, qPrintable(QString::number(size)));

    // Retries of kept messages (the oldest kept and the newest) still return the original.
    const QJsonObject all = dataOf(
        alice.client->request(QStringLiteral("messages.list"), memberParams(room, alice.token)));
    const QJsonArray kept = all.value(k("messages")).toArray();
    QCOMPARE(kept.size(), history);
    const int oldest = total - history + 1; // 1501: has a clientMsgId
    QCOMPARE(kept.first().toObject().value(k("seq")).toInt(), oldest);
    for (const int seq : { oldest, total - 1 }) {
        send(QStringLiteral("r%1").arg(seq), QStringLiteral("c%1").arg(seq));
        const QJsonObject retry = dataOf(alice.client->waitReply(QStringLiteral("r%1").arg(seq)));
        QCOMPARE(retry.value(k("message")).toObject(), kept[seq - oldest].toObject());
    }
    QCOMPARE(
        dataOf(alice.client->request(QStringLiteral("room.info"), memberParams(room, alice.token)))
            .value(k("lastSeq"))
            .toInt(),
        total);
    // A clientMsgId whose message left the history is new again.
    send(QStringLiteral("r1"), QStringLiteral("c1"));
    QCOMPARE(dataOf(alice.client->waitReply(QStringLiteral("r1")))
                 .value(k("message"))
                 .toObject()
                 .value(k("seq"))
                 .toInt(),
        total + 1);
    const int after = m_host->redisCli({ QStringLiteral("HLEN"), dedup }).trimmed().toInt();
    QVERIFY2(after <= 2 * history, qPrintable(QString::number(after)));
}

void tst_Rooms::listPagesAndTrimmedHistory()
{
    TestClient c(m_host->url());
    QVERIFY(c.open());
    const QString room = c.createRoom(600, 2);
    Member alice = joinNew(room, QStringLiteral("Alice"), false);
    const QJsonObject empty = dataOf(
        alice.client->request(QStringLiteral("messages.list"), memberParams(room, alice.token)));
    QCOMPARE(empty.value(k("lastSeq")).toInt(-1), 0);
    QCOMPARE(empty.value(k("firstSeq")).toInt(), 1);
    QCOMPARE(empty.value(k("messages")).toArray().size(), 0);

    const int total = 1010;
    sendMany(alice, room, 1, total);
    QVERIFY(
        alice.client->waitReply(QStringLiteral("s%1").arg(total), 20000).value(k("ok")).toBool());

    const QJsonObject all = dataOf(
        alice.client->request(QStringLiteral("messages.list"), memberParams(room, alice.token)));
    QCOMPARE(all.value(k("lastSeq")).toInt(), total);
    QCOMPARE(all.value(k("firstSeq")).toInt(), total - 1000 + 1);
    const QJsonArray kept = all.value(k("messages")).toArray();
    QCOMPARE(kept.size(), 1000);
    QCOMPARE(kept.first().toObject().value(k("seq")).toInt(), 11);
    QCOMPARE(kept.last().toObject().value(k("text")).toString(), QStringLiteral("m1010"));

    QJsonObject page = memberParams(room, alice.token);
    page.insert(k("after"), 1000);
    page.insert(k("limit"), 3);
    const QJsonArray three = dataOf(alice.client->request(QStringLiteral("messages.list"), page))
                                 .value(k("messages"))
                                 .toArray();
    QCOMPARE(three.size(), 3);
    QCOMPARE(three[0].toObject().value(k("seq")).toInt(), 1001);
    QCOMPARE(three[2].toObject().value(k("seq")).toInt(), 1003);
    page.insert(k("after"), total);
    QCOMPARE(dataOf(alice.client->request(QStringLiteral("messages.list"), page))
                 .value(k("messages"))
                 .toArray()
                 .size(),
        0);
}

// The host reads a page in two steps (the read script, then LRANGE). A message stored in
// between trims a full history and moves every index: a page is whole and where it says anyway.
// Another host's sends, as a redis-cli of its own storing as the send script does, keep coming
// while the pages are read.
void tst_Rooms::listWhileSendsTrimTheHistory()
{
    TestClient c(m_host->url());
    QVERIFY(c.open());
    const QString room = c.createRoom(600, 2);
    Member alice = joinNew(room, QStringLiteral("Alice"), false);
    const int full = 1000;
    sendMany(alice, room, 1, full);
    QVERIFY(
        alice.client->waitReply(QStringLiteral("s%1").arg(full), 20000).value(k("ok")).toBool());

    const QStringList keys = m_host->keysContaining(room); // dedup, members, messages, meta
    const auto key = [&](const char *kind) {
        return keys.filter(QLatin1String(kind) + QLatin1String(":{")).value(0);
    };
    QProcess writer;
    writer.start(QStringLiteral("redis-cli"),
        { QStringLiteral("-s"), m_host->redis().socketPath(), QStringLiteral("-r"),
            QStringLiteral("1000000"), QStringLiteral("EVAL"),
            QStringLiteral("local s = redis.call('HINCRBY', KEYS[1], 'seq', 1) "
                           "redis.call('RPUSH', KEYS[2], '{\"id\":\"w' .. s .. '\",\"seq\":' .. s "
                           ".. ',\"roomId\":\"r\",\"participantId\":\"p\",\"sender\":\"w\",'"
                           ".. '\"text\":\"m' .. s .. '\",\"timestamp\":0}') "
                           "redis.call('LTRIM', KEYS[2], -1000, -1)"),
            QStringLiteral("2"), key("meta"), key("messages") });
    QVERIFY(writer.waitForStarted());
    QSet<qint64> lastSeqs;
    for (int after : { 0, 200, 900 }) {
        for (int round = 0; round < 10; ++round) {
            QJsonObject params = memberParams(room, alice.token);
            params.insert(k("after"), after);
            const QJsonObject page
                = dataOf(alice.client->request(QStringLiteral("messages.list"), params, 10000));
            const qint64 lastSeq = page.value(k("lastSeq")).toInteger();
            const qint64 firstSeq = page.value(k("firstSeq")).toInteger();
            const QJsonArray messages = page.value(k("messages")).toArray();
            QCOMPARE(lastSeq - firstSeq + 1, full); // a full history, always
            lastSeqs.insert(lastSeq);
            const qint64 from = std::max<qint64>(after + 1, firstSeq);
            QCOMPARE(messages.size(), lastSeq - from + 1);
            for (qsizetype i = 0; i < messages.size(); ++i) {
                const QJsonObject m = messages[i].toObject();
                QCOMPARE(m.value(k("seq")).toInteger(), from + i);
                QCOMPARE(m.value(k("text")).toString(), QStringLiteral("m%1").arg(from + i));
            }
        }
    }
    writer.kill();
    writer.waitForFinished();
    QVERIFY2(lastSeqs.size() > 20, "the pages did not see the writer's messages");
}

void tst_Rooms::subscribeFilterAndResubscribe()
{
    TestClient c(m_host->url());
    QVERIFY(c.open());
    const QString room = c.createRoom(600, 5);
    Member alice = joinNew(room, QStringLiteral("Alice"), false);
    QJsonObject sub = memberParams(room, alice.token);
    sub.remove(k("roomId"));
    sub.insert(k("channel"), room);
    sub.insert(k("events"), QJsonArray { QStringLiteral("presence.join") });
    const QJsonObject reply = alice.client->request(QStringLiteral("subscribe"), sub);
    QCOMPARE(dataOf(reply), (QJsonObject { { k("channel"), room }, { k("lastSeq"), 0 } }));

    Member bob = joinNew(room, QStringLiteral("Bob"), false);
    QVERIFY(alice.client->waitForEvents(QStringLiteral("presence.join"), 1));
    bob.client->request(QStringLiteral("messages.send"),
        with(memberParams(room, bob.token), "text", QStringLiteral("filtered")));
    // Now messages too, replacing the filter: no duplicate of anything.
    sub.insert(k("events"), QJsonArray { QStringLiteral("chat.message") });
    QCOMPARE(
        dataOf(alice.client->request(QStringLiteral("subscribe"), sub)).value(k("lastSeq")).toInt(),
        1);
    bob.client->request(QStringLiteral("messages.send"),
        with(memberParams(room, bob.token), "text", QStringLiteral("seen")));
    Member carol = joinNew(room, QStringLiteral("Carol"), false);
    bob.client->request(QStringLiteral("messages.send"),
        with(memberParams(room, bob.token), "text", QStringLiteral("seen too")));
    QVERIFY(alice.client->waitForEvents(QStringLiteral("chat.message"), 2));
    QTest::qWait(100);
    const auto messages = alice.client->events(QStringLiteral("chat.message"));
    QCOMPARE(messages.size(), 2);
    QCOMPARE(messages[0].value(k("data")).toObject().value(k("text")).toString(),
        QStringLiteral("seen"));
    QCOMPARE(alice.client->events(QStringLiteral("presence.join")).size(), 1); // Carol filtered out
}

void tst_Rooms::unsubscribeStopsEvents()
{
    TestClient c(m_host->url());
    QVERIFY(c.open());
    const QString room = c.createRoom(600, 2);
    Member alice = joinNew(room, QStringLiteral("Alice"));
    QCOMPARE(alice.client->request(QStringLiteral("unsubscribe"), { { k("channel"), room } })
                 .value(k("data"))
                 .toObject(),
        QJsonObject());
    // Not subscribed at all: still {}.
    QCOMPARE(c.request(QStringLiteral("unsubscribe"), { { k("channel"), room } })
                 .value(k("ok"))
                 .toBool(),
        true);
    Member bob = joinNew(room, QStringLiteral("Bob"));
    bob.client->request(QStringLiteral("messages.send"),
        with(memberParams(room, bob.token), "text", QStringLiteral("x")));
    QVERIFY(bob.client->waitForEvents(QStringLiteral("chat.message"), 1));
    QCOMPARE(alice.client->events().size(), 0);
}

void tst_Rooms::destroyTellsEveryoneAndDeletesEverything()
{
    TestClient c(m_host->url());
    QVERIFY(c.open());
    const QString room = c.createRoom(600, 3);
    Member alice = joinNew(room, QStringLiteral("Alice"));
    Member bob = joinNew(room, QStringLiteral("Bob"));
    QJsonObject send = with(memberParams(room, bob.token), "text", QStringLiteral("hi"));
    send.insert(k("clientMsgId"), QStringLiteral("c1"));
    bob.client->request(QStringLiteral("messages.send"), send);
    QVERIFY(!m_host->keysContaining(room).isEmpty());

    const QJsonObject reply
        = alice.client->request(QStringLiteral("room.destroy"), memberParams(room, alice.token));
    QCOMPARE(dataOf(reply), QJsonObject());
    // The destroyer got the event before the reply.
    QCOMPARE(alice.client->events(QStringLiteral("chat.destroy")).size(), 1);
    QVERIFY(bob.client->waitForEvents(QStringLiteral("chat.destroy"), 1));
    const QJsonObject expected { { k("isDestroyed"), true },
        { k("reason"), QStringLiteral("destroyed") } };
    QCOMPARE(bob.client->events(QStringLiteral("chat.destroy")).first().value(k("data")).toObject(),
        expected);
    QCOMPARE(m_host->keysContaining(room), QStringList());
    QCOMPARE(errorCodeOf(bob.client->request(
                 QStringLiteral("messages.list"), memberParams(room, bob.token))),
        QStringLiteral("room-not-found"));
    QTest::qWait(200);
    QCOMPARE(bob.client->events(QStringLiteral("chat.destroy")).size(), 1);
    QCOMPARE(alice.client->events(QStringLiteral("chat.destroy")).size(), 1);
}

void tst_Rooms::expiryTellsEveryoneOnTime()
{
    TestClient c(m_host->url());
    QVERIFY(c.open());
    const QJsonObject created = dataOf(
        c.request(QStringLiteral("room.create"), { { k("ttl"), 5 }, { k("maxParticipants"), 2 } }));
    const QString room = created.value(k("roomId")).toString();
    const qint64 deadline = qint64(created.value(k("expiresAt")).toDouble());
    Member alice = joinNew(room, QStringLiteral("Alice"));
    Member bob = joinNew(room, QStringLiteral("Bob"));
    bob.client->request(QStringLiteral("messages.send"),
        with(memberParams(room, bob.token), "text", QStringLiteral("soon gone")));

    QVERIFY(alice.client->waitForEvents(QStringLiteral("chat.destroy"), 1, 8000));
    QVERIFY(bob.client->waitForEvents(QStringLiteral("chat.destroy"), 1, 3000));
    const qint64 late = QDateTime::currentMSecsSinceEpoch() - deadline;
    QVERIFY2(late < 2000, qPrintable(QString::number(late)));
    const QJsonObject expected { { k("isDestroyed"), true },
        { k("reason"), QStringLiteral("expired") } };
    QCOMPARE(
        alice.client->events(QStringLiteral("chat.destroy")).first().value(k("data")).toObject(),
        expected);
    QCOMPARE(m_host->keysContaining(room), QStringList());
    QTest::qWait(300);
    QCOMPARE(alice.client->events(QStringLiteral("chat.destroy")).size(), 1);
    QCOMPARE(bob.client->events(QStringLiteral("chat.destroy")).size(), 1);
}

void tst_Rooms::tokensAreStoredOnlyHashed()
{
    TestClient c(m_host->url());
    QVERIFY(c.open());
    const QString room = c.createRoom(600, 2);
    Member alice = joinNew(room, QStringLiteral("Alice"));
    const QStringList keys = m_host->keysContaining(room);
    QVERIFY(!keys.isEmpty());
    for (const QString &key : keys) {
        const QByteArray dump
            = m_host->redisCli({ QStringLiteral("--no-raw"), QStringLiteral("HGETALL"), key })
            + m_host->redisCli(
                { QStringLiteral("LRANGE"), key, QStringLiteral("0"), QStringLiteral("-1") });
        QVERIFY2(!dump.contains(alice.token.toLatin1()), qPrintable(key));
    }
    QVERIFY(m_host
                ->redisCli({ QStringLiteral("HEXISTS"),
                    QStringLiteral("members:{") + room + QLatin1Char('}'),
                    QString::fromLatin1(
                        QCryptographicHash::hash(alice.token.toUtf8(), QCryptographicHash::Sha256)
                            .toHex()) })
                .startsWith("1"));
}

QTEST_GUILESS_MAIN(tst_Rooms)
#include "tst_rooms.moc"
