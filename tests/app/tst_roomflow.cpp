// RoomFlow, the app's way through rooms, against real parts: a real host with its own Redis
// for the rooms of others (TestHost), the flow's own in-app host (HostController) for the
// rooms it hosts, real clients for the other people. Every transition, failures included.
#include "hostcontroller.h"
#include "realtimeclient.h"
#include "roomflow.h"
#include "roomsession.h"
#include "testhost.h"
#include "usertexts.h"

#include "tls/fingerprint.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTest>

#include <csignal>
#include <memory>
#include <unistd.h>

using namespace pc;
using desktop::RoomFlow;
using desktop::UserTexts;
using State = RoomFlow::State;
using EndReason = RoomFlow::EndReason;
using Failure = RoomFlow::Failure;
using Session = client::RoomSession::State;
using Host = hosting::HostController::State;

namespace {

// Someone else's app: a client and a room session on it.
struct Person
{
    client::RealtimeClient client;
    client::RoomSession session;

    explicit Person(const QUrl &url = {})
    {
        client.setUrl(url);
        session.setClient(&client);
    }
};

// Every state the flow went through, and what it said while it was busy.
struct Trace
{
    QList<State> states;
    QStringList progress;

    explicit Trace(RoomFlow &flow)
    {
        QObject::connect(&flow, &RoomFlow::stateChanged, &flow, [this, &flow] {
            states << flow.state();
            if (flow.isBusy())
                progress << flow.progressText();
        });
    }
};

std::unique_ptr<RoomFlow> newFlow(const QString &name = QStringLiteral("Flo"))
{
    auto flow = std::make_unique<RoomFlow>();
    flow->setName(name);
    flow->setListenAddress(QStringLiteral("127.0.0.1:0"));
    return flow;
}

// redis-server children of this process other than `except`: the one the flow's host started.
QList<qint64> redisChildren(qint64 except)
{
    QList<qint64> pids;
    const QStringList entries = QDir(QStringLiteral("/proc")).entryList(QDir::Dirs);
    for (const QString &entry : entries) {
        bool numeric = false;
        const qint64 pid = entry.toLongLong(&numeric);
        if (!numeric || pid == except)
            continue;
        QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
        if (!stat.open(QIODevice::ReadOnly))
            continue;
        // "pid (comm) state ppid …"; comm may hold spaces and parentheses.
        const QByteArray line = stat.readAll();
        const qsizetype open = line.indexOf('('), close = line.lastIndexOf(')');
        if (open < 0 || close < open)
            continue;
        const QList<QByteArray> rest = line.mid(close + 2).split(' ');
        if (line.mid(open + 1, close - open - 1) == "redis-server" && rest.size() > 1
            && rest.at(1).toLongLong() == ::getpid())
            pids << pid;
    }
    return pids;
}

QString authority(const QUrl &url)
{
    return QStringLiteral("%1:%2").arg(url.host()).arg(url.port());
}

} // namespace

class tst_RoomFlow : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();

    // Rooms and how they end.
    void hostAndDestroyIt();
    void stopHosting();
    void hostAgainWhileTheLastHostStops();
    void joinAndLeave();
    void aGuestCannotDestroyAHostedRoom();
    void theHostRemovesAGuest();
    void aLockedRoomSaysSo();
    void expired();
    void removed();
    void hostGoneUnderTheRoom();
    void aMessageNotSentIsANotice();

    // Failures.
    void hostFails_data();
    void hostFails();
    void unreachable();
    void aHostThatNeverAnswers();
    void notFound();
    void full();
    void refused();
    void badInvite();
    void joinsAPinnedHost();
    void anInterceptorIsRefused();
    void createsOnAServer();
    void createOnRefusesWhatIsNotAServer_data();
    void createOnRefusesWhatIsNotAServer();
    void createOnAServerItCannotVerify();

    // Cancel.
    void cancelWhileStartingHost();
    void cancelWhileCreating();
    void cancelWhileJoining();

    // Quit.
    void quitInTheLobby();
    void quitWhileHosting();
    void quitAsAGuest();
    void quitWhileStartingHost();
    void quitWhileJoining();
    void quitWhileLeaving();
    void quitIsBoundedWhenTheRoomDoesNotAnswer();

private:
    // A room of someone else's on the test host; its invite.
    QString othersRoom(Person &owner, int ttl = 600, int max = 3);
    // The flow hosts a room and is in it.
    void hostRoom(RoomFlow &flow, int ttl = 600, int max = 3);

    std::unique_ptr<test::TestHost> m_host;
};

void tst_RoomFlow::initTestCase()
{
    m_host = std::make_unique<test::TestHost>();
    QVERIFY(m_host->start());
}

QString tst_RoomFlow::othersRoom(Person &owner, int ttl, int max)
{
    owner.client.setUrl(m_host->url());
    owner.session.create(ttl, max, QStringLiteral("Owner"));
    if (!QTest::qWaitFor([&] { return owner.session.state() == Session::Joined; }, 10000))
        return {};
    return owner.session.inviteLink();
}

