// Link, the client's WebSocket, against a real host and Redis (and a peer that hangs): states,
// frames, backoff with jitter, the open timeout and keep-alive pings.
#include "link.h"
#include "silentpeer.h"
#include "testhost.h"
#include "tlspeer.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTest>

using namespace pc;
using namespace pc::test;
using pc::client::Link;

class tst_Link : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void connectsAndCarriesFrames();
    void lostAndBackWhenTheHostReturns();
    void backoffGrowsWithJitterAndStartsOver();
    void aNewUrlIsTriedAtOnce();
    void anEmptyUrlStaysDown();
    void aHandshakeThatNeverEndsIsGivenUpOn();
    void twoUnansweredPingsMeanADeadLink();
    void aLiveHostAnswersEveryPing();
    void aFrozenHostIsSilentBeforeTheLinkEnds();
    void initTestCase();
    void thePinnedCertificateIsAccepted();
    void anotherCertificateIsRefusedBeforeAnyByte();
    void withoutAPinTheSystemCAsDecide();

private:
    QTemporaryDir m_certificates;
    TestCertificate m_host, m_interceptor;
};

void tst_Link::initTestCase()
{
    QVERIFY(m_certificates.isValid());
    m_host = TestCertificate::make(m_certificates.path(), QStringLiteral("host"));
    m_interceptor = TestCertificate::make(m_certificates.path(), QStringLiteral("interceptor"));
    QVERIFY(!m_host.certificate.isNull() && !m_interceptor.certificate.isNull());
    QVERIFY(m_host.fingerprint != m_interceptor.fingerprint);
}

void tst_Link::thePinnedCertificateIsAccepted()
{
    TlsPeer peer(m_host, true);
    Link link;
    QSignalSpy connected(&link, &Link::connected);
    link.setUrl(peer.url(), m_host.fingerprint);
    QTRY_COMPARE(connected.size(), 1);
    QCOMPARE(link.refusal(), Link::Refusal::None);
    QVERIFY(peer.received().startsWith("GET /api/realtime HTTP/1.1"));
}

// The interceptor: another certificate on the host's address. The link refuses it as the TLS
// handshake ends, before the WebSocket request: not one byte of ours reaches it (the handshake
// itself tells it only the host name we asked for), and the link does not try again by itself.
void tst_Link::anotherCertificateIsRefusedBeforeAnyByte()
{
    TlsPeer interceptor(m_interceptor, true);
    Link link;
    link.setBackoff({ 50, 100, 50 });
    QSignalSpy failed(&link, &Link::connectionFailed);
    link.setUrl(interceptor.url(), m_host.fingerprint);
    QTRY_COMPARE(failed.size(), 1);
    QCOMPARE(failed.first().first().toString(),
        QStringLiteral("This host is not the one in your invite. Someone may be intercepting the "
                       "connection."));
    QCOMPARE(link.refusal(), Link::Refusal::NotPinnedHost);
    QCOMPARE(link.state(), Link::State::Disconnected);
    QTest::qWait(500); // five backoffs' worth: no retry
    QCOMPARE(interceptor.connections(), 1);
    QVERIFY(interceptor.received().isEmpty());
    QCOMPARE(failed.size(), 1);
    // The user's own "Retry now" asks once more, and is refused the same way.
    link.reconnectNow();
    QTRY_COMPARE(failed.size(), 2);
    QCOMPARE(interceptor.connections(), 2);
    QVERIFY(interceptor.received().isEmpty());
}

void tst_Link::withoutAPinTheSystemCAsDecide()
{
    TlsPeer selfSigned(m_host, true);
    Link link;
    QSignalSpy failed(&link, &Link::connectionFailed);
    link.setUrl(selfSigned.url());
    QTRY_COMPARE(failed.size(), 1);
    QCOMPARE(link.refusal(), Link::Refusal::UntrustedCertificate);
    QVERIFY(failed.first().first().toString().startsWith(
        QStringLiteral("The host's certificate is not trusted by this computer")));
    QVERIFY(selfSigned.received().isEmpty());
}

