// RealtimeClient against real hosts and a real Redis: status, reconnects, and gapless,
// duplicate-free delivery across host restarts and forced disconnects.
#include "guarded.h"
#include "realtimeclient.h"
#include "silentpeer.h"
#include "testclient.h"
#include "testhost.h"

#include <QElapsedTimer>
#include <QJsonDocument>
#include <QMetaMethod>
#include <QSignalSpy>
#include <QTest>
#include <QTimer>

using namespace pc;
using namespace pc::test;
using pc::client::RealtimeClient;

Q_DECLARE_METATYPE(pc::protocol::ChatMessage)

namespace {

// A member of a room through its own RealtimeClient, recording what it is told.
struct Member
{
    RealtimeClient client;
    QString roomId, token, participantId;
    QList<protocol::ChatMessage> messages;
    QList<RealtimeClient::Status> statuses;

    explicit Member(const QUrl &url)
    {
        QObject::connect(&client, &RealtimeClient::chatMessage, &client,
            [this](const QString &, const protocol::ChatMessage &m) { messages.append(m); });
        QObject::connect(&client, &RealtimeClient::statusChanged, &client,
            [this] { statuses.append(client.status()); });
        client.setUrl(url);
    }

    bool join(const QString &room, const QString &name, bool follow = true)
    {
        bool done = false;
        client.joinRoom(
            { room, name, std::nullopt }, [&](protocol::Outcome<protocol::RoomJoined> outcome) {
                done = true;
                if (const auto *joined = std::get_if<protocol::RoomJoined>(&outcome)) {
                    roomId = room;
                    token = joined->token;
                    participantId = joined->participantId;
                }
            });
        if (!QTest::qWaitFor([&] { return done; }, 10000) || token.isEmpty())
            return false;
        if (follow)
            client.addChannel(room, token);
        return true;
    }

    void send(const QString &text)
    {
        protocol::MessagesSendParams params;
        params.member = { roomId, token };
        params.text = text;
        client.send(params);
    }

    QList<qint64> seqs() const
    {
        QList<qint64> out;
        for (const auto &m : messages)
            out.append(m.seq);
        return out;
    }
};

// A room of two: the receiver follows it, the sender only posts.
bool receiverAndSender(TestHost &host, Member &receiver, Member &sender)
{
    TestClient admin(host.url());
    if (!admin.open())
        return false;
    const QString room = admin.createRoom(600, 2);
    return receiver.join(room, QStringLiteral("Receiver"))
        && sender.join(room, QStringLiteral("Sender"), false);
}

QList<qint64> oneTo(qint64 n)
{
    QList<qint64> out;
    for (qint64 i = 1; i <= n; ++i)
        out.append(i);
    return out;
}

} // namespace

class tst_RealtimeClient : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void cleanup() { QCOMPARE(TestClient::tokenLeak(), QString()); }
    void everyEventHasASignal();
    void statusTransitions();
    void hostRestartLosesNothing();
    void thousandMessagesTwentyDisconnects();
    void sendsWhileDisconnectedArriveOnce();
    void historyBeforeJoiningIsDelivered();
    void requestsCarryTheContractsErrors();
    void twoMissedPongsMeanADeadLink();
    void aHostThatNeverAnswersIsGivenUpOn_data();
    void aHostThatNeverAnswersIsGivenUpOn();
    void aReplyAfterItsOwnerIsGoneReachesNobody();
    void destructionCallsNobodyAndClosesTheLink();
};

void tst_RealtimeClient::everyEventHasASignal()
{
    const QMetaObject &meta = RealtimeClient::staticMetaObject;
    for (int i = 0; i < protocol::kEventCount; ++i) {
        const auto event = protocol::Event(i);
        bool found = false;
        for (int m = 0; m < meta.methodCount(); ++m) { // with EventSignals, its generated base
            const QMetaMethod method = meta.method(m);
            if (method.methodType() == QMetaMethod::Signal
                && method.name() == protocol::eventSignalName(event).toString().toLatin1()) {
                found = method.parameterCount() == 2;
            }
        }
        QVERIFY2(found, protocol::eventName(event).data());
    }
    QVERIFY(meta.indexOfSignal("event(QString,QString,QVariantMap)") >= 0);
}