void tst_RoomFlow::hostRoom(RoomFlow &flow, int ttl, int max)
{
    flow.hostRoom(ttl, max);
    QTRY_COMPARE_WITH_TIMEOUT(flow.state(), State::InRoom, 20000);
}

// Lobby → StartingHost → Creating → Joining → InRoom, with words for each wait; a guest joins
// with the invite and destroys the room: the lobby says so and our host stops.
void tst_RoomFlow::hostAndDestroyIt()
{
    auto flow = newFlow();
    Trace trace(*flow);
    QSignalSpy invites(flow.get(), &RoomFlow::inviteReady);
    QCOMPARE(flow->state(), State::Lobby);
    QVERIFY(!flow->isBusy());
    flow->hostRoom(600, 3);
    QCOMPARE(flow->state(), State::StartingHost);
    QVERIFY(flow->isHosting() && flow->isBusy() && flow->isCancellable());
    QTRY_COMPARE_WITH_TIMEOUT(flow->state(), State::InRoom, 20000);
    QCOMPARE(trace.states,
        (QList<State> { State::StartingHost, State::Creating, State::Joining, State::InRoom }));
    QCOMPARE(trace.progress,
        (QStringList { UserTexts::progress(State::StartingHost),
            UserTexts::progress(State::Creating), UserTexts::progress(State::Joining) }));
    for (const QString &text : std::as_const(trace.progress))
        QVERIFY(!text.isEmpty());
    QVERIFY(flow->isInRoom() && !flow->isBusy());
    QCOMPARE(flow->host()->state(), Host::Running);
    // Its TLS identity, kept in the app's data folder: the pin of every invite.
    QVERIFY2(
        tls::isFingerprint(flow->host()->fingerprint()), qPrintable(flow->host()->fingerprint()));
    QVERIFY(flow->session()->inviteLink().contains(
        QStringLiteral("?fp=") + flow->host()->fingerprint()));
    QCOMPARE(flow->session()->name(), QStringLiteral("Flo"));
    QCOMPARE(flow->inviteAddresses(), QStringList { flow->host()->inviteHost() });
    QCOMPARE(invites.size(), 1);
    const QString invite = invites.first().first().toString();
    QCOMPARE(invite, flow->session()->inviteLink());
    QVERIFY(invite.contains(flow->host()->inviteHost()));
    QCOMPARE(flow->alertText(), QString());

    Person guest;
    guest.session.join(invite, QStringLiteral("Guest"));
    QTRY_COMPARE(guest.session.state(), Session::Joined);
    QTRY_COMPARE(flow->session()->participants()->rowCount(), 2);
    // We host it: only we may destroy it.
    QVERIFY(flow->session()->isHost() && !guest.session.canDestroy());
    guest.session.destroyRoom();
    QTest::qWait(200);
    QCOMPARE(flow->state(), State::InRoom);
    flow->destroyRoom();
    QTRY_COMPARE_WITH_TIMEOUT(flow->state(), State::Lobby, 10000);
    QCOMPARE(flow->endReason(), EndReason::Destroyed);
    QCOMPARE(flow->failure(), Failure::None);
    QCOMPARE(flow->alertKind(), QStringLiteral("warning"));
    QVERIFY2(
        flow->alertText().contains(QStringLiteral("destroyed")), qPrintable(flow->alertText()));
    QVERIFY(!flow->isHosting());
    QTRY_COMPARE_WITH_TIMEOUT(flow->host()->state(), Host::Stopped, 10000);
    QCOMPARE(flow->client()->url(), QUrl());

    flow->dismissAlert();
    QCOMPARE(flow->alertText(), QString());
    QCOMPARE(flow->endReason(), EndReason::Destroyed); // dismissed, not forgotten
}

// InRoom → Leaving → Lobby: the room is destroyed for everyone, then our host stops.
void tst_RoomFlow::stopHosting()
{
    auto flow = newFlow();
    hostRoom(*flow);
    Person guest;
    guest.session.join(flow->session()->inviteLink(), QStringLiteral("Guest"));
    QTRY_COMPARE(guest.session.state(), Session::Joined);
    Trace trace(*flow);
    flow->leave();
    QCOMPARE(flow->state(), State::Leaving);
    QVERIFY(flow->isBusy() && !flow->isCancellable() && !flow->isInRoom());
    QVERIFY(!flow->progressText().isEmpty());
    flow->cancel(); // not a wait one may give up
    QCOMPARE(flow->state(), State::Leaving);
    QTRY_COMPARE_WITH_TIMEOUT(flow->state(), State::Lobby, 10000);
    QCOMPARE(trace.states, (QList<State> { State::Leaving, State::Lobby }));
    QCOMPARE(flow->host()->state(), Host::Stopped); // before the lobby, not after
    QCOMPARE(guest.session.state(), Session::Destroyed);
    QCOMPARE(flow->endReason(), EndReason::Destroyed);
    QCOMPARE(flow->alertKind(), QStringLiteral("warning"));
    QVERIFY(!flow->isHosting());
}