void tst_Link::connectsAndCarriesFrames()
{
    TestHost host;
    QVERIFY(host.start());
    Link link;
    QList<Link::State> states;
    connect(&link, &Link::stateChanged, &link, [&] { states.append(link.state()); });
    QSignalSpy connected(&link, &Link::connected);
    QSignalSpy replies(&link, &Link::replyReceived);
    link.sendFrame({ { QLatin1StringView("id"), 1 } }); // not connected: dropped
    link.setUrl(host.url());
    QTRY_COMPARE(connected.size(), 1);
    QCOMPARE(states, (QList<Link::State> { Link::State::Connecting, Link::State::Connected }));
    QVERIFY(link.lastError().isEmpty()); // the hello said protocol 1

    link.sendFrame({ { QLatin1StringView("id"), 7 },
        { QLatin1StringView("op"), QStringLiteral("room.create") } });
    QTRY_COMPARE(replies.size(), 1);
    const QJsonObject reply = replies.first().first().toJsonObject();
    QCOMPARE(reply.value(QLatin1StringView("id")).toInt(), 7);
    QVERIFY(reply.value(QLatin1StringView("ok")).toBool());
}

void tst_Link::lostAndBackWhenTheHostReturns()
{
    TestHost host;
    QVERIFY(host.start());
    Link link;
    QSignalSpy connected(&link, &Link::connected);
    QSignalSpy lost(&link, &Link::lost);
    link.setUrl(host.url());
    QTRY_COMPARE(connected.size(), 1);

    host.stopHost();
    QTRY_COMPARE(lost.size(), 1);
    QCOMPARE(link.state(), Link::State::Reconnecting);
    QVERIFY(link.retryInMs() > 0);
    QVERIFY(host.restartHost());
    link.reconnectNow();
    QTRY_COMPARE(connected.size(), 2);
    QCOMPARE(link.state(), Link::State::Connected);
    QCOMPARE(lost.size(), 1);
}

// Attempt n waits a random time up to min(max, first * 2^n): the waits spread (jitter), grow
// to the cap, and start over once a connection succeeded.
void tst_Link::backoffGrowsWithJitterAndStartsOver()
{
    TestHost host;
    QVERIFY(host.start());
    const QUrl url = host.url();
    host.stopHost(); // nothing listens there now
    Link link;
    link.setBackoff({ 20, 320, 5 });
    QList<int> waits;
    connect(&link, &Link::stateChanged, &link, [&] {
        if (link.retryInMs() > 0)
            waits.append(link.retryInMs());
    });
    QSignalSpy failed(&link, &Link::connectionFailed);
    link.setUrl(url);
    QTRY_VERIFY_WITH_TIMEOUT(waits.size() >= 16, 15000);
    QCOMPARE(link.state(), Link::State::Connecting); // never connected: not a reconnect
    QVERIFY(failed.size() >= 16);
    for (int n = 0; n < waits.size(); ++n) {
        const int cap = std::min(320, 20 << std::min(n, 16));
        // A coarse timer may run up to 5% long.
        QVERIFY2(waits[n] >= 4 && waits[n] <= cap * 105 / 100 + 1,
            qPrintable(QStringLiteral("attempt %1 waited %2 ms").arg(n).arg(waits[n])));
    }
    const QList<int> late = waits.mid(4); // capped at 320
    const auto [shortest, longest] = std::minmax_element(late.begin(), late.end());
    QVERIFY2(*longest > 20, "the waits did not grow");
    QVERIFY2(*longest - *shortest > 96, "no jitter"); // 12 waits within 30% of the cap: 1 in 10^4

    QSignalSpy connected(&link, &Link::connected);
    QVERIFY(host.restartHost()); // same port
    QTRY_COMPARE_WITH_TIMEOUT(connected.size(), 1, 5000);
    waits.clear();
    host.stopHost();
    QTRY_VERIFY(!waits.isEmpty());
    QVERIFY2(waits.first() <= 20, "the backoff did not start over");
    QCOMPARE(link.state(), Link::State::Reconnecting);
}

void tst_Link::aNewUrlIsTriedAtOnce()
{
    TestHost first, second;
    QVERIFY(first.start());
    QVERIFY(second.start());
    Link link;
    QSignalSpy connected(&link, &Link::connected);
    QSignalSpy lost(&link, &Link::lost);
    link.setUrl(first.url());
    QTRY_COMPARE(connected.size(), 1);
    link.setUrl(second.url());
    QCOMPARE(lost.size(), 1);
    QCOMPARE(link.state(), Link::State::Connecting);
    QCOMPARE(link.retryInMs(), 0); // opening now, not waiting out a backoff
    QTRY_COMPARE(connected.size(), 2);
    QCOMPARE(link.url(), second.url());
}

