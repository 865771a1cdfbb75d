// The binding against a real Redis Cluster (3 masters, 3 replicas): slot routing, MOVED, ASK,
// sharded pub/sub, a slot that moves under a subscription and a master that dies.
#include "redis/clusterslots.h"
#include "redis/connection.h"
#include "redis/subscriber.h"
#include "support/testcluster.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTest>
#include <QTimer>

#include <memory>

using namespace pc::redis;
using pc::test::TestCluster;

namespace {

// Runs one command and waits for its reply.
Reply run(Connection &c, const QList<QByteArray> &args, int timeoutMs = 5000)
{
    auto replies = std::make_shared<QList<Reply>>();
    c.command(args, [replies](const Reply &r) { replies->append(r); });
    (void)QTest::qWaitFor([&] { return !replies->isEmpty(); }, timeoutMs);
    return replies->isEmpty() ? Reply::error("TIMEOUT in test") : replies->first();
}

// A key with a hash tag whose slot a given master serves.
QByteArray keyOnMaster(TestCluster &cluster, quint16 master, const QByteArray &name)
{
    for (int i = 0; i < 100000; ++i) {
        const QByteArray key = name + ":{" + QByteArray::number(i) + '}';
        if (cluster.ownerOf(keySlot(key)) == master)
            return key;
    }
    return {};
}

} // namespace

class tst_Cluster : public QObject
{
    Q_OBJECT

private:
    Options options() const
    {
        Options o;
        o.url = m_cluster->url();
        o.minReconnectDelayMs = 20;
        o.maxReconnectDelayMs = 200;
        return o;
    }

    std::unique_ptr<Connection> openConnection()
    {
        auto c = std::make_unique<Connection>(options());
        QSignalSpy connected(c.get(), &Connection::connected);
        c->open();
        if (!connected.wait(10000))
            return nullptr;
        return c;
    }

    // A key per master, memoised by the master's port (the map is read with redis-cli).
    // A slot's migration half done: the new owner IMPORTING, the old one MIGRATING.
    bool beginMigration(int slot, quint16 from, quint16 to)
    {
        const QString s = QString::number(slot);
        const QString cluster = QStringLiteral("CLUSTER"), setslot = QStringLiteral("SETSLOT");
        const QString fromId
            = QString::fromLatin1(m_cluster->cli(from, { cluster, QStringLiteral("MYID") }));
        const QString toId
            = QString::fromLatin1(m_cluster->cli(to, { cluster, QStringLiteral("MYID") }));
        return m_cluster->cli(to, { cluster, setslot, s, QStringLiteral("IMPORTING"), fromId })
            == "OK"
            && m_cluster->cli(from, { cluster, setslot, s, QStringLiteral("MIGRATING"), toId })
            == "OK";
    }
    QByteArray keyOn(quint16 master, const char *name)
    {
        return keyOnMaster(*m_cluster, master, QByteArray(QTest::currentTestFunction()) + name);
    }

    std::unique_ptr<TestCluster> m_cluster;

private Q_SLOTS:
    void initTestCase();
    void urlParses();
    void keySlotIsRedis();
    void commandsGoToTheSlotsMaster();
    void followsMoved();
    void followsAsk();
    void retriesTryAgain();
    void shardedSubscriptionOnEveryShard();
    void subscriptionFollowsAMigratedSlot();
    void subscriberReopensAndMayBeDeletedByItsHandler();
    void failoverFindsTheNewMaster(); // last: it leaves one node dead
};

void tst_Cluster::initTestCase()
{
    QElapsedTimer timer;
    timer.start();
    m_cluster = std::make_unique<TestCluster>();
    QVERIFY(m_cluster->start());
    QCOMPARE(m_cluster->masters().size(), 3);
    qInfo() << "6-node cluster up in" << timer.elapsed() << "ms";
}