// The last room's host is still stopping: the next one starts once it has.
void tst_RoomFlow::hostAgainWhileTheLastHostStops()
{
    auto flow = newFlow();
    hostRoom(*flow, 5); // it ends by itself: the lobby comes while our host stops
    QTRY_COMPARE_WITH_TIMEOUT(flow->state(), State::Lobby, 10000);
    QCOMPARE(flow->host()->state(), Host::Stopping);
    const QString firstRoom = flow->session()->roomId();
    flow->hostRoom(60, 2);
    QCOMPARE(flow->state(), State::StartingHost);
    QCOMPARE(flow->alertText(), QString()); // a new attempt clears the last outcome
    QTRY_COMPARE_WITH_TIMEOUT(flow->state(), State::InRoom, 20000);
    QVERIFY(flow->session()->roomId() != firstRoom);
    QCOMPARE(flow->session()->maxParticipants(), 2);
}

// Lobby → Joining → InRoom → Lobby: a guest leaves, says nothing about it, the others see it.
void tst_RoomFlow::joinAndLeave()
{
    Person owner;
    const QString invite = othersRoom(owner);
    QVERIFY(!invite.isEmpty());
    auto flow = newFlow();
    Trace trace(*flow);
    flow->join(invite);
    QCOMPARE(flow->state(), State::Joining);
    QVERIFY(flow->isCancellable() && !flow->isHosting());
    QCOMPARE(flow->progressText(), UserTexts::progress(State::Joining));
    QTRY_COMPARE(flow->state(), State::InRoom);
    QTRY_COMPARE(owner.session.participants()->rowCount(), 2);
    QCOMPARE(flow->host()->state(), Host::Stopped); // a guest runs no host
    flow->leave();
    QCOMPARE(flow->state(), State::Lobby);
    QCOMPARE(trace.states, (QList<State> { State::Joining, State::InRoom, State::Lobby }));
    QCOMPARE(flow->endReason(), EndReason::Left);
    QCOMPARE(flow->alertText(), QString());
    QCOMPARE(flow->session()->state(), Session::Left);
    QTRY_COMPARE(owner.session.participants()->rowCount(), 1);
}

// Rooms the app makes are hosted: a guest's Destroy now is refused, in words, and the room
// goes on until its host destroys it.
void tst_RoomFlow::aGuestCannotDestroyAHostedRoom()
{
    Person owner;
    const QString invite = othersRoom(owner);
    auto flow = newFlow();
    flow->join(invite);
    QTRY_COMPARE(flow->state(), State::InRoom);
    QVERIFY(flow->session()->isHosted() && !flow->session()->canDestroy());
    QSignalSpy notices(flow.get(), &RoomFlow::notice);
    flow->destroyRoom();
    QTRY_COMPARE(notices.size(), 1);
    QCOMPARE(notices.first().first().toString(),
        UserTexts::notDestroyed({ protocol::ErrorCode::Forbidden, {} }));
    QCOMPARE(flow->state(), State::InRoom);
    QCOMPARE(owner.session.state(), Session::Joined);
    owner.session.destroyRoom();
    QTRY_COMPARE(flow->state(), State::Lobby);
    QCOMPARE(flow->endReason(), EndReason::Destroyed);
}

void tst_RoomFlow::theHostRemovesAGuest()
{
    Person owner;
    const QString invite = othersRoom(owner);
    auto flow = newFlow();
    QSignalSpy subscribed(flow->client(), &client::RealtimeClient::channelSubscribed);
    flow->join(invite);
    QTRY_COMPARE(flow->state(), State::InRoom);
    QTRY_COMPARE(owner.session.participants()->rowCount(), 2);
    QTRY_COMPARE(subscribed.size(), 1); // removed while subscribed: told by the event itself
    owner.session.removeMember(flow->session()->participantId());
    QTRY_COMPARE(flow->state(), State::Lobby);
    QCOMPARE(flow->endReason(), EndReason::RemovedByHost);
    QCOMPARE(flow->alertText(), UserTexts::ended(EndReason::RemovedByHost));
    QCOMPARE(flow->session()->messages()->rowCount(), 0);
    QTRY_COMPARE(owner.session.participants()->rowCount(), 1);
    // The others read who went, and how.
    const auto *messages = owner.session.messages();
    QTRY_VERIFY(
        messages->data(messages->index(messages->rowCount() - 1), client::MessagesModel::TextRole)
            .toString()
            .startsWith(QStringLiteral("The host removed ")));
}

