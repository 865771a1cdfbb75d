// RequestQueue over a real Link to a real host and Redis: replies matched to their requests,
// waiting for the link, deadlines, retries after a lost link or a rate limit, and callbacks
// whose owner is gone.
#include "link.h"
#include "requestqueue.h"
#include "silentpeer.h"
#include "testclient.h"
#include "testhost.h"

#include "protocol/requests.h"

#include <QPointer>
#include <QSignalSpy>
#include <QTest>

using namespace pc;
using namespace pc::test;
using pc::client::Link;
using pc::client::RequestQueue;
using Retry = RequestQueue::Retry;

namespace {

// A link and its queue, as RealtimeClient composes them.
struct Rig
{
    Link link;
    RequestQueue requests { link };
    QObject owner; // the context of the test's callbacks

    explicit Rig(const QUrl &url = {}) { link.setUrl(url); }

    bool waitConnected()
    {
        return QTest::qWaitFor([this] { return link.isConnected(); }, 5000);
    }
    template<typename T>
    void request(protocol::Op op, const QJsonObject &params, Retry retry,
        std::optional<protocol::Outcome<T>> &result)
    {
        requests.request<T>(op, params, retry, &owner,
            [&result](protocol::Outcome<T> outcome) { result = std::move(outcome); });
    }
};

// Something a callback captures and touches: freed with its owner.
struct Owner : QObject
{
    int replies = 0;
};

// A room with one member; returns its member params.
protocol::MemberParams memberOfNewRoom(TestClient &admin)
{
    const QString room = admin.createRoom(600, 3);
    const QJsonObject joined = admin.join(room, QStringLiteral("Member"));
    return { room, joined.value(QLatin1StringView("token")).toString() };
}

template<typename T> const protocol::Error *errorOf(const std::optional<protocol::Outcome<T>> &r)
{
    return r ? std::get_if<protocol::Error>(&*r) : nullptr;
}

} // namespace

class tst_RequestQueue : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void cleanup() { QCOMPARE(TestClient::tokenLeak(), QString()); }
    void everyReplyFindsItsRequest();
    void requestsWaitForTheLink();
    void aLostLinkFailsOrRetries();
    void deadlinesEndWaitsThatAreNotRetried();
    void rateLimitedRetriesGoAgain();
    void aReplyAfterItsOwnerIsGoneCallsNobody();
    void aLossAfterItsOwnerIsGoneCallsNobody();
    void aRequestWhoseOwnerIsGoneStillGoesOut();
};

void tst_RequestQueue::everyReplyFindsItsRequest()
{
    TestHost host;
    QVERIFY(host.start());
    Rig rig(host.url());
    QVERIFY(rig.waitConnected());
    // Replies of different ops and costs come back in any order; each must reach its own.
    QList<std::optional<protocol::Outcome<protocol::RoomCreated>>> created(40);
    QList<std::optional<protocol::Outcome<protocol::RoomJoined>>> missing(40);
    for (int i = 0; i < 40; ++i) {
        rig.request<protocol::RoomCreated>(protocol::Op::RoomCreate,
            protocol::RoomCreateParams { 100 + i, 2 + i % 5 }.toJson(), Retry::No, created[i]);
        rig.request<protocol::RoomJoined>(protocol::Op::RoomJoin,
            protocol::RoomJoinParams { QStringLiteral("AAAAAAAAAAAAAAAAAAAA%1").arg(i % 10),
                QStringLiteral("n%1").arg(i), std::nullopt }
                .toJson(),
            Retry::No, missing[i]);
    }
    QCOMPARE(rig.requests.inFlightCount(), 80);
    QTRY_VERIFY(std::all_of(created.begin(), created.end(), [](auto &r) { return r.has_value(); }));
    QTRY_VERIFY(std::all_of(missing.begin(), missing.end(), [](auto &r) { return r.has_value(); }));
    for (int i = 0; i < 40; ++i) {
        const auto *room = std::get_if<protocol::RoomCreated>(&*created[i]);
        QVERIFY(room);
        QCOMPARE(room->ttl, 100 + i);
        QCOMPARE(room->maxParticipants, 2 + i % 5);
        QVERIFY(errorOf(missing[i]));
        QCOMPARE(errorOf(missing[i])->code, protocol::ErrorCode::RoomNotFound);
        QVERIFY(!errorOf(missing[i])->message.isEmpty());
    }
    QCOMPARE(rig.requests.inFlightCount(), 0);
}

void tst_RequestQueue::requestsWaitForTheLink()
{
    TestHost host;
    QVERIFY(host.start());
    Rig rig; // no URL yet
    std::optional<protocol::Outcome<protocol::RoomCreated>> created;
    rig.request<protocol::RoomCreated>(protocol::Op::RoomCreate,
        protocol::RoomCreateParams { 60, 2 }.toJson(), Retry::No, created);
    QCOMPARE(rig.requests.waitingCount(), 1);
    QTest::qWait(100);
    QVERIFY(!created);
    rig.link.setUrl(host.url());
    QTRY_VERIFY(created.has_value());
    QVERIFY(std::holds_alternative<protocol::RoomCreated>(*created));
    QCOMPARE(rig.requests.waitingCount(), 0);
}