void tst_RealtimeClient::statusTransitions()
{
    TestHost host;
    QVERIFY(host.start());
    TestClient admin(host.url());
    QVERIFY(admin.open());
    Member alice(host.url());
    QTRY_COMPARE(alice.client.status(), RealtimeClient::Status::Connected);
    QCOMPARE(alice.statuses.first(), RealtimeClient::Status::Connecting);
    QVERIFY(alice.join(admin.createRoom(), QStringLiteral("Alice")));

    alice.statuses.clear();
    host.stopHost();
    QTRY_COMPARE(alice.client.status(), RealtimeClient::Status::Reconnecting);
    QVERIFY(alice.client.retryInMs() > 0
        || alice.client.status() != RealtimeClient::Status::Reconnecting);
    QVERIFY(host.restartHost());
    alice.client.reconnectNow();
    QTRY_COMPARE(alice.client.status(), RealtimeClient::Status::Connected);
    QCOMPARE(alice.statuses.first(), RealtimeClient::Status::Reconnecting);
    QCOMPARE(alice.statuses.last(), RealtimeClient::Status::Connected);

    alice.client.setUrl({});
    QTRY_COMPARE(alice.client.status(), RealtimeClient::Status::Disconnected);
}

void tst_RealtimeClient::hostRestartLosesNothing()
{
    TestHost mine; // the host the watcher is on: killed and restarted
    QVERIFY(mine.start());
    TestHost other(pc::host::HostOptions {}, &mine.redis()); // same Redis
    QVERIFY(other.start());

    TestClient admin(other.url());
    QVERIFY(admin.open());
    const QString room = admin.createRoom(600, 2);
    Member watcher(mine.url());
    QVERIFY(watcher.join(room, QStringLiteral("Watcher")));
    Member talker(other.url());
    QVERIFY(talker.join(room, QStringLiteral("Talker"), false));

    int sent = 0;
    QTimer talking;
    connect(&talking, &QTimer::timeout, &talking,
        [&] { talker.send(QStringLiteral("m%1").arg(++sent)); });
    talking.start(20);
    QTRY_VERIFY(watcher.messages.size() >= 10);

    mine.stopHost();
    QTRY_COMPARE(watcher.client.status(), RealtimeClient::Status::Reconnecting);
    QTest::qWait(500); // messages keep coming through the other host meanwhile
    QVERIFY(mine.restartHost());
    QElapsedTimer back;
    back.start();
    QTRY_COMPARE_WITH_TIMEOUT(watcher.client.status(), RealtimeClient::Status::Connected, 5000);
    QVERIFY(back.elapsed() < 5000);
    QTRY_VERIFY(watcher.messages.size() >= sent - 1 && sent > 60);
    talking.stop();
    QTRY_COMPARE_WITH_TIMEOUT(watcher.messages.size(), sent, 5000);
    QCOMPARE(watcher.seqs(), oneTo(sent));
    QCOMPARE(watcher.messages.last().text, QStringLiteral("m%1").arg(sent));
}

void tst_RealtimeClient::thousandMessagesTwentyDisconnects()
{
    pc::host::HostOptions options;
    options.rateLimit.burst = 5000;
    options.rateLimit.perSecond = 5000;
    TestHost host(options);
    QVERIFY(host.start());
    Member receiver(host.url()), sender(host.url());
    QVERIFY(receiverAndSender(host, receiver, sender));

    const int total = 1000;
    int disconnects = 0;
    for (int i = 1; i <= total; ++i) {
        sender.send(QStringLiteral("n%1").arg(i));
        if (i % 50 == 25) {
            QTest::qWait(5);
            receiver.client.abortConnection();
            ++disconnects;
        }
        if (i % 10 == 0)
            QTest::qWait(1);
    }
    QCOMPARE(disconnects, 20);
    QTRY_COMPARE_WITH_TIMEOUT(receiver.messages.size(), total, 30000);
    QTest::qWait(200);
    QCOMPARE(receiver.seqs(), oneTo(total)); // 0 lost, 0 duplicated, 0 reordered
    for (int i = 0; i < total; ++i)
        QCOMPARE(receiver.messages[i].text, QStringLiteral("n%1").arg(i + 1));
}

