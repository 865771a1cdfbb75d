// RoomSession, the UI's room: states, countdown, models (under QAbstractItemModelTester).
#include "realtimeclient.h"
#include "roomsession.h"
#include "testclient.h"
#include "testhost.h"

#include <QAbstractItemModelTester>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QSignalSpy>
#include <QTest>

using namespace pc;
using namespace pc::test;
using pc::client::MessagesModel;
using pc::client::RealtimeClient;
using pc::client::RoomSession;

namespace {

// One person's app: a client and a session on it, with the models under test.
struct Person
{
    RealtimeClient client;
    RoomSession session;
    QAbstractItemModelTester messagesTester;
    QAbstractItemModelTester participantsTester;

    explicit Person(const QUrl &url)
        : messagesTester(session.messages(), QAbstractItemModelTester::FailureReportingMode::QtTest)
        , participantsTester(
              session.participants(), QAbstractItemModelTester::FailureReportingMode::QtTest)
    {
        client.setUrl(url);
        session.setClient(&client);
    }
};

QString authority(const QUrl &url)
{
    return QStringLiteral("%1:%2").arg(url.host()).arg(url.port());
}

QVariant row(QAbstractItemModel *model, int r, const char *role)
{
    const auto roles = model->roleNames();
    return model->index(r, 0).data(roles.key(role));
}

} // namespace

class tst_RoomSession : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanup() { QCOMPARE(TestClient::tokenLeak(), QString()); }
    void createJoinChatDestroy();
    void fullNotFoundUnreachable();
    void expiryEndsTheRoom();
    void theLastMinuteIsAnnouncedOnce();
    void leaveTellsTheOthers();
    void whoCameAndWentWhileAwayIsTold();
    void aRoomEndsOnTimeWithoutItsHost();
    void aJoinAfterADeadHostIsTriedAtOnce();
    void removedWhenTheHostForgetsUs();
    void aMessageSentWhileDisconnectedIsNeverLost();
    void typingIsShownAndGoes();
    void aPlainRoomForThirdPartyClients();
    void withoutTheKeyTheRoomOpensLocked();
    void aWrongKeyReadsNothing();
    void aSessionGoneWithARequestInFlight_data();
    void aSessionGoneWithARequestInFlight();

private:
    std::unique_ptr<TestHost> m_host;
};

void tst_RoomSession::initTestCase()
{
    m_host = std::make_unique<TestHost>();
    QVERIFY(m_host->start());
}

