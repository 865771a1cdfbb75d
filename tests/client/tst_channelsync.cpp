// ChannelSync over a real Link and RequestQueue to a real host and Redis: every message of a
// followed room exactly once, in seq order, through reconnects, history pages and trims, and
// the ends of a room.
#include "channelsync.h"
#include "link.h"
#include "requestqueue.h"
#include "testclient.h"
#include "testhost.h"

#include <QJsonDocument>
#include <QSignalSpy>
#include <QTest>

using namespace pc;
using namespace pc::test;
using pc::client::ChannelSync;
using pc::client::Link;
using pc::client::RequestQueue;

namespace {

// The three parts as RealtimeClient composes them, recording what is handed on.
struct Rig
{
    Link link;
    RequestQueue requests { link };
    ChannelSync sync { link, requests };
    QList<protocol::ChatMessage> messages;
    QList<protocol::Event> events;
    QList<std::pair<QString, qint64>> trimmed;
    QList<std::pair<QString, protocol::ErrorCode>> lost;

    explicit Rig(const QUrl &url)
    {
        QObject::connect(&sync, &ChannelSync::delivered, &sync,
            [this](const QString &, const protocol::AnyEvent &event) {
                events.append(protocol::eventOf(event));
                if (const auto *m = std::get_if<protocol::ChatMessage>(&event))
                    messages.append(*m);
            });
        QObject::connect(&sync, &ChannelSync::historyTrimmed, &sync,
            [this](const QString &channel, qint64 missed) {
                trimmed.append({ channel, missed });
            });
        QObject::connect(&sync, &ChannelSync::channelLost, &sync,
            [this](const QString &channel, const protocol::Error &error) {
                lost.append({ channel, error.code });
            });
        link.setUrl(url);
    }

    QList<qint64> seqs() const
    {
        QList<qint64> out;
        for (const auto &m : messages)
            out.append(m.seq);
        return out;
    }
};

// A member of a room on a raw protocol client: it posts, and its events are at hand.
struct Talker
{
    TestClient client;
    QString roomId, token;

    explicit Talker(const QUrl &url) : client(url) { }

    bool joinNew(int maxParticipants = 3)
    {
        if (!client.open())
            return false;
        roomId = client.createRoom(600, maxParticipants);
        token = client.join(roomId, QStringLiteral("Talker"))
                    .value(QLatin1StringView("token"))
                    .toString();
        return !token.isEmpty();
    }
    // A second member, for the rig to follow the room with.
    QString memberToken(const QString &name)
    {
        return client.join(roomId, name).value(QLatin1StringView("token")).toString();
    }
    bool say(const QString &text)
    {
        const QJsonObject reply = client.request(QStringLiteral("messages.send"),
            { { QLatin1StringView("roomId"), roomId }, { QLatin1StringView("token"), token },
                { QLatin1StringView("text"), text } });
        return reply.value(QLatin1StringView("ok")).toBool();
    }
    void sayWithoutWaiting(const QString &text, int id)
    {
        const QJsonObject frame { { QLatin1StringView("id"), QStringLiteral("w%1").arg(id) },
            { QLatin1StringView("op"), QStringLiteral("messages.send") },
            { QLatin1StringView("roomId"), roomId }, { QLatin1StringView("token"), token },
            { QLatin1StringView("text"), text } };
        client.sendRaw(QJsonDocument(frame).toJson(QJsonDocument::Compact));
    }
};

QList<qint64> range(qint64 from, qint64 to)
{
    QList<qint64> out;
    for (qint64 i = from; i <= to; ++i)
        out.append(i);
    return out;
}

host::HostOptions unlimited()
{
    host::HostOptions options;
    options.rateLimit.burst = 5000;
    options.rateLimit.perSecond = 5000;
    return options;
}

} // namespace