void tst_Cluster::urlParses()
{
    QString error;
    const auto url
        = Url::parse(QStringLiteral("redis+cluster://10.0.0.1:7000,[::1]:7001,h"), &error);
    QVERIFY2(url, qPrintable(error));
    QVERIFY(url->isCluster());
    QCOMPARE(url->seeds.size(), 3);
    QCOMPARE(url->seeds[1].host, QStringLiteral("::1"));
    QCOMPARE(url->seeds[2].port, quint16(6379));
    QCOMPARE(url->toString(), QStringLiteral("redis+cluster://10.0.0.1:7000,[::1]:7001,h:6379"));
    QCOMPARE(Url::parse(url->toString())->seeds, url->seeds);
    for (const char *bad : { "redis+cluster://", "redis+cluster://a:1,", "redis+cluster://a:1/2",
             "redis+cluster://p@a:1", "redis+cluster://a:99999", "redis+cluster://a:1?x=1" })
        QVERIFY2(!Url::parse(QString::fromLatin1(bad)), bad);
}

void tst_Cluster::keySlotIsRedis()
{
    for (const QByteArray key : { QByteArray("foo"), QByteArray("pc:meta:{q3Zk8-Lr0bXa_T2mPwE9c}"),
             QByteArray("pc:room:{q3Zk8-Lr0bXa_T2mPwE9c}"), QByteArray("{}x"),
             QByteArray("a{b}c{d}"), QByteArray("{a"), QByteArray("a}{"),
             QByteArray("caf\xc3\xa9") })
        QCOMPARE(keySlot(key), m_cluster->keySlot(key));
    QCOMPARE(keySlot("meta:{room}"), keySlot("room:{room}")); // a room: one slot
}

void tst_Cluster::commandsGoToTheSlotsMaster()
{
    auto c = openConnection();
    QVERIFY(c);
    for (quint16 master : m_cluster->masters()) {
        const QByteArray key = keyOn(master, "k");
        QCOMPARE(
            run(*c, { "SET", key, "v" + QByteArray::number(master) }).string, QByteArray("OK"));
        // Written on that very node: it answers without redirecting.
        QCOMPARE(m_cluster->cli(master, { QStringLiteral("GET"), QString::fromLatin1(key) }),
            "v" + QByteArray::number(master));
    }
    // A script runs where its keys are, and keyless commands go to any master.
    const QByteArray key = keyOn(m_cluster->masters().last(), "script");
    QCOMPARE(run(*c, { "EVAL", "return redis.call('INCR', KEYS[1])", "1", key }).integer, 1);
    QCOMPARE(run(*c, { "PING" }).string, QByteArray("PONG"));
}

void tst_Cluster::followsMoved()
{
    auto c = openConnection();
    QVERIFY(c);
    const QList<quint16> masters = m_cluster->masters();
    const QByteArray key = keyOn(masters[0], "k");
    QCOMPARE(run(*c, { "SET", key, "before" }).string, QByteArray("OK"));
    QVERIFY(m_cluster->migrateSlot(keySlot(key), masters[1]));
    // The connection's map still names masters[0]: MOVED sends it on.
    QCOMPARE(run(*c, { "GET", key }).string, QByteArray("before"));
    QCOMPARE(run(*c, { "SET", key, "after" }).string, QByteArray("OK"));
    QCOMPARE(m_cluster->cli(masters[1], { QStringLiteral("GET"), QString::fromLatin1(key) }),
        QByteArray("after"));
}

void tst_Cluster::followsAsk()
{
    auto c = openConnection();
    QVERIFY(c);
    const QList<quint16> masters = m_cluster->masters();
    const quint16 from = masters[2], to = masters[0];
    const QByteArray kept = keyOn(from, "kept");
    const int slot = keySlot(kept);
    const QByteArray fresh = "fresh:{" + kept.mid(kept.indexOf('{') + 1);
    QCOMPARE(keySlot(fresh), slot);
    QCOMPARE(run(*c, { "SET", kept, "1" }).string, QByteArray("OK"));
    QVERIFY(beginMigration(slot, from, to));
    // A key the old owner lacks during the migration: ASK, then ASKING + SET on the new one.
    QCOMPARE(run(*c, { "SET", fresh, "2" }).string, QByteArray("OK"));
    QCOMPARE(run(*c, { "GET", fresh }).string, QByteArray("2"));
    QCOMPARE(run(*c, { "GET", kept }).string, QByteArray("1")); // still on the old owner
    // The old owner does not have it: it sends anyone who asks on.
    QVERIFY(m_cluster->cli(from, { QStringLiteral("EXISTS"), QString::fromLatin1(fresh) })
                .startsWith("ASK "));
    // Finish the migration; both keys are then found on the new owner.
    QVERIFY(m_cluster->migrateSlot(slot, to));
    QCOMPARE(run(*c, { "MGET", kept, fresh }).elements.size(), 2);
    QCOMPARE(run(*c, { "GET", kept }).string, QByteArray("1"));
    QCOMPARE(run(*c, { "GET", fresh }).string, QByteArray("2"));
}