void tst_RoomSession::createJoinChatDestroy()
{
    Person host(m_host->url()), guest(m_host->url());
    host.session.create(600, 2, QStringLiteral("Hana"));
    QCOMPARE(host.session.state(), RoomSession::State::Creating);
    QTRY_COMPARE(host.session.state(), RoomSession::State::Joined);
    QCOMPARE(host.session.name(), QStringLiteral("Hana"));
    QCOMPARE(host.session.roomId().size(), 21);
    // A ws:// host: the invite says so (plain=1), the client never guesses it. The room is end
    // to end: its key is in the fragment.
    const QString prefix = QStringLiteral("privatechat://%1/%2?plain=1#k=")
                               .arg(authority(m_host->url()), host.session.roomId());
    QVERIFY2(host.session.inviteLink().startsWith(prefix), qPrintable(host.session.inviteLink()));
    QCOMPARE(host.session.inviteLink().size(), prefix.size() + 43);
    QVERIFY(host.session.endToEnd());
    QVERIFY(!host.session.keyMissing());
    QVERIFY(host.session.canWrite());
    QVERIFY(host.session.secondsLeft() > 595 && host.session.secondsLeft() <= 600);
    QCOMPARE(host.session.maxParticipants(), 2);

    guest.session.join(host.session.inviteLink(), QStringLiteral("Gus"));
    QTRY_COMPARE(guest.session.state(), RoomSession::State::Joined);
    QCOMPARE(guest.session.participants()->rowCount(), 2);
    QTRY_COMPARE(host.session.participants()->rowCount(), 2);
    QCOMPARE(row(host.session.participants(), 1, "name").toString(), QStringLiteral("Gus"));
    QCOMPARE(row(host.session.participants(), 0, "self").toBool(), true);
    // "Gus joined" shows as a notice in the host's messages
    QTRY_COMPARE(host.session.messages()->rowCount(), 1);
    QCOMPARE(row(host.session.messages(), 0, "notice").toBool(), true);

    QSignalSpy arrived(&guest.session, &RoomSession::messageArrived);
    host.session.send(QStringLiteral("hello Gus"));
    guest.session.send(QStringLiteral("hi Hana"));
    QTRY_COMPARE(guest.session.messages()->rowCount(), 2);
    QTRY_COMPARE(host.session.messages()->rowCount(), 3);
    QCOMPARE(row(guest.session.messages(), 0, "text").toString(), QStringLiteral("hello Gus"));
    QCOMPARE(row(guest.session.messages(), 0, "own").toBool(), false);
    QCOMPARE(row(guest.session.messages(), 0, "sender").toString(), QStringLiteral("Hana"));
    QCOMPARE(row(guest.session.messages(), 1, "own").toBool(), true);
    QVERIFY(row(guest.session.messages(), 1, "time").toString().contains(QLatin1Char(':')));
    QCOMPARE(arrived.size(), 1);
    QCOMPARE(row(guest.session.messages(), 0, "seal").toInt(), int(MessagesModel::Seal::Opened));
    // The same key and the same host: the same safety code.
    QVERIFY(!host.session.safetyCode().isEmpty());
    QCOMPARE(guest.session.safetyCode(), host.session.safetyCode());

    // What the host holds: sealed values only.
    const QString stored = QString::fromUtf8(m_host->redisCli({ QStringLiteral("LRANGE"),
        m_host->keysContaining(host.session.roomId()).filter(QStringLiteral("messages:")).value(0),
        QStringLiteral("0"), QStringLiteral("-1") }));
    QVERIFY2(stored.contains(QStringLiteral("ciphertext")), qPrintable(stored));
    QVERIFY(
        !stored.contains(QStringLiteral("hello Gus")) && !stored.contains(QStringLiteral("Hana")));
    const QString members = QString::fromUtf8(m_host->redisCli({ QStringLiteral("HVALS"),
        m_host->keysContaining(host.session.roomId())
            .filter(QStringLiteral("members:"))
            .value(0) }));
    QVERIFY(!members.contains(QStringLiteral("Gus")) && !members.contains(QStringLiteral("Hana")));

    // The room is hosted: its creator is the host, marked for everyone, and only it may
    // destroy the room.
    QVERIFY(host.session.isHost() && host.session.canDestroy());
    QVERIFY(guest.session.isHosted() && !guest.session.isHost() && !guest.session.canDestroy());
    QCOMPARE(row(guest.session.participants(), 0, "host").toBool(), true);
    QCOMPARE(row(guest.session.participants(), 1, "host").toBool(), false);
    QTRY_COMPARE(row(host.session.participants(), 0, "host").toBool(), true);
    std::optional<protocol::ErrorCode> refused;
    connect(&guest.session, &RoomSession::destroyFailed, this,
        [&refused](const protocol::Error &error) { refused = error.code; });
    guest.session.destroyRoom();
    QTRY_VERIFY(refused);
    QCOMPARE(*refused, protocol::ErrorCode::Forbidden);
    QCOMPARE(guest.session.state(), RoomSession::State::Joined);

    host.session.destroyRoom();
    QTRY_COMPARE(host.session.state(), RoomSession::State::Destroyed);
    QTRY_COMPARE(guest.session.state(), RoomSession::State::Destroyed);
    QVERIFY(!guest.session.isHosted() && !host.session.isHost());
}