// A request in flight when the link drops: one that is safe to repeat goes again once the link
// is back and gets its answer; any other fails as unavailable at once.
void tst_RequestQueue::aLostLinkFailsOrRetries()
{
    TestHost host;
    QVERIFY(host.start());
    TestClient admin(host.url());
    QVERIFY(admin.open());
    const protocol::MemberParams member = memberOfNewRoom(admin);
    Rig rig(host.url());
    QVERIFY(rig.waitConnected());

    std::optional<protocol::Outcome<protocol::RoomCreated>> created;
    std::optional<protocol::Outcome<protocol::RoomInfo>> info;
    rig.request<protocol::RoomCreated>(protocol::Op::RoomCreate,
        protocol::RoomCreateParams { 60, 2 }.toJson(), Retry::No, created);
    rig.request<protocol::RoomInfo>(
        protocol::Op::RoomInfo, member.toJson(), Retry::AfterReconnect, info);
    QCOMPARE(rig.requests.inFlightCount(), 2);
    rig.link.abort(); // before any reply could be read
    QVERIFY(created.has_value());
    QCOMPARE(errorOf(created)->code, protocol::ErrorCode::Unavailable);
    QVERIFY(errorOf(created)->message.contains(QStringLiteral("lost")));
    QVERIFY(!info.has_value());
    QCOMPARE(rig.requests.waitingCount(), 1);

    QTRY_VERIFY_WITH_TIMEOUT(info.has_value(), 5000);
    const auto *room = std::get_if<protocol::RoomInfo>(&*info);
    QVERIFY(room);
    QCOMPARE(room->maxParticipants, 3);
    QCOMPARE(room->participants.size(), 1);
}

void tst_RequestQueue::deadlinesEndWaitsThatAreNotRetried()
{
    SilentPeer silent(true); // takes the link, answers nothing
    Rig rig(silent.url());
    rig.requests.setAnswerTimeoutMs(400);
    QVERIFY(rig.waitConnected());
    std::optional<protocol::Outcome<protocol::RoomCreated>> created;
    std::optional<protocol::Outcome<protocol::RoomTtl>> ttl;
    rig.request<protocol::RoomCreated>(protocol::Op::RoomCreate,
        protocol::RoomCreateParams { 60, 2 }.toJson(), Retry::No, created);
    rig.request<protocol::RoomTtl>(protocol::Op::RoomTtl,
        protocol::MemberParams { QStringLiteral("AAAAAAAAAAAAAAAAAAAAA"), QStringLiteral("t") }
            .toJson(),
        Retry::AfterReconnect, ttl);
    QTest::qWait(200);
    QVERIFY(!created.has_value());
    QTRY_VERIFY_WITH_TIMEOUT(created.has_value(), 2000);
    QCOMPARE(errorOf(created)->code, protocol::ErrorCode::Unavailable);
    QVERIFY2(errorOf(created)->message.contains(QStringLiteral("did not answer")),
        qPrintable(errorOf(created)->message));
    QTest::qWait(500);
    QVERIFY(!ttl.has_value()); // a retried request waits as long as it takes
    QCOMPARE(rig.requests.inFlightCount(), 1);

    // Waiting for a link that never comes ends the same way.
    Rig nowhere;
    nowhere.requests.setAnswerTimeoutMs(300);
    std::optional<protocol::Outcome<protocol::RoomCreated>> never;
    nowhere.request<protocol::RoomCreated>(
        protocol::Op::RoomCreate, protocol::RoomCreateParams { 60, 2 }.toJson(), Retry::No, never);
    QTRY_VERIFY_WITH_TIMEOUT(never.has_value(), 2000);
    QCOMPARE(errorOf(never)->code, protocol::ErrorCode::Unavailable);
    QCOMPARE(nowhere.requests.waitingCount(), 0);
}

// rate-limited means nothing was done: a request safe to repeat is sent again after the time
// the host names; any other is told so.
void tst_RequestQueue::rateLimitedRetriesGoAgain()
{
    host::HostOptions options;
    options.rateLimit.burst = 5;
    options.rateLimit.perSecond = 100;
    options.rateLimit.abuseLimit = 100000; // this test is about the client
    TestHost host(options);
    QVERIFY(host.start());
    TestClient admin(host.url());
    QVERIFY(admin.open());
    const protocol::MemberParams member = memberOfNewRoom(admin);
    Rig rig(host.url());
    QVERIFY(rig.waitConnected());

    QList<std::optional<protocol::Outcome<protocol::RoomTtl>>> retried(30), once(30);
    for (int i = 0; i < 30; ++i)
        rig.request<protocol::RoomTtl>(
            protocol::Op::RoomTtl, member.toJson(), Retry::AfterReconnect, retried[i]);
    QTRY_VERIFY_WITH_TIMEOUT(
        std::all_of(retried.begin(), retried.end(), [](auto &r) { return r.has_value(); }), 10000);
    for (const auto &r : std::as_const(retried))
        QVERIFY(std::holds_alternative<protocol::RoomTtl>(*r));

    QTest::qWait(100); // the bucket refills
    for (int i = 0; i < 30; ++i)
        rig.request<protocol::RoomTtl>(protocol::Op::RoomTtl, member.toJson(), Retry::No, once[i]);
    QTRY_VERIFY(std::all_of(once.begin(), once.end(), [](auto &r) { return r.has_value(); }));
    const auto limited = std::count_if(once.begin(), once.end(), [](auto &r) {
        const auto *e = errorOf(r);
        return e && e->code == protocol::ErrorCode::RateLimited && e->retryAfterMs > 0;
    });
    QVERIFY2(limited >= 10, qPrintable(QString::number(limited)));
}