class tst_ChannelSync : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void cleanup() { QCOMPARE(TestClient::tokenLeak(), QString()); }
    void liveMessagesOnceInOrder();
    void historyAfterLastSeq();
    void reconnectsLeaveNoGap();
    void pagesFollowHasMoreAndSayWhatWasTrimmed();
    void theEventMaskFilters();
    void destroyEndsTheChannel();
    void aRoomThatIsGoneIsLost();
    void aRemovedRoomIsQuiet();
};

void tst_ChannelSync::liveMessagesOnceInOrder()
{
    TestHost host;
    QVERIFY(host.start());
    Talker talker(host.url());
    QVERIFY(talker.joinNew());
    Rig rig(host.url());
    QSignalSpy changed(&rig.sync, &ChannelSync::channelsChanged);
    rig.sync.add(talker.roomId, talker.memberToken(QStringLiteral("Rig")));
    QCOMPARE(changed.size(), 1);
    QCOMPARE(rig.sync.channels(), QStringList { talker.roomId });
    // presence.join of the rig's own member came before the rig followed: nothing to hear.
    QTRY_VERIFY(rig.link.isConnected());
    QTest::qWait(200); // subscribed
    for (int i = 1; i <= 30; ++i)
        QVERIFY(talker.say(QStringLiteral("live %1").arg(i)));
    QTRY_COMPARE(rig.messages.size(), 30);
    QTest::qWait(100);
    QCOMPARE(rig.seqs(), range(1, 30));
    QCOMPARE(rig.messages.last().text, QStringLiteral("live 30"));
    QCOMPARE(rig.sync.lastSeq(talker.roomId), 30);
}

void tst_ChannelSync::historyAfterLastSeq()
{
    TestHost host;
    QVERIFY(host.start());
    Talker talker(host.url());
    QVERIFY(talker.joinNew());
    for (int i = 1; i <= 10; ++i)
        QVERIFY(talker.say(QStringLiteral("old %1").arg(i)));
    Rig rig(host.url());
    rig.sync.add(talker.roomId, talker.memberToken(QStringLiteral("Rig")), 4);
    QTRY_COMPARE(rig.messages.size(), 6);
    QTest::qWait(100);
    QCOMPARE(rig.seqs(), range(5, 10));
    QCOMPARE(rig.messages.first().text, QStringLiteral("old 5"));
    QVERIFY(rig.trimmed.isEmpty());
}

void tst_ChannelSync::reconnectsLeaveNoGap()
{
    TestHost host(unlimited());
    QVERIFY(host.start());
    Talker talker(host.url());
    QVERIFY(talker.joinNew());
    Rig rig(host.url());
    rig.sync.add(talker.roomId, talker.memberToken(QStringLiteral("Rig")));
    QTRY_VERIFY(rig.link.isConnected());
    const int total = 300;
    for (int i = 1; i <= total; ++i) {
        talker.sayWithoutWaiting(QStringLiteral("m%1").arg(i), i);
        if (i % 20 == 0)
            QVERIFY(!talker.client.waitReply(QStringLiteral("w%1").arg(i)).isEmpty());
        if (i % 40 == 30)
            rig.link.abort(); // live events lost on the way; history has them
    }
    QTRY_COMPARE_WITH_TIMEOUT(rig.messages.size(), total, 20000);
    QTest::qWait(200);
    QCOMPARE(rig.seqs(), range(1, total)); // none lost, none twice, none out of order
    QCOMPARE(rig.messages.last().text, QStringLiteral("m%1").arg(total));
}