void tst_RoomSession::fullNotFoundUnreachable()
{
    Person a(m_host->url()), b(m_host->url()), c(m_host->url());
    a.session.create(600, 2, QStringLiteral("A"));
    QTRY_COMPARE(a.session.state(), RoomSession::State::Joined);
    b.session.join(a.session.inviteLink(), QStringLiteral("B"));
    QTRY_COMPARE(b.session.state(), RoomSession::State::Joined);
    c.session.join(a.session.inviteLink(), QStringLiteral("C"));
    QTRY_COMPARE(c.session.state(), RoomSession::State::Full);
    QCOMPARE(c.session.error().code, protocol::ErrorCode::RoomFull);

    Person d(m_host->url());
    d.session.join(
        authority(m_host->url()) + QStringLiteral("/AAAAAAAAAAAAAAAAAAAAA"), QStringLiteral("D"));
    QTRY_COMPARE(d.session.state(), RoomSession::State::NotFound);
    QCOMPARE(d.session.error().code, protocol::ErrorCode::RoomNotFound);

    Person e(QUrl {});
    e.session.join(
        QStringLiteral("privatechat://127.0.0.1:1/AAAAAAAAAAAAAAAAAAAAA"), QStringLiteral("E"));
    QTRY_COMPARE_WITH_TIMEOUT(e.session.state(), RoomSession::State::Unreachable, 10000);
    QCOMPARE(e.session.error().code, protocol::ErrorCode::Unavailable);
    QVERIFY(!e.session.error().message.isEmpty());

    Person f(QUrl {});
    f.session.join(QStringLiteral("not a link"), QStringLiteral("F"));
    QCOMPARE(f.session.state(), RoomSession::State::Failed);
    QCOMPARE(f.session.error().code, protocol::ErrorCode::BadRequest);
    QVERIFY(!f.session.error().message.isEmpty());
}

void tst_RoomSession::expiryEndsTheRoom()
{
    Person a(m_host->url()), b(m_host->url());
    a.session.create(5, 2, QStringLiteral("A"));
    QTRY_COMPARE(a.session.state(), RoomSession::State::Joined);
    b.session.join(a.session.inviteLink(), QStringLiteral("B"));
    QTRY_COMPARE(b.session.state(), RoomSession::State::Joined);
    QVERIFY(b.session.secondsLeft() <= 5);
    QSignalSpy ticks(&b.session, &RoomSession::secondsLeftChanged);
    QTRY_COMPARE_WITH_TIMEOUT(a.session.state(), RoomSession::State::Expired, 8000);
    QTRY_COMPARE_WITH_TIMEOUT(b.session.state(), RoomSession::State::Expired, 3000);
    QVERIFY(ticks.size() >= 3);
}

// One warning as the countdown passes a minute; a room that starts under a minute has none.
void tst_RoomSession::theLastMinuteIsAnnouncedOnce()
{
    Person a(m_host->url()), b(m_host->url());
    QSignalSpy warnedA(&a.session, &RoomSession::endingSoonWarning);
    QSignalSpy warnedB(&b.session, &RoomSession::endingSoonWarning);
    a.session.create(RoomSession::kEndingSoonSeconds + 2, 2, QStringLiteral("A"));
    QTRY_COMPARE(a.session.state(), RoomSession::State::Joined);
    QVERIFY(!a.session.isEndingSoon());
    QTRY_COMPARE_WITH_TIMEOUT(warnedA.size(), 1, 5000);
    QVERIFY(a.session.isEndingSoon());
    QVERIFY(a.session.secondsLeft() <= RoomSession::kEndingSoonSeconds);
    // Joined well within the last minute: the room says so, no warning "now" arrives.
    QTRY_VERIFY_WITH_TIMEOUT(a.session.secondsLeft() <= RoomSession::kEndingSoonSeconds - 2, 5000);
    b.session.join(a.session.inviteLink(), QStringLiteral("B"));
    QTRY_COMPARE(b.session.state(), RoomSession::State::Joined);
    QTRY_VERIFY(b.session.isEndingSoon());
    QTest::qWait(1500);
    QCOMPARE(warnedA.size(), 1);
    QCOMPARE(warnedB.size(), 0);
    b.session.leave();
    QVERIFY(!b.session.isEndingSoon()); // out of the room: nothing is ending for it
}

void tst_RoomSession::leaveTellsTheOthers()
{
    Person a(m_host->url()), b(m_host->url());
    a.session.create(600, 2, QStringLiteral("A"));
    QTRY_COMPARE(a.session.state(), RoomSession::State::Joined);
    b.session.join(a.session.inviteLink(), QStringLiteral("B"));
    QTRY_COMPARE(a.session.participants()->rowCount(), 2);
    b.session.leave();
    QCOMPARE(b.session.state(), RoomSession::State::Left);
    QTRY_COMPARE(a.session.participants()->rowCount(), 1);
    QTRY_COMPARE(a.session.messages()->rowCount(), 2); // joined, left
    QVERIFY(row(a.session.messages(), 1, "text").toString().contains(QStringLiteral("left")));
}