void tst_RoomFlow::aLockedRoomSaysSo()
{
    Person owner;
    const QString invite = othersRoom(owner);
    owner.session.setLocked(true);
    QTRY_VERIFY(owner.session.isLocked());
    auto flow = newFlow();
    flow->join(invite);
    QTRY_COMPARE(flow->state(), State::Lobby);
    QCOMPARE(flow->failure(), Failure::Locked);
    QCOMPARE(flow->error().code, protocol::ErrorCode::RoomLocked);
    QCOMPARE(flow->alertText(), UserTexts::failed(Failure::Locked));
    owner.session.setLocked(false);
    QTRY_VERIFY(!owner.session.isLocked());
    flow->join(invite);
    QTRY_COMPARE(flow->state(), State::InRoom);
}

void tst_RoomFlow::expired()
{
    Person owner;
    const QString invite = othersRoom(owner, 5);
    auto flow = newFlow();
    flow->join(invite);
    QTRY_COMPARE(flow->state(), State::InRoom);
    QTRY_COMPARE_WITH_TIMEOUT(flow->state(), State::Lobby, 10000);
    QCOMPARE(flow->endReason(), EndReason::Expired);
    QCOMPARE(flow->alertKind(), QStringLiteral("warning"));
    QVERIFY2(flow->alertText().contains(QStringLiteral("expired")), qPrintable(flow->alertText()));
}

// The host no longer knows us (our membership is gone from its store): at the next subscribe
// it says unauthorized and we are back in the lobby, told so.
void tst_RoomFlow::removed()
{
    Person owner;
    const QString invite = othersRoom(owner);
    auto flow = newFlow();
    flow->join(invite);
    QTRY_COMPARE(flow->state(), State::InRoom);
    const QStringList members
        = m_host->keysContaining(flow->session()->roomId()).filter(QStringLiteral("members:"));
    QCOMPARE(members.size(), 1);
    m_host->redisCli({ QStringLiteral("DEL"), members.first() });
    flow->client()->abortConnection();
    QTRY_COMPARE_WITH_TIMEOUT(flow->state(), State::Lobby, 10000);
    QCOMPARE(flow->endReason(), EndReason::Removed);
    QCOMPARE(flow->alertKind(), QStringLiteral("error"));
    QCOMPARE(flow->alertText(), UserTexts::ended(EndReason::Removed));
    QVERIFY(!flow->alertText().isEmpty());
}

// Our host's Redis dies under the room we host: the room is gone, and the lobby says why.
void tst_RoomFlow::hostGoneUnderTheRoom()
{
    auto flow = newFlow();
    hostRoom(*flow);
    const QList<qint64> ours = redisChildren(m_host->redis().pid());
    QCOMPARE(ours.size(), 1);
    ::kill(pid_t(ours.first()), SIGKILL);
    QTRY_COMPARE_WITH_TIMEOUT(flow->state(), State::Lobby, 10000);
    QCOMPARE(flow->endReason(), EndReason::HostGone);
    QCOMPARE(flow->alertKind(), QStringLiteral("error"));
    QVERIFY2(flow->alertText().contains(QStringLiteral("stopped")), qPrintable(flow->alertText()));
    QVERIFY2(flow->alertText().contains(QStringLiteral("Redis")), qPrintable(flow->alertText()));
    QVERIFY(flow->session()->state() != Session::Joined);
    QVERIFY(!flow->isHosting());
    QCOMPARE(flow->client()->url(), QUrl());
    // And hosting again works.
    hostRoom(*flow);
}

void tst_RoomFlow::aMessageNotSentIsANotice()
{
    Person owner;
    const QString invite = othersRoom(owner);
    auto flow = newFlow();
    flow->join(invite);
    QTRY_COMPARE(flow->state(), State::InRoom);
    QSignalSpy notices(flow.get(), &RoomFlow::notice);
    flow->session()->send(QString(1001, QLatin1Char('x')));
    QTRY_COMPARE(notices.size(), 1);
    QCOMPARE(notices.first().first().toString(),
        UserTexts::notSent({ protocol::ErrorCode::TooLarge, {} }));
    QVERIFY(notices.first().first().toString().startsWith(QStringLiteral("Not sent: ")));
    QCOMPARE(flow->state(), State::InRoom);
}

void tst_RoomFlow::hostFails_data()
{
    QTest::addColumn<QString>("listen");
    QTest::addColumn<QString>("why");
    QTest::newRow("not an address") << QStringLiteral("nowhere") << QString();
    // A port that is taken (not 7878, which would fall back to a free one).
    QTest::newRow("port taken") << authority(m_host->url()) << QStringLiteral("cannot listen");
}

void tst_RoomFlow::hostFails()
{
    QFETCH(QString, listen);
    QFETCH(QString, why);
    auto flow = newFlow();
    flow->setListenAddress(listen);
    Trace trace(*flow);
    flow->hostRoom(600, 2);
    QTRY_COMPARE_WITH_TIMEOUT(flow->state(), State::Lobby, 20000);
    QCOMPARE(trace.states.first(), State::StartingHost);
    QCOMPARE(flow->failure(), Failure::HostFailed);
    QCOMPARE(flow->endReason(), EndReason::None);
    QCOMPARE(flow->alertKind(), QStringLiteral("error"));
    QVERIFY2(flow->alertText().startsWith(QStringLiteral("Could not host a room: ")),
        qPrintable(flow->alertText()));
    QVERIFY2(flow->alertText().contains(why), qPrintable(flow->alertText()));
    QVERIFY(!flow->isHosting() && !flow->isBusy());
}