// A history larger than one reply may carry: 1,005 messages of 1,000 characters, of which the
// host keeps the last 1,000 and sends ~450 per page (hasMore).
void tst_ChannelSync::pagesFollowHasMoreAndSayWhatWasTrimmed()
{
    TestHost host(unlimited());
    QVERIFY(host.start());
    Talker talker(host.url());
    QVERIFY(talker.joinNew(4));
    const QString filler(990, QLatin1Char('x'));
    for (int i = 1; i <= 1005; ++i) {
        talker.sayWithoutWaiting(QStringLiteral("%1 ").arg(i, 4) + filler, i);
        // A batch at a time, so that what the host queues for us stays small.
        if (i % 100 == 0 || i == 1005)
            QVERIFY(!talker.client.waitReply(QStringLiteral("w%1").arg(i)).isEmpty());
    }
    // The whole history, page after page, with nothing else going on.
    Rig quiet(host.url());
    int pages = 0;
    connect(&quiet.link, &Link::replyReceived, &quiet.link, [&](const QJsonObject &reply) {
        const QJsonObject data = reply.value(QLatin1StringView("data")).toObject();
        pages += data.contains(QLatin1StringView("firstSeq"));
    });
    quiet.sync.add(talker.roomId, talker.memberToken(QStringLiteral("Quiet")));
    QTRY_COMPARE_WITH_TIMEOUT(quiet.messages.size(), 1000, 20000);
    QTest::qWait(200);
    QCOMPARE(quiet.seqs(), range(6, 1005));
    QCOMPARE(quiet.messages.first().text.left(5), QStringLiteral("   6 "));
    QCOMPARE(quiet.trimmed, (QList<std::pair<QString, qint64>> { { talker.roomId, 5 } }));
    QVERIFY2(pages >= 3, qPrintable(QStringLiteral("%1 pages").arg(pages)));

    // Once its first page is in, more is said: that arrives live while the rest is fetched.
    Rig busy(host.url());
    connect(&busy.sync, &ChannelSync::delivered, &busy.sync, [&] {
        if (busy.messages.size() != 1)
            return;
        for (int i = 1; i <= 20; ++i)
            talker.sayWithoutWaiting(QStringLiteral("live %1").arg(i), 2000 + i);
    });
    busy.sync.add(talker.roomId, talker.memberToken(QStringLiteral("Busy")));
    QTRY_COMPARE_WITH_TIMEOUT(busy.messages.size(), 1020, 20000);
    QTRY_COMPARE(quiet.messages.size(), 1020);
    QTest::qWait(200);
    QCOMPARE(busy.seqs(), range(6, 1025));
    QCOMPARE(busy.messages.last().text, QStringLiteral("live 20"));
    QCOMPARE(busy.trimmed.size(), 1);
    QCOMPARE(quiet.seqs(), range(6, 1025));
}

void tst_ChannelSync::theEventMaskFilters()
{
    TestHost host;
    QVERIFY(host.start());
    Talker talker(host.url());
    QVERIFY(talker.joinNew());
    QVERIFY(talker.say(QStringLiteral("before")));
    Rig rig(host.url());
    rig.sync.setEventMask(protocol::eventBit(protocol::Event::PresenceJoin));
    rig.sync.add(talker.roomId, talker.memberToken(QStringLiteral("Rig")));
    QTRY_VERIFY(rig.link.isConnected());
    QTest::qWait(200);
    QVERIFY(talker.say(QStringLiteral("after")));
    talker.memberToken(QStringLiteral("Third"));
    QTRY_COMPARE(rig.events.size(), 1);
    QCOMPARE(rig.events.first(), protocol::Event::PresenceJoin);
    QCOMPARE(rig.sync.lastSeq(talker.roomId), 1); // history is followed, not handed on

    // chat.destroy is handed on whatever the mask.
    QCOMPARE(talker.client
                 .request(QStringLiteral("room.destroy"),
                     { { QLatin1StringView("roomId"), talker.roomId },
                         { QLatin1StringView("token"), talker.token } })
                 .value(QLatin1StringView("ok"))
                 .toBool(),
        true);
    QTRY_COMPARE(rig.events.size(), 2);
    QCOMPARE(rig.events.last(), protocol::Event::ChatDestroy);
    QVERIFY(rig.messages.isEmpty());
}