// The host is gone: no chat.destroy will come, yet at its deadline the room ends here too,
// and what was said is wiped.
void tst_RoomSession::aRoomEndsOnTimeWithoutItsHost()
{
    TestHost host;
    QVERIFY(host.start());
    Person a(host.url());
    a.session.create(5, 2, QStringLiteral("A"));
    QTRY_COMPARE(a.session.state(), RoomSession::State::Joined);
    a.session.send(QStringLiteral("this should vanish when the room ends"));
    QTRY_COMPARE(a.session.messages()->rowCount(), 1);
    host.stopHost();
    QTRY_COMPARE(a.client.status(), RealtimeClient::Status::Reconnecting);
    QTRY_COMPARE_WITH_TIMEOUT(a.session.state(), RoomSession::State::Expired, 10000);
    QCOMPARE(a.session.messages()->rowCount(), 0);
    QCOMPARE(a.session.participants()->rowCount(), 0);
}

// The host died and came back while the client was backing off: a join the person asks for
// goes at once, not at the backoff's next try (seconds later).
void tst_RoomSession::aJoinAfterADeadHostIsTriedAtOnce()
{
    TestHost host;
    QVERIFY(host.start());
    Person a(host.url());
    a.session.create(600, 3, QStringLiteral("A"));
    QTRY_COMPARE(a.session.state(), RoomSession::State::Joined);
    const QString invite = a.session.inviteLink();
    Person b(host.url());
    b.session.join(invite, QStringLiteral("B"));
    QTRY_COMPARE(b.session.state(), RoomSession::State::Joined);
    host.stopHost();
    QTRY_COMPARE(b.client.status(), RealtimeClient::Status::Reconnecting);
    b.session.leave();
    // A few failed tries, until the next is seconds away.
    QTRY_VERIFY_WITH_TIMEOUT(b.client.retryInMs() > 2000, 15000);
    QVERIFY(host.restartHost());
    QElapsedTimer clock;
    clock.start();
    b.session.join(invite, QStringLiteral("B again"));
    QTRY_COMPARE_WITH_TIMEOUT(b.session.state(), RoomSession::State::Joined, 1500);
    QVERIFY2(clock.elapsed() < 1000, qPrintable(QString::number(clock.elapsed())));
}

// Sent while the host is away: shown at once as pending, marked not sent after the time limit
// (never silently gone), and once the host is back the client's own resend (same
// clientMsgId) puts it in its place, once; Retry after that cannot post it twice.
void tst_RoomSession::aMessageSentWhileDisconnectedIsNeverLost()
{
    using Delivery = pc::client::MessagesModel::Delivery;
    TestHost host;
    QVERIFY(host.start());
    Person a(host.url());
    Person b(host.url());
    a.session.setSendTimeoutMs(500);
    a.session.create(600, 2, QStringLiteral("A"));
    QTRY_COMPARE(a.session.state(), RoomSession::State::Joined);
    b.session.join(a.session.inviteLink(), QStringLiteral("B"));
    QTRY_COMPARE(b.session.state(), RoomSession::State::Joined);
    QTRY_COMPARE(a.session.messages()->rowCount(), 1); // "B joined"

    host.stopHost();
    QTRY_COMPARE(a.client.status(), RealtimeClient::Status::Reconnecting);
    a.session.send(QStringLiteral("said while the host was away"));
    QCOMPARE(a.session.messages()->rowCount(), 2); // at once
    QCOMPARE(row(a.session.messages(), 1, "text").toString(),
        QStringLiteral("said while the host was away"));
    QCOMPARE(row(a.session.messages(), 1, "own").toBool(), true);
    QCOMPARE(row(a.session.messages(), 1, "delivery").value<Delivery>(), Delivery::Pending);
    QTRY_COMPARE(row(a.session.messages(), 1, "delivery").value<Delivery>(), Delivery::Failed);
    const QString clientMsgId = row(a.session.messages(), 1, "clientMsgId").toString();
    QVERIFY(!clientMsgId.isEmpty());

    QVERIFY(host.restartHost());
    a.client.reconnectNow();
    b.client.reconnectNow();
    QTRY_COMPARE_WITH_TIMEOUT(
        row(a.session.messages(), 1, "delivery").value<Delivery>(), Delivery::Stored, 10000);
    QTRY_COMPARE_WITH_TIMEOUT(b.session.messages()->rowCount(), 1, 10000);
    QCOMPARE(row(b.session.messages(), 0, "text").toString(),
        QStringLiteral("said while the host was away"));
    a.session.retry(clientMsgId); // nothing left to retry: it is stored
    QTest::qWait(300);
    QCOMPARE(a.session.messages()->rowCount(), 2);
    QCOMPARE(b.session.messages()->rowCount(), 1);
    QCOMPARE(row(a.session.messages(), 1, "seq").toLongLong(), 1);
}