void tst_Cluster::retriesTryAgain()
{
    auto c = openConnection();
    QVERIFY(c);
    const QList<quint16> masters = m_cluster->masters();
    const quint16 from = masters[1], to = masters[2];
    const QByteArray one = keyOn(from, "one");
    const QByteArray two = "two:{" + one.mid(one.indexOf('{') + 1);
    const int slot = keySlot(one);
    QCOMPARE(run(*c, { "MSET", one, "1", two, "2" }).string, QByteArray("OK"));
    QVERIFY(beginMigration(slot, from, to));
    QCOMPARE(m_cluster->cli(from,
                 { QStringLiteral("MIGRATE"), QStringLiteral("127.0.0.1"), QString::number(to),
                     QString::fromLatin1(one), QStringLiteral("0"), QStringLiteral("5000") }),
        "OK");
    // The keys are split between the two nodes: Redis answers TRYAGAIN until the slot has
    // moved, and the command waits that out (within Options::clusterWaitMs).
    QTimer::singleShot(500, this, [&] { QVERIFY(m_cluster->migrateSlot(slot, to)); });
    QElapsedTimer timer;
    timer.start();
    const Reply reply = run(*c, { "MGET", one, two });
    QCOMPARE(reply.elements.size(), 2);
    QCOMPARE(reply.elements[0].string, QByteArray("1"));
    QCOMPARE(reply.elements[1].string, QByteArray("2"));
    QVERIFY(timer.elapsed() >= 400);
}

void tst_Cluster::shardedSubscriptionOnEveryShard()
{
    Subscriber sub(options());
    QSignalSpy subscribed(&sub, &Subscriber::subscribed);
    QSignalSpy message(&sub, &Subscriber::message);
    sub.open();
    QVERIFY(QTest::qWaitFor([&] { return sub.isConnected(); }, 10000));
    QList<QByteArray> channels;
    for (quint16 master : m_cluster->masters())
        channels.append(keyOn(master, "ch"));
    for (const QByteArray &channel : channels)
        sub.subscribe(channel);
    QTRY_COMPARE_WITH_TIMEOUT(subscribed.size(), 3, 5000);
    for (const QByteArray &channel : channels) {
        QVERIFY(sub.isActive(channel));
        const quint16 owner = m_cluster->ownerOf(keySlot(channel));
        // One subscriber on that shard, and SPUBLISH there reaches it.
        QCOMPARE(m_cluster
                     ->cli(owner,
                         { QStringLiteral("PUBSUB"), QStringLiteral("SHARDNUMSUB"),
                             QString::fromLatin1(channel) })
                     .split('\n')
                     .value(1),
            QByteArray("1"));
        QCOMPARE(m_cluster->cli(owner,
                     { QStringLiteral("SPUBLISH"), QString::fromLatin1(channel),
                         QStringLiteral("hello") }),
            QByteArray("1"));
    }
    QTRY_COMPARE_WITH_TIMEOUT(message.size(), 3, 5000);
    for (int i = 0; i < 3; ++i)
        QCOMPARE(message[i][1].toByteArray(), QByteArray("hello"));
    sub.unsubscribe(channels[0]);
    QVERIFY(!sub.isActive(channels[0]));
    const quint16 owner = m_cluster->ownerOf(keySlot(channels[0]));
    QTRY_COMPARE_WITH_TIMEOUT(
        m_cluster->cli(owner,
            { QStringLiteral("SPUBLISH"), QString::fromLatin1(channels[0]), QStringLiteral("x") }),
        QByteArray("0"), 5000);
}