void tst_RoomFlow::unreachable()
{
    auto flow = newFlow();
    flow->join(QStringLiteral("privatechat://127.0.0.1:1/AAAAAAAAAAAAAAAAAAAAA"));
    QCOMPARE(flow->state(), State::Joining);
    QTRY_COMPARE_WITH_TIMEOUT(flow->state(), State::Lobby, 10000);
    QCOMPARE(flow->failure(), Failure::Unreachable);
    QCOMPARE(flow->error().code, protocol::ErrorCode::Unavailable);
    QVERIFY2(flow->alertText().contains(QStringLiteral("cannot be reached")),
        qPrintable(flow->alertText()));
    QCOMPARE(flow->alertKind(), QStringLiteral("error"));
}

// It takes the connection and never says a word: given up on at the client's answer timeout.
void tst_RoomFlow::aHostThatNeverAnswers()
{
    QTcpServer silent;
    QVERIFY(silent.listen(QHostAddress::LocalHost));
    auto flow = newFlow();
    flow->client()->setAnswerTimeoutMs(500);
    flow->join(QStringLiteral("127.0.0.1:%1/AAAAAAAAAAAAAAAAAAAAA").arg(silent.serverPort()));
    QCOMPARE(flow->state(), State::Joining);
    QTRY_COMPARE_WITH_TIMEOUT(flow->state(), State::Lobby, 5000);
    QCOMPARE(flow->failure(), Failure::Unreachable);
}

void tst_RoomFlow::notFound()
{
    auto flow = newFlow();
    flow->join(authority(m_host->url()) + QStringLiteral("/AAAAAAAAAAAAAAAAAAAAA"));
    QTRY_COMPARE(flow->state(), State::Lobby);
    QCOMPARE(flow->failure(), Failure::NotFound);
    QVERIFY2(flow->alertText().contains(QStringLiteral("does not exist")),
        qPrintable(flow->alertText()));
}

void tst_RoomFlow::full()
{
    Person owner, other;
    const QString invite = othersRoom(owner, 600, 2);
    other.session.join(invite, QStringLiteral("Other"));
    QTRY_COMPARE(other.session.state(), Session::Joined);
    auto flow = newFlow();
    flow->join(invite);
    QTRY_COMPARE(flow->state(), State::Lobby);
    QCOMPARE(flow->failure(), Failure::Full);
    QCOMPARE(flow->error().code, protocol::ErrorCode::RoomFull);
    QVERIFY2(flow->alertText().contains(QStringLiteral("full")), qPrintable(flow->alertText()));
}