// Who joined or left while A's events did not flow is told when they flow again, from the
// member list asked for then, once: the events that may still come say nothing more.
void tst_RoomSession::whoCameAndWentWhileAwayIsTold()
{
    TestHost host;
    QVERIFY(host.start());
    Person a(host.url());
    Person b(host.url());
    a.session.create(600, 3, QStringLiteral("A"));
    QTRY_COMPARE(a.session.state(), RoomSession::State::Joined);
    b.session.join(a.session.inviteLink(), QStringLiteral("B"));
    QTRY_COMPARE(b.session.state(), RoomSession::State::Joined);
    QTRY_COMPARE(a.session.messages()->rowCount(), 1); // "B joined"

    a.client.setUrl(QUrl(QStringLiteral("ws://127.0.0.1:1/api/realtime"))); // away
    QTRY_VERIFY(a.client.status() != RealtimeClient::Status::Connected);
    Person c(host.url());
    c.session.join(a.session.inviteLink(), QStringLiteral("C"));
    QTRY_COMPARE(c.session.state(), RoomSession::State::Joined);
    b.session.leave();
    QTest::qWait(300);
    QCOMPARE(a.session.messages()->rowCount(), 1);

    a.client.setUrl(host.url()); // back
    QTRY_COMPARE(a.session.messages()->rowCount(), 3);
    QCOMPARE(row(a.session.messages(), 1, "text").toString(), QStringLiteral("C joined"));
    QCOMPARE(row(a.session.messages(), 2, "text").toString(), QStringLiteral("B left"));
    QCOMPARE(a.session.participants()->rowCount(), 2);
    QTest::qWait(500);
    QCOMPARE(a.session.messages()->rowCount(), 3);
}

// chat.typing: B sees "A is typing…" (the sender stamped by the host), gone after 5 s or at
// A's message; nothing stored; the host's own limit for the op (bursts of 3) holds.
void tst_RoomSession::typingIsShownAndGoes()
{
    Person a(m_host->url());
    Person b(m_host->url());
    a.session.create(600, 3, QStringLiteral("Ada"), false); // a raw client joins below
    QTRY_COMPARE(a.session.state(), RoomSession::State::Joined);
    b.session.join(a.session.inviteLink(), QStringLiteral("Bo"));
    QTRY_COMPARE(b.session.state(), RoomSession::State::Joined);

    QSignalSpy heard(&b.client, &RealtimeClient::chatTyping);
    a.session.typing();
    a.session.typing(); // within 3 s of the last: not sent again
    QTRY_COMPARE(b.session.typingText(), QStringLiteral("Ada is typing…"));
    QCOMPARE(a.session.typingText(), QString()); // not about ourselves
    QElapsedTimer shown;
    shown.start();
    QTRY_COMPARE_WITH_TIMEOUT(b.session.typingText(), QString(), 7000);
    QVERIFY2(shown.elapsed() >= 4000, "gone before its 5 s");
    QCOMPARE(heard.size(), 1);

    TestClient raw(m_host->url());
    QVERIFY(raw.open());
    const QString token
        = raw.join(a.session.roomId(), QStringLiteral("Cy")).value(k("token")).toString();
    const QJsonObject member { { k("roomId"), a.session.roomId() }, { k("token"), token } };
    QStringList codes;
    for (int i = 0; i < 4; ++i) {
        const QJsonObject reply = raw.request(QStringLiteral("chat.typing"), member);
        codes << (reply.value(k("ok")).toBool()
                ? QStringLiteral("ok")
                : reply.value(k("error")).toObject().value(k("code")).toString());
    }
    QCOMPARE(codes,
        (QStringList { QStringLiteral("ok"), QStringLiteral("ok"), QStringLiteral("ok"),
            QStringLiteral("rate-limited") }));
    QTRY_COMPARE(b.session.typingText(), QStringLiteral("Cy is typing…"));
    raw.request(QStringLiteral("messages.send"),
        { { k("roomId"), a.session.roomId() }, { k("token"), token },
            { k("text"), QStringLiteral("hi") } });
    QTRY_COMPARE(b.session.typingText(), QString()); // its message came
    QCOMPARE(raw.request(QStringLiteral("messages.list"), member)
                 .value(k("data"))
                 .toObject()
                 .value(k("messages"))
                 .toArray()
                 .size(),
        1); // typing left nothing in the history
}