void tst_Cluster::subscriptionFollowsAMigratedSlot()
{
    Subscriber sub(options());
    QSignalSpy subscribed(&sub, &Subscriber::subscribed);
    QSignalSpy message(&sub, &Subscriber::message);
    sub.open();
    const QList<quint16> masters = m_cluster->masters();
    const QByteArray channel = keyOn(masters[1], "ch");
    sub.subscribe(channel);
    QTRY_COMPARE_WITH_TIMEOUT(subscribed.size(), 1, 10000);
    QCOMPARE(subscribed[0][1].toBool(), false);
    QVERIFY(m_cluster->migrateSlot(keySlot(channel), masters[2]));
    // Redis unsubscribed us from the old owner; we are back on the new one, and told that
    // messages may have been missed meanwhile.
    QTRY_COMPARE_WITH_TIMEOUT(subscribed.size(), 2, 5000);
    QCOMPARE(subscribed[1][0].toByteArray(), channel);
    QCOMPARE(subscribed[1][1].toBool(), true);
    QCOMPARE(
        m_cluster->cli(masters[2],
            { QStringLiteral("SPUBLISH"), QString::fromLatin1(channel), QStringLiteral("moved") }),
        QByteArray("1"));
    QTRY_COMPARE_WITH_TIMEOUT(message.size(), 1, 5000);
    QCOMPARE(message[0][1].toByteArray(), QByteArray("moved"));
}

void tst_Cluster::subscriberReopensAndMayBeDeletedByItsHandler()
{
    auto sub = std::make_unique<Subscriber>(options());
    QSignalSpy subscribed(sub.get(), &Subscriber::subscribed);
    const quint16 master = m_cluster->masters().first();
    const QByteArray channel = keyOn(master, "ch");
    sub->subscribe(channel);
    sub->open();
    QTRY_COMPARE_WITH_TIMEOUT(subscribed.size(), 1, 10000);
    sub->close();
    QVERIFY(!sub->isActive(channel));
    sub->open();
    QTRY_COMPARE_WITH_TIMEOUT(subscribed.size(), 2, 10000);
    QCOMPARE(subscribed[1][1].toBool(), true); // the closed link may have missed messages
    bool deleted = false;
    connect(sub.get(), &Subscriber::message, this, [&] {
        sub.reset(); // inside the handler, with its reader mid-reply
        deleted = true;
    });
    QCOMPARE(m_cluster->cli(master,
                 { QStringLiteral("SPUBLISH"), QString::fromLatin1(channel), QStringLiteral("x") }),
        QByteArray("1"));
    QTRY_VERIFY_WITH_TIMEOUT(deleted, 5000);
    QTest::qWait(50); // nothing of it runs any more
}

void tst_Cluster::failoverFindsTheNewMaster()
{
    auto c = openConnection();
    QVERIFY(c);
    Subscriber sub(options());
    QSignalSpy subscribed(&sub, &Subscriber::subscribed);
    QSignalSpy message(&sub, &Subscriber::message);
    sub.open();
    const quint16 victim = m_cluster->masters().first();
    const QByteArray key = keyOn(victim, "k");
    sub.subscribe(key);
    QTRY_COMPARE_WITH_TIMEOUT(subscribed.size(), 1, 10000);
    QCOMPARE(run(*c, { "SET", key, "kept" }).string, QByteArray("OK"));
    QCOMPARE(run(*c, { "WAIT", "1", "2000" }).integer, 1); // on its replica before the crash

    QElapsedTimer timer;
    timer.start();
    m_cluster->kill(victim);
    // Commands wait for the new master (up to Options::clusterWaitMs), or fail as
    // disconnected and succeed when retried.
    Reply reply;
    while (timer.elapsed() < 10000) {
        reply = run(*c, { "GET", key }, 10000);
        if (!reply.isError())
            break;
        QTest::qWait(100);
    }
    QCOMPARE(reply.string, QByteArray("kept"));
    QTRY_VERIFY_WITH_TIMEOUT(c->isConnected(), 10000);
    QTRY_COMPARE_WITH_TIMEOUT(subscribed.size(), 2, 10000);
    QCOMPARE(subscribed[1][1].toBool(), true);
    qInfo() << "failover: commands and subscription back after" << timer.elapsed() << "ms";
    QVERIFY(timer.elapsed() < 10000);
    const quint16 promoted = m_cluster->ownerOf(keySlot(key));
    QVERIFY(promoted != 0 && promoted != victim);
    QCOMPARE(m_cluster->cli(promoted,
                 { QStringLiteral("SPUBLISH"), QString::fromLatin1(key), QStringLiteral("after") }),
        QByteArray("1"));
    QTRY_COMPARE_WITH_TIMEOUT(message.size(), 1, 5000);
}

QTEST_GUILESS_MAIN(tst_Cluster)
#include "tst_cluster.moc"