// The guard: a callback whose context is gone is not called when its reply comes.
void tst_RequestQueue::aReplyAfterItsOwnerIsGoneCallsNobody()
{
    TestHost host;
    QVERIFY(host.start());
    Rig rig(host.url());
    QVERIFY(rig.waitConnected());
    QSignalSpy replies(&rig.link, &Link::replyReceived);
    int calls = 0;
    auto *owner = new Owner;
    rig.requests.request<protocol::RoomCreated>(protocol::Op::RoomCreate,
        protocol::RoomCreateParams { 60, 2 }.toJson(), Retry::No, owner,
        [owner, &calls](protocol::Outcome<protocol::RoomCreated>) {
            ++calls;
            ++owner->replies; // freed memory, were this called
        });
    QCOMPARE(rig.requests.inFlightCount(), 1);
    delete owner; // with the request in flight
    QTRY_COMPARE(replies.size(), 1);
    QCOMPARE(rig.requests.inFlightCount(), 0); // matched, then dropped
    QCOMPARE(calls, 0);

    // A live owner still hears.
    std::optional<protocol::Outcome<protocol::RoomCreated>> created;
    rig.request<protocol::RoomCreated>(protocol::Op::RoomCreate,
        protocol::RoomCreateParams { 60, 2 }.toJson(), Retry::No, created);
    QTRY_VERIFY(created.has_value());
}

void tst_RequestQueue::aLossAfterItsOwnerIsGoneCallsNobody()
{
    TestHost host;
    QVERIFY(host.start());
    Rig rig(host.url());
    QVERIFY(rig.waitConnected());
    rig.requests.setAnswerTimeoutMs(300);
    int calls = 0;
    auto *first = new Owner, *second = new Owner;
    for (Owner *owner : { first, second })
        rig.requests.request<protocol::RoomCreated>(protocol::Op::RoomCreate,
            protocol::RoomCreateParams { 60, 2 }.toJson(), Retry::No, owner,
            [owner, &calls](protocol::Outcome<protocol::RoomCreated>) {
                ++calls;
                ++owner->replies;
            });
    delete first;
    rig.link.abort(); // fails the one in flight
    QCOMPARE(rig.requests.inFlightCount(), 0);
    QCOMPARE(calls, 1); // only the live one
    delete second;

    rig.link.setUrl({}); // now a request can only wait, then run out of time
    auto *third = new Owner;
    rig.requests.request<protocol::RoomCreated>(protocol::Op::RoomCreate,
        protocol::RoomCreateParams { 60, 2 }.toJson(), Retry::No, third,
        [third, &calls](protocol::Outcome<protocol::RoomCreated>) {
            ++calls;
            ++third->replies;
        });
    delete third;
    QTRY_COMPARE(rig.requests.waitingCount(), 0);
    QCOMPARE(calls, 1);
}

// The guard drops only the callback: a room.leave must reach the host whoever asked for it.
void tst_RequestQueue::aRequestWhoseOwnerIsGoneStillGoesOut()
{
    TestHost host;
    QVERIFY(host.start());
    TestClient admin(host.url());
    QVERIFY(admin.open());
    const protocol::MemberParams member = memberOfNewRoom(admin);
    const QJsonObject watcher = admin.join(member.roomId, QStringLiteral("Watcher"));
    admin.subscribe(member.roomId, watcher.value(QLatin1StringView("token")).toString());
    Rig rig; // not connected: the request waits
    int calls = 0;
    auto *owner = new Owner;
    protocol::MessagesSendParams send;
    send.member = member;
    send.text = QStringLiteral("after my owner");
    send.clientMsgId = QStringLiteral("c1");
    rig.requests.request<protocol::ChatMessage>(protocol::Op::MessagesSend, send.toJson(),
        Retry::AfterReconnect, owner, [owner, &calls](protocol::Outcome<protocol::ChatMessage>) {
            ++calls;
            ++owner->replies;
        });
    delete owner;
    rig.link.setUrl(host.url());
    QVERIFY(admin.waitForEvents(QStringLiteral("chat.message"), 1));
    QCOMPARE(admin.events(QStringLiteral("chat.message"))
                 .first()
                 .value(QLatin1StringView("data"))
                 .toObject()
                 .value(QLatin1StringView("text"))
                 .toString(),
        send.text);
    QTRY_COMPARE(rig.requests.inFlightCount(), 0);
    QCOMPARE(calls, 0);
}

QTEST_GUILESS_MAIN(tst_RequestQueue)
#include "tst_requestqueue.moc"