// Our membership is gone from the host's store (as when our token left elsewhere): at the next
// subscribe the host says unauthorized, and the room is over for us, wiped.
void tst_RoomSession::removedWhenTheHostForgetsUs()
{
    Person a(m_host->url()), b(m_host->url());
    a.session.create(600, 2, QStringLiteral("A"));
    QTRY_COMPARE(a.session.state(), RoomSession::State::Joined);
    b.session.join(a.session.inviteLink(), QStringLiteral("B"));
    QTRY_COMPARE(b.session.state(), RoomSession::State::Joined);
    QTRY_COMPARE(a.session.messages()->rowCount(), 1); // "B joined"
    const QString roomId = a.session.roomId();
    const QStringList members = m_host->keysContaining(roomId).filter(QStringLiteral("members:"));
    QCOMPARE(members.size(), 1);
    m_host->redisCli({ QStringLiteral("DEL"), members.first() });
    a.client.abortConnection();
    QTRY_COMPARE_WITH_TIMEOUT(a.session.state(), RoomSession::State::Removed, 10000);
    QCOMPARE(a.session.messages()->rowCount(), 0);
    QCOMPARE(a.session.participants()->rowCount(), 0);
}

// A room that is not end to end, for scripts and third-party clients: plain names and text.
void tst_RoomSession::aPlainRoomForThirdPartyClients()
{
    Person a(m_host->url());
    a.session.create(600, 2, QStringLiteral("Ada"), false);
    QTRY_COMPARE(a.session.state(), RoomSession::State::Joined);
    QVERIFY(!a.session.endToEnd());
    QVERIFY(!a.session.inviteLink().contains(QLatin1Char('#')));
    QVERIFY(a.session.safetyCode().isEmpty());
    TestClient raw(m_host->url());
    QVERIFY(raw.open());
    const QJsonObject joined = raw.join(a.session.roomId(), QStringLiteral("Raw"));
    QCOMPARE(joined.value(k("name")).toString(), QStringLiteral("Raw"));
    QVERIFY(!joined.contains(k("e2e")));
    QTRY_COMPARE(a.session.messages()->rowCount(), 1); // "Raw joined"
    a.session.send(QStringLiteral("plain words"));
    QTRY_COMPARE(a.session.messages()->rowCount(), 2);
    QTRY_COMPARE(
        row(a.session.messages(), 1, "delivery").toInt(), int(MessagesModel::Delivery::Stored));
    QCOMPARE(row(a.session.messages(), 1, "seal").toInt(), int(MessagesModel::Seal::None));
    const QString stored = QString::fromUtf8(m_host->redisCli({ QStringLiteral("LRANGE"),
        m_host->keysContaining(a.session.roomId()).filter(QStringLiteral("messages:")).value(0),
        QStringLiteral("0"), QStringLiteral("-1") }));
    QVERIFY(stored.contains(QStringLiteral("plain words")));
}