void tst_ChannelSync::destroyEndsTheChannel()
{
    TestHost host;
    QVERIFY(host.start());
    Talker talker(host.url());
    QVERIFY(talker.joinNew());
    Rig rig(host.url());
    rig.sync.add(talker.roomId, talker.memberToken(QStringLiteral("Rig")));
    QVERIFY(talker.say(QStringLiteral("hello")));
    QTRY_COMPARE(rig.messages.size(), 1);
    QSignalSpy changed(&rig.sync, &ChannelSync::channelsChanged);
    talker.client.request(QStringLiteral("room.destroy"),
        { { QLatin1StringView("roomId"), talker.roomId },
            { QLatin1StringView("token"), talker.token } });
    QTRY_COMPARE(rig.events.last(), protocol::Event::ChatDestroy);
    QCOMPARE(changed.size(), 1);
    QVERIFY(rig.sync.channels().isEmpty());
    // Not subscribed again after a reconnect: nothing is lost, nothing is asked.
    rig.link.abort();
    QTRY_VERIFY(rig.link.isConnected());
    QTest::qWait(200);
    QVERIFY(rig.lost.isEmpty());
}

void tst_ChannelSync::aRoomThatIsGoneIsLost()
{
    TestHost host;
    QVERIFY(host.start());
    Talker talker(host.url());
    QVERIFY(talker.joinNew());
    Rig rig(host.url());
    rig.sync.add(talker.roomId, QStringLiteral("not-a-token-of-this-room"));
    QTRY_COMPARE(rig.lost.size(), 1);
    QCOMPARE(rig.lost.first(), std::make_pair(talker.roomId, protocol::ErrorCode::Unauthorized));
    QVERIFY(rig.sync.channels().isEmpty());

    // Gone while the link was down (its Redis lost it): found out on the next subscribe.
    rig.sync.add(talker.roomId, talker.memberToken(QStringLiteral("Rig")));
    QVERIFY(talker.say(QStringLiteral("hello")));
    QTRY_COMPARE(rig.messages.size(), 1);
    host.stopHost();
    QTRY_VERIFY(!rig.link.isConnected());
    const QStringList keys = host.keysContaining(talker.roomId);
    QVERIFY(!keys.isEmpty());
    host.redisCli(QStringList { QStringLiteral("DEL") } + keys);
    QVERIFY(host.keysContaining(talker.roomId).isEmpty());
    QVERIFY(host.restartHost());
    rig.link.reconnectNow();
    QTRY_COMPARE(rig.lost.size(), 2);
    QCOMPARE(rig.lost.last(), std::make_pair(talker.roomId, protocol::ErrorCode::RoomNotFound));
    QVERIFY(rig.sync.channels().isEmpty());
}

void tst_ChannelSync::aRemovedRoomIsQuiet()
{
    TestHost host;
    QVERIFY(host.start());
    Talker talker(host.url());
    QVERIFY(talker.joinNew());
    Rig rig(host.url());
    const QString token = talker.memberToken(QStringLiteral("Rig"));
    rig.sync.add(talker.roomId, token);
    QVERIFY(talker.say(QStringLiteral("one")));
    QTRY_COMPARE(rig.messages.size(), 1);
    QSignalSpy frames(&rig.link, &Link::eventReceived);
    rig.sync.remove(talker.roomId);
    QVERIFY(rig.sync.channels().isEmpty());
    QTest::qWait(100); // the unsubscribe is through
    QVERIFY(talker.say(QStringLiteral("two")));
    QTest::qWait(300);
    QCOMPARE(rig.messages.size(), 1);
    QCOMPARE(frames.size(), 0); // the host was told, not just the rig

    // Followed again from where it was.
    rig.sync.add(talker.roomId, token, 1);
    QTRY_COMPARE(rig.messages.size(), 2);
    QCOMPARE(rig.messages.last().text, QStringLiteral("two"));
}

QTEST_GUILESS_MAIN(tst_ChannelSync)
#include "tst_channelsync.moc"