void tst_RealtimeClient::sendsWhileDisconnectedArriveOnce()
{
    TestHost host;
    QVERIFY(host.start());
    Member receiver(host.url()), sender(host.url());
    QVERIFY(receiverAndSender(host, receiver, sender));

    host.stopHost();
    QTRY_VERIFY(sender.client.status() != RealtimeClient::Status::Connected);
    for (int i = 1; i <= 5; ++i)
        sender.send(QStringLiteral("offline %1").arg(i));
    QTest::qWait(300);
    QVERIFY(host.restartHost());
    sender.client.reconnectNow();
    receiver.client.reconnectNow();
    QTRY_COMPARE_WITH_TIMEOUT(receiver.messages.size(), 5, 10000);
    QTest::qWait(300);
    QCOMPARE(receiver.seqs(), oneTo(5));
    QCOMPARE(receiver.messages.first().text, QStringLiteral("offline 1"));
    QCOMPARE(receiver.messages.first().sender, QStringLiteral("Sender"));
}

void tst_RealtimeClient::historyBeforeJoiningIsDelivered()
{
    TestHost host;
    QVERIFY(host.start());
    TestClient admin(host.url());
    QVERIFY(admin.open());
    const QString room = admin.createRoom(600, 3);
    Member first(host.url());
    QVERIFY(first.join(room, QStringLiteral("First"), false));
    for (int i = 1; i <= 3; ++i)
        first.send(QStringLiteral("early %1").arg(i));
    QTest::qWait(200);
    Member late(host.url());
    QVERIFY(late.join(room, QStringLiteral("Late")));
    QTRY_COMPARE(late.messages.size(), 3);
    QCOMPARE(late.seqs(), oneTo(3));
}

void tst_RealtimeClient::requestsCarryTheContractsErrors()
{
    TestHost host;
    QVERIFY(host.start());
    RealtimeClient client;
    client.setUrl(host.url());
    std::optional<protocol::Error> error;
    client.joinRoom({ QStringLiteral("AAAAAAAAAAAAAAAAAAAAA"), QStringLiteral("x"), std::nullopt },
        [&](protocol::Outcome<protocol::RoomJoined> outcome) {
            if (auto *e = std::get_if<protocol::Error>(&outcome))
                error = *e;
        });
    QTRY_VERIFY(error.has_value());
    QCOMPARE(error->code, protocol::ErrorCode::RoomNotFound);
    QVERIFY(!error->message.isEmpty());

    std::optional<protocol::RoomCreated> created;
    client.createRoom({ 5, 2 }, [&](protocol::Outcome<protocol::RoomCreated> outcome) {
        if (auto *c = std::get_if<protocol::RoomCreated>(&outcome))
            created = *c;
    });
    QTRY_VERIFY(created.has_value());
    QCOMPARE(created->ttl, 5);
}

void tst_RealtimeClient::twoMissedPongsMeanADeadLink()
{
    // A peer that completes the WebSocket handshake and then goes silent, pongs included.
    SilentPeer silent(true);
    RealtimeClient client;
    client.setPingIntervalMs(100);
    client.setUrl(silent.url());
    QTRY_COMPARE(client.status(), RealtimeClient::Status::Connected);
    QElapsedTimer clock;
    clock.start();
    QTRY_COMPARE_WITH_TIMEOUT(client.status(), RealtimeClient::Status::Reconnecting, 2000);
    QVERIFY2(clock.elapsed() >= 200, "gave up before two pings went unanswered");
    client.setUrl({});
}

void tst_RealtimeClient::aHostThatNeverAnswersIsGivenUpOn_data()
{
    QTest::addColumn<bool>("upgrade");
    QTest::newRow("takes the connection, no handshake") << false;
    QTest::newRow("handshake, then no replies") << true;
}