void tst_Link::anEmptyUrlStaysDown()
{
    TestHost host;
    QVERIFY(host.start());
    Link link;
    QSignalSpy connected(&link, &Link::connected);
    link.setUrl(host.url());
    QTRY_COMPARE(connected.size(), 1);
    link.setUrl({});
    QCOMPARE(link.state(), Link::State::Disconnected);
    link.open();
    QTest::qWait(600); // longer than the first backoff
    QCOMPARE(link.state(), Link::State::Disconnected);
    QCOMPARE(connected.size(), 1);
}

void tst_Link::aHandshakeThatNeverEndsIsGivenUpOn()
{
    SilentPeer silent(false);
    Link link;
    link.setOpenTimeoutMs(300);
    QSignalSpy failed(&link, &Link::connectionFailed);
    QElapsedTimer clock;
    clock.start();
    link.setUrl(silent.url());
    QTRY_COMPARE_WITH_TIMEOUT(failed.size(), 1, 3000);
    QVERIFY(clock.elapsed() >= 250);
    QVERIFY(failed.first().first().toString().contains(QStringLiteral("did not answer")));
    QCOMPARE(link.state(), Link::State::Connecting);
    QVERIFY(link.retryInMs() > 0); // and it tries again
    QTRY_VERIFY_WITH_TIMEOUT(silent.connections() >= 2, 3000);
    link.setUrl({});
}

void tst_Link::twoUnansweredPingsMeanADeadLink()
{
    SilentPeer silent(true);
    Link link;
    link.setPingIntervalMs(100);
    QSignalSpy connected(&link, &Link::connected);
    QSignalSpy lost(&link, &Link::lost);
    link.setUrl(silent.url());
    QTRY_COMPARE(connected.size(), 1);
    QElapsedTimer clock;
    clock.start();
    QTRY_COMPARE_WITH_TIMEOUT(lost.size(), 1, 2000);
    QVERIFY2(clock.elapsed() >= 200, "gave up before two pings went unanswered");
    QCOMPARE(link.state(), Link::State::Reconnecting);
    link.setUrl({});
}

void tst_Link::aLiveHostAnswersEveryPing()
{
    TestHost host;
    QVERIFY(host.start());
    Link link;
    link.setPingIntervalMs(50);
    link.setPongDeadlineMs(500);
    QSignalSpy connected(&link, &Link::connected);
    QSignalSpy lost(&link, &Link::lost);
    QSignalSpy silent(&link, &Link::silentChanged);
    link.setUrl(host.url());
    QTRY_COMPARE(connected.size(), 1);
    QTest::qWait(1000); // twenty pings
    QCOMPARE(lost.size(), 0);
    QCOMPARE(silent.size(), 0);
    QCOMPARE(link.state(), Link::State::Connected);
}

// A host that stops answering (frozen, SIGSTOP) is said to be silent as soon as one ping goes
// unanswered for the deadline, long before the two missed pings that end the link.
void tst_Link::aFrozenHostIsSilentBeforeTheLinkEnds()
{
    SilentPeer silent(true);
    Link link;
    link.setPingIntervalMs(1000);
    link.setPongDeadlineMs(200);
    QSignalSpy connected(&link, &Link::connected);
    QSignalSpy lost(&link, &Link::lost);
    QElapsedTimer clock; // from the moment of connecting, however late the test notices it
    connect(&link, &Link::connected, this, [&clock] { clock.start(); });
    link.setUrl(silent.url());
    QTRY_COMPARE(connected.size(), 1);
    QVERIFY(!link.isSilent());
    QTRY_VERIFY_WITH_TIMEOUT(link.isSilent(), 3000);
    QVERIFY2(clock.elapsed() >= 1000, "silent before a ping was sent");
    QCOMPARE(link.state(), Link::State::Connected);
    QCOMPARE(lost.size(), 0);
    QTRY_COMPARE_WITH_TIMEOUT(lost.size(), 1, 5000); // and then, as the contract says, down
    QVERIFY(!link.isSilent());
    link.setUrl({});
}

QTEST_GUILESS_MAIN(tst_Link)
#include "tst_link.moc"