// An invite cut before #k=: the room opens, says it is locked, shows every message as
// undecryptable, and writes nothing.
void tst_RoomSession::withoutTheKeyTheRoomOpensLocked()
{
    Person a(m_host->url()), b(m_host->url());
    a.session.create(600, 3, QStringLiteral("Ada"));
    QTRY_COMPARE(a.session.state(), RoomSession::State::Joined);
    a.session.send(QStringLiteral("before"));
    QTRY_COMPARE(a.session.messages()->rowCount(), 1);
    b.session.join(a.session.inviteLink().section(QLatin1Char('#'), 0, 0), QStringLiteral("Bo"));
    QTRY_COMPARE(b.session.state(), RoomSession::State::Joined);
    QVERIFY(b.session.endToEnd());
    QVERIFY(b.session.keyMissing());
    QVERIFY(!b.session.canWrite());
    QVERIFY(b.session.safetyCode().isEmpty());
    QTRY_COMPARE(b.session.messages()->rowCount(), 1);
    QCOMPARE(row(b.session.messages(), 0, "seal").toInt(), int(MessagesModel::Seal::Undecryptable));
    QCOMPARE(row(b.session.messages(), 0, "text").toString(), QString());
    QCOMPARE(row(b.session.messages(), 0, "sender").toString(), QString());
    b.session.send(QStringLiteral("cannot"));
    QCOMPARE(b.session.messages()->rowCount(), 1);
    // Others see the member, its name unreadable to them (sealed with a key nobody has).
    QTRY_COMPARE(a.session.participants()->rowCount(), 2);
    QCOMPARE(
        row(a.session.participants(), 1, "name").toString(), QStringLiteral("(name unreadable)"));
}

void tst_RoomSession::aWrongKeyReadsNothing()
{
    Person a(m_host->url()), b(m_host->url());
    a.session.create(600, 3, QStringLiteral("Ada"));
    QTRY_COMPARE(a.session.state(), RoomSession::State::Joined);
    const QString wrong = a.session.inviteLink().section(QLatin1Char('#'), 0, 0)
        + QStringLiteral("#k=") + QString(43, QLatin1Char('A'));
    b.session.join(wrong, QStringLiteral("Bo"));
    QTRY_COMPARE(b.session.state(), RoomSession::State::Joined);
    QVERIFY(!b.session.keyMissing()); // a key, just not this room's
    a.session.send(QStringLiteral("secret"));
    QTRY_COMPARE(b.session.messages()->rowCount(), 1);
    QCOMPARE(row(b.session.messages(), 0, "seal").toInt(), int(MessagesModel::Seal::Undecryptable));
    QVERIFY(b.session.safetyCode() != a.session.safetyCode());
}

void tst_RoomSession::aSessionGoneWithARequestInFlight_data()
{
    QTest::addColumn<QString>("op");
    for (const char *op : { "create", "join", "send", "destroy" })
        QTest::newRow(op) << QString::fromLatin1(op);
}

// A page closes while its session waits for the host: the answer arrives after the session
// is freed and must not reach it (ASan sees any touch: scripts/test --sanitize).
void tst_RoomSession::aSessionGoneWithARequestInFlight()
{
    QFETCH(QString, op);
    RealtimeClient client;
    client.setUrl(m_host->url());
    QTRY_COMPARE(client.status(), RealtimeClient::Status::Connected);
    TestClient admin(m_host->url());
    QVERIFY(admin.open());
    const QString invite = QStringLiteral("privatechat://%1/%2")
                               .arg(authority(m_host->url()), admin.createRoom(600, 3));
    auto *session = new RoomSession;
    session->setClient(&client);
    if (op == QLatin1StringView("send") || op == QLatin1StringView("destroy")) {
        session->join(invite, QStringLiteral("Gone"));
        QTRY_COMPARE(session->state(), RoomSession::State::Joined);
    }
    if (op == QLatin1StringView("create"))
        session->create(600, 2, QStringLiteral("Gone"));
    else if (op == QLatin1StringView("join"))
        session->join(invite, QStringLiteral("Gone"));
    else if (op == QLatin1StringView("send"))
        session->send(QStringLiteral("last words"));
    else
        session->destroyRoom();
    delete session; // its request is on its way

    // One link, replies in order: once a later request is answered, so was the session's.
    bool answered = false;
    client.createRoom({ 60, 2 }, [&](protocol::Outcome<protocol::RoomCreated> outcome) {
        answered = std::holds_alternative<protocol::RoomCreated>(outcome);
    });
    QTRY_VERIFY(answered);
    QTest::qWait(50);
    QCOMPARE(client.status(), RealtimeClient::Status::Connected);
}

QTEST_GUILESS_MAIN(tst_RoomSession)
#include "tst_roomsession.moc"