// Every wait has an end: a join sent to a host that never answers fails as unavailable in the
// time given, instead of "Joining…" for ever.
void tst_RealtimeClient::aHostThatNeverAnswersIsGivenUpOn()
{
    QFETCH(bool, upgrade);
    SilentPeer silent(upgrade);
    RealtimeClient client;
    client.setAnswerTimeoutMs(800);
    QSignalSpy failed(&client, &RealtimeClient::connectionFailed);
    client.setUrl(silent.url());
    std::optional<protocol::Outcome<protocol::RoomJoined>> result;
    QElapsedTimer clock;
    clock.start();
    client.joinRoom(
        { QStringLiteral("AAAAAAAAAAAAAAAAAAAAA"), QStringLiteral("Ann"), std::nullopt },
        [&](protocol::Outcome<protocol::RoomJoined> outcome) { result = outcome; });
    QTRY_VERIFY_WITH_TIMEOUT(result.has_value(), 3000);
    QVERIFY(clock.elapsed() >= 700);
    const auto *error = std::get_if<protocol::Error>(&*result);
    QVERIFY(error);
    QCOMPARE(error->code, protocol::ErrorCode::Unavailable);
    QVERIFY2(error->message.contains(QStringLiteral("did not answer")), qPrintable(error->message));
    if (!upgrade) {
        QVERIFY(!failed.isEmpty());
        QVERIFY(failed.first().first().toString().contains(QStringLiteral("did not answer")));
    }
    client.setUrl({});
}

// The owner of a callback (a page, a session) is freed while its request is in flight; the
// reply then finds it gone and calls nobody. guarded() is how owners say so.
void tst_RealtimeClient::aReplyAfterItsOwnerIsGoneReachesNobody()
{
    TestHost host;
    QVERIFY(host.start());
    RealtimeClient client;
    client.setUrl(host.url());
    QTRY_COMPARE(client.status(), RealtimeClient::Status::Connected);
    struct Owner : QObject
    {
        int replies = 0;
    };
    int calls = 0;
    auto *owner = new Owner;
    client.createRoom({ 60, 2 },
        client::guarded(owner, [owner, &calls](protocol::Outcome<protocol::RoomCreated>) {
            ++calls;
            ++owner->replies; // freed memory, were this called
        }));
    delete owner;
    bool later = false; // one link, replies in order
    client.createRoom({ 60, 2 }, [&](protocol::Outcome<protocol::RoomCreated>) { later = true; });
    QTRY_VERIFY(later);
    QCOMPARE(calls, 0);

    // A live owner hears, and so does one whose request fails with the link.
    auto *alive = new Owner;
    std::optional<protocol::Error> failed;
    client.createRoom({ 60, 2 },
        client::guarded(alive, [&failed](protocol::Outcome<protocol::RoomCreated> outcome) {
            if (const auto *e = std::get_if<protocol::Error>(&outcome))
                failed = *e;
        }));
    client.abortConnection();
    QVERIFY(failed.has_value());
    QCOMPARE(failed->code, protocol::ErrorCode::Unavailable);
    delete alive;
}

// A client destroyed with requests in flight calls none of them back and closes its link.
void tst_RealtimeClient::destructionCallsNobodyAndClosesTheLink()
{
    TestHost host;
    QVERIFY(host.start());
    TestClient admin(host.url());
    QVERIFY(admin.open());
    const QString room = admin.createRoom(600, 3);
    auto *member = new Member(host.url());
    QVERIFY(member->join(room, QStringLiteral("Leaving")));
    QTRY_COMPARE(member->client.status(), RealtimeClient::Status::Connected);
    QTest::qWait(200); // subscribed
    QCOMPARE(host.host().sessionCount(), 2);
    int calls = 0;
    member->client.roomInfo({ room, member->token }, [&](auto) { ++calls; });
    member->client.createRoom({ 60, 2 }, [&](auto) { ++calls; });
    delete member;
    QTRY_COMPARE(host.host().sessionCount(), 1); // closed cleanly
    QCOMPARE(calls, 0);
}

QTEST_GUILESS_MAIN(tst_RealtimeClient)
#include "tst_realtimeclient.moc"