// A real privatechat-server over TLS: the invite pins it, and both ends see one safety code.
void tst_RoomFlow::joinsAPinnedHost()
{
    test::ServerProcess server({ QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0") });
    QVERIFY(server.start());
    QCOMPARE(server.listeningUrl().scheme(), QStringLiteral("wss"));
    Person owner;
    owner.client.setServer(server.listeningUrl(), server.fingerprint());
    owner.session.create(600, 3, QStringLiteral("Owner"));
    QTRY_COMPARE(owner.session.state(), Session::Joined);
    const QString invite = owner.session.inviteLink();
    QVERIFY2(invite.contains(QStringLiteral("?fp=") + server.fingerprint() + QStringLiteral("#k=")),
        qPrintable(invite));
    auto flow = newFlow();
    flow->join(invite);
    QTRY_COMPARE(flow->state(), State::InRoom);
    QCOMPARE(flow->client()->url().scheme(), QStringLiteral("wss"));
    QVERIFY(flow->session()->endToEnd());
    QCOMPARE(flow->session()->safetyCode(), owner.session.safetyCode());
}

// Another host, with another identity, answers at the invite's address: the flow goes back to
// the lobby with the words for it, and does not try again.
void tst_RoomFlow::anInterceptorIsRefused()
{
    const QStringList anyPort { QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0") };
    test::ServerProcess real(anyPort), interceptor(anyPort);
    QVERIFY(real.start());
    QVERIFY(interceptor.start());
    QVERIFY(real.fingerprint() != interceptor.fingerprint());
    Person owner;
    owner.client.setServer(real.listeningUrl(), real.fingerprint());
    owner.session.create(600, 3, QStringLiteral("Owner"));
    QTRY_COMPARE(owner.session.state(), Session::Joined);
    QString invite = owner.session.inviteLink();
    invite.replace(QStringLiteral(":%1/").arg(real.listeningUrl().port()),
        QStringLiteral(":%1/").arg(interceptor.listeningUrl().port()));
    auto flow = newFlow();
    flow->join(invite);
    QTRY_COMPARE(flow->state(), State::Lobby);
    QCOMPARE(flow->failure(), Failure::NotTheHost);
    QCOMPARE(flow->alertText(),
        QStringLiteral("This host is not the one in your invite. Someone may be intercepting the "
                       "connection."));
    QCOMPARE(flow->alertKind(), QStringLiteral("error"));
    QCOMPARE(flow->client()->url(), QUrl()); // given up: nothing tries again
}

// "Create on a server…": the room lives on that host, we are its first member as a guest (no
// host of our own starts), and the invite names that host with its pin.
void tst_RoomFlow::createsOnAServer()
{
    test::ServerProcess server({ QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0") });
    QVERIFY(server.start());
    const QString hostPort = QStringLiteral("127.0.0.1:%1").arg(server.listeningUrl().port());
    auto flow = newFlow();
    QSignalSpy used(flow.get(), &RoomFlow::serverUsed);
    QSignalSpy invites(flow.get(), &RoomFlow::inviteReady);
    flow->createOn(
        QStringLiteral(" ") + hostPort + QStringLiteral(" "), server.fingerprint(), 600, 4);
    QTRY_COMPARE(flow->state(), State::InRoom);
    QVERIFY(!flow->isHosting());
    QCOMPARE(flow->host()->state(), pc::hosting::HostController::State::Stopped);
    QCOMPARE(flow->session()->maxParticipants(), 4);
    QVERIFY(flow->session()->endToEnd());
    QCOMPARE(used.size(), 1);
    QCOMPARE(used.first().value(0).toString(), hostPort);
    QCOMPARE(used.first().value(1).toString(), server.fingerprint());
    QCOMPARE(invites.size(), 1);
    const QString invite = invites.first().value(0).toString();
    QVERIFY2(invite.startsWith(QStringLiteral("privatechat://") + hostPort + QLatin1Char('/'))
            && invite.contains(
                QStringLiteral("?fp=") + server.fingerprint() + QStringLiteral("#k=")),
        qPrintable(invite));

    // A guest joins with that invite and reads what the creator says.
    auto guest = newFlow(QStringLiteral("Guest"));
    guest->join(invite);
    QTRY_COMPARE(guest->state(), State::InRoom);
    QCOMPARE(guest->session()->safetyCode(), flow->session()->safetyCode());
    flow->session()->send(QStringLiteral("made on a server"));
    QTRY_VERIFY(guest->session()->messages()->rowCount() > 0);

    // Leaving is a guest's leave: the room stays on its server for the others.
    flow->leave();
    QTRY_COMPARE(flow->state(), State::Lobby);
    QCOMPARE(flow->endReason(), EndReason::Left);
    QTest::qWait(300);
    QCOMPARE(guest->state(), State::InRoom);
}

void tst_RoomFlow::createOnRefusesWhatIsNotAServer_data()
{
    QTest::addColumn<QString>("server");
    QTest::addColumn<QString>("fingerprint");
    QTest::addColumn<QString>("alert");
    QTest::addRow("empty") << QString() << QString() << QStringLiteral("That is not a server: ");
    QTest::addRow("words") << QStringLiteral("my friend's server") << QString()
                           << QStringLiteral("That is not a server: ");
    QTest::addRow("bad port") << QStringLiteral("127.0.0.1:99999") << QString()
                              << QStringLiteral("That is not a server: ");
    QTest::addRow("bad fingerprint")
        << QStringLiteral("127.0.0.1:7878") << QStringLiteral("abc")
        << QStringLiteral("That is not a server: the fingerprint is 43 letters, digits, - and _, "
                          "as the server prints it.");
}

// Nothing is tried: the lobby says what is wrong at once.
void tst_RoomFlow::createOnRefusesWhatIsNotAServer()
{
    QFETCH(QString, server);
    QFETCH(QString, fingerprint);
    QFETCH(QString, alert);
    auto flow = newFlow();
    Trace trace(*flow);
    flow->createOn(server, fingerprint, 600, 2);
    QCOMPARE(flow->state(), State::Lobby);
    QVERIFY(trace.states.isEmpty());
    QCOMPARE(flow->failure(), Failure::BadServer);
    QVERIFY2(flow->alertText().startsWith(alert), qPrintable(flow->alertText()));
    QCOMPARE(flow->client()->url(), QUrl());
}

// A self-signed server without its fingerprint: refused, with what to give instead.
void tst_RoomFlow::createOnAServerItCannotVerify()
{
    test::ServerProcess server({ QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0") });
    QVERIFY(server.start());
    auto flow = newFlow();
    QSignalSpy used(flow.get(), &RoomFlow::serverUsed);
    flow->createOn(
        QStringLiteral("wss://127.0.0.1:%1").arg(server.listeningUrl().port()), {}, 600, 2);
    QTRY_COMPARE(flow->state(), State::Lobby);
    QCOMPARE(flow->failure(), Failure::ServerUnverified);
    QCOMPARE(flow->alertText(),
        QStringLiteral("This server's identity cannot be checked: no authority this computer "
                       "trusts vouches for it. Give its fingerprint, the line \"fingerprint: …\" "
                       "it printed when it started."));
    QCOMPARE(used.size(), 0); // not remembered
}

// The host says no for another reason (here: a name longer than the contract allows).
void tst_RoomFlow::refused()
{
    Person owner;
    const QString invite = othersRoom(owner);
    auto flow = newFlow(QString(101, QLatin1Char('n')));
    flow->join(invite);
    QTRY_COMPARE(flow->state(), State::Lobby);
    QCOMPARE(flow->failure(), Failure::Refused);
    QCOMPARE(flow->error().code, protocol::ErrorCode::TooLarge);
    QCOMPARE(
        flow->alertText(), UserTexts::failed(Failure::Refused, UserTexts::error(flow->error())));
    QVERIFY(flow->alertText().contains(UserTexts::error(flow->error())));
}

void tst_RoomFlow::badInvite()
{
    auto flow = newFlow();
    Trace trace(*flow);
    flow->join(QStringLiteral("not an invite"));
    QCOMPARE(flow->state(), State::Lobby);
    QVERIFY(trace.states.isEmpty());
    QCOMPARE(flow->failure(), Failure::BadInvite);
    QVERIFY2(flow->alertText().startsWith(QStringLiteral("That is not an invite: ")),
        qPrintable(flow->alertText()));
}

// Nothing half-started stays running, nothing is said, and a late start changes nothing.
void tst_RoomFlow::cancelWhileStartingHost()
{
    auto flow = newFlow();
    flow->hostRoom(600, 2);
    QCOMPARE(flow->state(), State::StartingHost);
    flow->cancel();
    QCOMPARE(flow->state(), State::Lobby);
    QCOMPARE(flow->failure(), Failure::None);
    QCOMPARE(flow->alertText(), QString());
    QVERIFY(!flow->isHosting());
    QTRY_COMPARE_WITH_TIMEOUT(flow->host()->state(), Host::Stopped, 10000);
    QTest::qWait(300);
    QCOMPARE(flow->state(), State::Lobby);
}

void tst_RoomFlow::cancelWhileCreating()
{
    auto flow = newFlow();
    // As a person would: on the next turn of the loop once it says "Creating the room…".
    connect(flow.get(), &RoomFlow::stateChanged, flow.get(), [&flow] {
        if (flow->state() == State::Creating)
            QMetaObject::invokeMethod(flow.get(), &RoomFlow::cancel, Qt::QueuedConnection);
    });
    Trace trace(*flow);
    flow->hostRoom(600, 2);
    QTRY_VERIFY_WITH_TIMEOUT(trace.states.contains(State::Creating), 20000);
    QTRY_COMPARE(flow->state(), State::Lobby);
    QCOMPARE(trace.states, (QList<State> { State::StartingHost, State::Creating, State::Lobby }));
    QCOMPARE(flow->session()->state(), Session::Idle);
    QTRY_COMPARE_WITH_TIMEOUT(flow->host()->state(), Host::Stopped, 10000);
    QTest::qWait(300); // the answer to the create, if any, comes to nothing
    QCOMPARE(flow->state(), State::Lobby);
    QCOMPARE(flow->session()->state(), Session::Idle);
    QCOMPARE(flow->alertText(), QString());
}

void tst_RoomFlow::cancelWhileJoining()
{
    QTcpServer silent;
    QVERIFY(silent.listen(QHostAddress::LocalHost));
    auto flow = newFlow();
    flow->join(QStringLiteral("127.0.0.1:%1/AAAAAAAAAAAAAAAAAAAAA").arg(silent.serverPort()));
    QCOMPARE(flow->state(), State::Joining);
    QTest::qWait(100);
    flow->cancel();
    QCOMPARE(flow->state(), State::Lobby);
    QCOMPARE(flow->failure(), Failure::None);
    QCOMPARE(flow->alertText(), QString());
    QCOMPARE(flow->session()->state(), Session::Idle);
    QCOMPARE(flow->client()->url(), QUrl()); // the silent host is no longer tried

    // A real room after a cancelled one.
    Person owner;
    flow->join(othersRoom(owner));
    QTRY_COMPARE(flow->state(), State::InRoom);
}

void tst_RoomFlow::quitInTheLobby()
{
    auto flow = newFlow();
    QSignalSpy finished(flow.get(), &RoomFlow::finished);
    QVERIFY(flow->quit());
    QCOMPARE(flow->state(), State::Finished);
    QCOMPARE(finished.size(), 1);
    QVERIFY(flow->quit()); // and stays so
    flow->hostRoom(600, 2);
    flow->join(QStringLiteral("127.0.0.1:1/AAAAAAAAAAAAAAAAAAAAA"));
    QCOMPARE(flow->state(), State::Finished);
}

// The room we host is destroyed for everyone and our host stopped before finished().
void tst_RoomFlow::quitWhileHosting()
{
    auto flow = newFlow();
    hostRoom(*flow);
    Person guest;
    guest.session.join(flow->session()->inviteLink(), QStringLiteral("Guest"));
    QTRY_COMPARE(guest.session.state(), Session::Joined);
    Trace trace(*flow);
    bool doneFirst = false;
    connect(flow.get(), &RoomFlow::finished, flow.get(),
        [&] { doneFirst = flow->host()->state() == Host::Stopped; });
    QSignalSpy finished(flow.get(), &RoomFlow::finished);
    QVERIFY(!flow->quit());
    QCOMPARE(flow->state(), State::Quitting);
    QVERIFY(flow->isBusy() && !flow->isCancellable());
    QVERIFY(!flow->quit()); // a second close waits too
    QTRY_COMPARE_WITH_TIMEOUT(
        finished.size(), 1, RoomFlow::kRoomStepTimeoutMs + RoomFlow::kHostStopTimeoutMs);
    QCOMPARE(trace.states, (QList<State> { State::Quitting, State::Finished }));
    QVERIFY(doneFirst);
    QTRY_COMPARE(guest.session.state(), Session::Destroyed);
    QVERIFY(flow->quit());
}

// A guest's leave reaches the host before finished().
void tst_RoomFlow::quitAsAGuest()
{
    Person owner;
    const QString invite = othersRoom(owner);
    auto flow = newFlow();
    flow->join(invite);
    QTRY_COMPARE(flow->state(), State::InRoom);
    QTRY_COMPARE(owner.session.participants()->rowCount(), 2);
    QSignalSpy finished(flow.get(), &RoomFlow::finished);
    QVERIFY(!flow->quit());
    QCOMPARE(flow->state(), State::Quitting);
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, RoomFlow::kRoomStepTimeoutMs);
    QTRY_COMPARE(owner.session.participants()->rowCount(), 1);
    QCOMPARE(owner.session.state(), Session::Joined); // a guest's quit ends nobody's room
}

void tst_RoomFlow::quitWhileStartingHost()
{
    auto flow = newFlow();
    flow->hostRoom(600, 2);
    QSignalSpy finished(flow.get(), &RoomFlow::finished);
    QVERIFY(!flow->quit());
    QCOMPARE(flow->state(), State::Quitting);
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, RoomFlow::kHostStopTimeoutMs + 1000);
    QCOMPARE(flow->host()->state(), Host::Stopped);
}

void tst_RoomFlow::quitWhileJoining()
{
    QTcpServer silent;
    QVERIFY(silent.listen(QHostAddress::LocalHost));
    auto flow = newFlow();
    flow->join(QStringLiteral("127.0.0.1:%1/AAAAAAAAAAAAAAAAAAAAA").arg(silent.serverPort()));
    QVERIFY(flow->quit()); // nothing of ours to wait for
    QCOMPARE(flow->state(), State::Finished);
    QCOMPARE(flow->session()->state(), Session::Idle);
}

void tst_RoomFlow::quitWhileLeaving()
{
    auto flow = newFlow();
    hostRoom(*flow);
    flow->leave();
    QCOMPARE(flow->state(), State::Leaving);
    QSignalSpy finished(flow.get(), &RoomFlow::finished);
    QVERIFY(!flow->quit());
    QCOMPARE(flow->state(), State::Quitting);
    QTRY_COMPARE_WITH_TIMEOUT(
        finished.size(), 1, RoomFlow::kRoomStepTimeoutMs + RoomFlow::kHostStopTimeoutMs);
    QCOMPARE(flow->host()->state(), Host::Stopped);
}

// Our host's Redis stops answering (SIGSTOP): the destroy gets no answer, so each step is
// given up on at its bound and the app still gets to exit.
void tst_RoomFlow::quitIsBoundedWhenTheRoomDoesNotAnswer()
{
    auto flow = newFlow();
    hostRoom(*flow);
    const QList<qint64> ours = redisChildren(m_host->redis().pid());
    QCOMPARE(ours.size(), 1);
    ::kill(pid_t(ours.first()), SIGSTOP);
    QSignalSpy finished(flow.get(), &RoomFlow::finished);
    QElapsedTimer clock;
    clock.start();
    QVERIFY(!flow->quit());
    QTRY_COMPARE_WITH_TIMEOUT(
        finished.size(), 1, RoomFlow::kRoomStepTimeoutMs + RoomFlow::kHostStopTimeoutMs + 1000);
    QVERIFY2(clock.elapsed() >= RoomFlow::kRoomStepTimeoutMs - 100,
        qPrintable(QString::number(clock.elapsed())));
    ::kill(pid_t(ours.first()), SIGCONT); // if it is still there; the host kills it on stop
}

QTEST_GUILESS_MAIN(tst_RoomFlow)
#include "tst_roomflow.moc"
