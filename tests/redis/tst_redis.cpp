#include "host/embeddedredis.h"
#include "redis/connection.h"
#include "redis/subscriber.h"

#include <QLocalServer>
#include <QProcess>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <memory>
#include <optional>
#include <sys/prctl.h>

using namespace pc::redis;
using pc::host::EmbeddedRedis;

namespace {

using Replies = std::shared_ptr<QList<Reply>>;

// Collects replies; shared so a handler that outlives a failed test never writes to a dead
// local.
std::pair<Replies, ReplyHandler> collector()
{
    auto replies = std::make_shared<QList<Reply>>();
    return { replies, [replies](const Reply &r) { replies->append(r); } };
}

// Runs one command and waits for its reply.
Reply run(Connection &c, const QList<QByteArray> &args)
{
    auto [replies, handler] = collector();
    c.command(args, handler);
    (void)QTest::qWaitFor([&] { return !replies->isEmpty(); }, 5000);
    return replies->isEmpty() ? Reply::error("TIMEOUT in test") : replies->first();
}

QString redisProgram()
{
    const QString configured = qEnvironmentVariable("PC_REDIS_SERVER");
    return configured.isEmpty() ? QStandardPaths::findExecutable(QStringLiteral("redis-server"))
                                : configured;
}

// A redis-server on a loopback TCP port, for the redis:// path. Dies with the test.
class TcpRedis
{
public:
    ~TcpRedis()
    {
        m_process.kill();
        m_process.waitForFinished(2000);
    }

    bool start()
    {
        const QString program = redisProgram();
        if (program.isEmpty() || !m_dir.isValid())
            return false;
        m_process.setProcessChannelMode(QProcess::MergedChannels);
        m_process.setChildProcessModifier([] { ::prctl(PR_SET_PDEATHSIG, SIGKILL); });
        // The probe's port may be taken again before redis binds it: try a few.
        for (int attempt = 0; attempt < 5; ++attempt) {
            QTcpServer probe;
            if (!probe.listen(QHostAddress::LocalHost, 0))
                return false;
            port = probe.serverPort();
            probe.close();
            m_process.start(program,
                { QStringLiteral("--port"), QString::number(port), QStringLiteral("--bind"),
                    QStringLiteral("127.0.0.1"), QStringLiteral("--save"), QString(),
                    QStringLiteral("--appendonly"), QStringLiteral("no"), QStringLiteral("--dir"),
                    m_dir.path() });
            if (!m_process.waitForStarted(5000))
                return false;
            if (waitReady())
                return true;
            m_process.kill();
            m_process.waitForFinished(2000);
        }
        return false;
    }

    quint16 port = 0;

private:
    bool waitReady()
    {
        for (int i = 0; i < 250 && m_process.state() == QProcess::Running; ++i) {
            QTcpSocket socket;
            socket.connectToHost(QHostAddress::LocalHost, port);
            if (socket.waitForConnected(200)) {
                socket.write("PING\r\n");
                if (socket.waitForReadyRead(500) && socket.readAll().startsWith("+PONG"))
                    return true;
            }
            m_process.waitForReadyRead(20); // poll interval while redis starts
        }
        return false;
    }

    QTemporaryDir m_dir;
    QProcess m_process;
};

} // namespace

class tst_Redis : public QObject
{
    Q_OBJECT

private:
    Options options() const
    {
        Options o;
        o.url = m_redis->url();
        o.minReconnectDelayMs = 10;
        o.maxReconnectDelayMs = 100;
        return o;
    }

    // A key unique to the running test function, so tests never see each other's data.
    static QByteArray key(const char *name)
    {
        return QByteArray("tst:") + QTest::currentTestFunction() + ':' + name;
    }

    std::unique_ptr<Connection> openConnection(const Options &o)
    {
        auto c = std::make_unique<Connection>(o);
        QSignalSpy spy(c.get(), &Connection::connected);
        c->open();
        if (!spy.wait(5000))
            return nullptr;
        return c;
    }
    std::unique_ptr<Connection> openConnection() { return openConnection(options()); }

    std::unique_ptr<EmbeddedRedis> m_redis;

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanupTestCase();

    void urlParses_data();
    void urlParses();
    void urlErrors_data();
    void urlErrors();
    void urlRoundTrips();
    void replyToInteger();

    void replyTypes();
    void binarySafe();
    void manyCommandsInOnePassAnsweredInOrder();
    void selectsDatabase();
    void selectFailureIsReportedOnce();
    void evalFallsBackToEvalOnNoscript();
    void commandWhileDisconnectedIsAnsweredLater();
    void pubSubCommandsRefused();
    void connectTimeout();
    void hugeArrayHeaderDropsTheLink();
    void redisKilledThenRestarted();
    void closeAndReopen();
    void destructorDropsPendingHandlers();
    void handlerMayDeleteConnection();
    void handlerMayCloseAndReopen();

    void subscriberReceivesMessages();
    void subscriberSubscribesBeforeOpen();
    void subscriberToggleInOnePass();
    void subscriberLeavesLastAndJoinsAnother();
    void subscriberResubscribesAfterRestart();
    void subscriberHandlerMayDeleteIt();

    void tcpUrl();
};

void tst_Redis::initTestCase()
{
    m_redis = std::make_unique<EmbeddedRedis>();
    QVERIFY2(m_redis->start(), qPrintable(m_redis->errorString()));
}

void tst_Redis::init()
{
    // A test that killed Redis and failed half-way must not break the next one.
    if (!m_redis->isRunning())
        QVERIFY2(m_redis->restart(), qPrintable(m_redis->errorString()));
}

void tst_Redis::cleanupTestCase()
{
    m_redis.reset();
}

void tst_Redis::urlParses_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<int>("kind");
    QTest::addColumn<QString>("host");
    QTest::addColumn<int>("port");
    QTest::addColumn<QString>("path");
    QTest::addColumn<int>("db");

    const int tcp = int(Url::Kind::Tcp);
    const int unix = int(Url::Kind::Unix);
    QTest::newRow("host:port") << "redis://127.0.0.1:6379" << tcp << "127.0.0.1" << 6379 << "" << 0;
    QTest::newRow("default port") << "redis://localhost" << tcp << "localhost" << 6379 << "" << 0;
    QTest::newRow("db") << "redis://example.org:7000/3" << tcp << "example.org" << 7000 << "" << 3;
    QTest::newRow("empty db") << "redis://h:1/" << tcp << "h" << 1 << "" << 0;
    QTest::newRow("ipv6") << "redis://[::1]:6380/1" << tcp << "::1" << 6380 << "" << 1;
    QTest::newRow("ipv6 default port") << "redis://[::1]" << tcp << "::1" << 6379 << "" << 0;
    QTest::newRow("scheme case, spaces")
        << "  REDIS://Host:65535  " << tcp << "Host" << 65535 << "" << 0;
    QTest::newRow("unix") << "unix:///run/redis.sock" << unix << "127.0.0.1" << 6379
                          << "/run/redis.sock" << 0;
    QTest::newRow("unix db, encoded")
        << "unix:///tmp/a%20b.sock?db=2" << unix << "127.0.0.1" << 6379 << "/tmp/a b.sock" << 2;
}

void tst_Redis::urlParses()
{
    QFETCH(QString, text);
    QString error;
    const auto url = Url::parse(text, &error);
    QVERIFY2(url, qPrintable(error));
    QTEST(int(url->kind), "kind");
    QTEST(url->host, "host");
    QTEST(int(url->port), "port");
    QTEST(url->path, "path");
    QTEST(url->db, "db");
}

void tst_Redis::urlErrors_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("error");

    const QString schemes = "use redis://host:port or unix:///path/to/redis.sock.";
    QTest::newRow("empty") << "  "
                           << "The Redis URL is empty.";
    QTest::newRow("no scheme") << "localhost:6379"
                               << "The Redis URL has no scheme: " + schemes;
    QTest::newRow("http") << "http://x"
                          << "The URL scheme \"http\" is not supported: " + schemes;
    QTest::newRow("tls") << "rediss://x:6380"
                         << "TLS (rediss://) is not supported: use redis:// or unix://.";
    QTest::newRow("no host") << "redis://:6379"
                             << "The Redis URL has no host name.";
    QTest::newRow("nothing") << "redis://"
                             << "The Redis URL has no host name.";
    QTest::newRow("port 0") << "redis://h:0"
                            << "The Redis port \"0\" is not a number from 1 to 65535.";
    QTest::newRow("port too big") << "redis://h:70000"
                                  << "The Redis port \"70000\" is not a number from 1 to 65535.";
    QTest::newRow("port word") << "redis://h:abc"
                               << "The Redis port \"abc\" is not a number from 1 to 65535.";
    QTest::newRow("port empty") << "redis://h:/1"
                                << "The Redis port \"\" is not a number from 1 to 65535.";
    QTest::newRow("port sign") << "redis://h:+80"
                               << "The Redis port \"+80\" is not a number from 1 to 65535.";
    QTest::newRow("db word") << "redis://h:1/x"
                             << "The Redis database \"x\" is not a number of 0 or more.";
    QTest::newRow("db negative") << "redis://h:1/-1"
                                 << "The Redis database \"-1\" is not a number of 0 or more.";
    QTest::newRow("db path") << "redis://h:1/0/x"
                             << "The Redis database \"0/x\" is not a number of 0 or more.";
    QTest::newRow("password") << "redis://user:secret@h:1"
                              << "Passwords in Redis URLs are not supported.";
    // Redis Cluster seeds: each one as a redis:// authority, database 0 only.
    QTest::newRow("cluster nothing") << "redis+cluster://"
                                     << "The Redis URL has no host name.";
    QTest::newRow("cluster empty seed") << "redis+cluster://a:1,,b:2"
                                        << "The Redis URL has no host name.";
    QTest::newRow("cluster seed port")
        << "redis+cluster://h:1,h:99999"
        << "The Redis port \"99999\" is not a number from 1 to 65535.";
    QTest::newRow("cluster db") << "redis+cluster://127.0.0.1:7000/1"
                                << "A Redis Cluster has only database 0: use "
                                   "redis+cluster://host:port[,host:port...].";
    QTest::newRow("cluster password") << "redis+cluster://u:p@h:1"
                                      << "Passwords in Redis URLs are not supported.";
    QTest::newRow("query") << "redis://h:1?db=2"
                           << "A redis:// URL takes no query or fragment: use "
                              "redis://host:port/db.";
    QTest::newRow("bare ipv6") << "redis://::1:6379"
                               << "IPv6 addresses in Redis URLs need brackets, like "
                                  "redis://[::1]:6379.";
    QTest::newRow("open bracket") << "redis://[::1"
                                  << "The IPv6 address in the Redis URL lacks its closing \"]\".";
    QTest::newRow("after bracket") << "redis://[::1]x"
                                   << "The Redis URL has text after the IPv6 address: use "
                                      "redis://[address]:port.";
    QTest::newRow("unix no path") << "unix://"
                                  << "The unix:// URL has no socket path: use "
                                     "unix:///path/to/redis.sock.";
    QTest::newRow("unix relative") << "unix://redis.sock"
                                   << "The unix:// URL needs an absolute socket path, like "
                                      "unix:///path/to/redis.sock.";
    QTest::newRow("unix folder") << "unix:///tmp/"
                                 << "The unix:// URL names a folder, not a socket file.";
    QTest::newRow("unix parameter") << "unix:///tmp/r.sock?timeout=3"
                                    << "The unix:// URL has an unknown parameter \"timeout\": "
                                       "only db=N is supported.";
    QTest::newRow("unix db word") << "unix:///tmp/r.sock?db=x"
                                  << "The Redis database \"x\" is not a number of 0 or more.";
    QTest::newRow("unix fragment") << "unix:///tmp/r.sock#x"
                                   << "A unix:// URL takes no fragment.";
}

void tst_Redis::urlErrors()
{
    QFETCH(QString, text);
    QString error;
    QVERIFY(!Url::parse(text, &error));
    QTEST(error, "error");
    QVERIFY(!error.contains("secret"));
    QVERIFY(!Url::parse(text)); // no error pointer: no crash
}

void tst_Redis::urlRoundTrips()
{
    for (const char *text : { "redis://127.0.0.1:6379", "redis://[::1]:7000/2",
             "unix:///tmp/a%20b.sock?db=3", "unix:///run/redis.sock" }) {
        const auto url = Url::parse(QString::fromLatin1(text));
        QVERIFY(url);
        QCOMPARE(url->toString(), QString::fromLatin1(text));
    }
}

void tst_Redis::replyToInteger()
{
    Reply r;
    r.type = Reply::Type::Integer;
    r.integer = 7;
    QCOMPARE(r.toInteger(), 7);
    r.type = Reply::Type::String;
    r.string = "-42";
    QCOMPARE(r.toInteger(), -42);
    r.string = "4x";
    QCOMPARE(r.toInteger(9), 9);
    QCOMPARE(Reply().toInteger(5), 5);
    QVERIFY(Reply::disconnected().isError());
    QCOMPARE(Reply::disconnected().type, Reply::Type::Disconnected);
    QVERIFY(Reply::error("ERR x").isError());
    QCOMPARE(Reply::error("ERR x").string, QByteArray("ERR x"));
}

void tst_Redis::replyTypes()
{
    auto c = openConnection();
    QVERIFY(c);
    QVERIFY(c->isConnected());

    Reply r = run(*c, { "SET", key("s"), "value" });
    QCOMPARE(r.type, Reply::Type::Status);
    QCOMPARE(r.string, QByteArray("OK"));

    r = run(*c, { "GET", key("s") });
    QCOMPARE(r.type, Reply::Type::String);
    QCOMPARE(r.string, QByteArray("value"));

    r = run(*c, { "GET", key("missing") });
    QCOMPARE(r.type, Reply::Type::Nil);
    QVERIFY(r.isNil());

    r = run(*c, { "INCRBY", key("n"), "41" });
    QCOMPARE(r.type, Reply::Type::Integer);
    QCOMPARE(r.integer, 41);

    r = run(*c, { "INCR", key("s") });
    QCOMPARE(r.type, Reply::Type::Error);
    QVERIFY(r.isError());
    QVERIFY(r.string.startsWith("ERR"));

    r = run(*c, { "NOSUCHCOMMAND" });
    QCOMPARE(r.type, Reply::Type::Error);

    r = run(*c, { "LRANGE", key("missing"), "0", "-1" });
    QCOMPARE(r.type, Reply::Type::Array);
    QVERIFY(r.elements.isEmpty());

    r = run(*c, { "MGET", key("s"), key("missing") });
    QCOMPARE(r.type, Reply::Type::Array);
    QCOMPARE(r.elements.size(), 2);
    QCOMPARE(r.elements[0].string, QByteArray("value"));
    QCOMPARE(r.elements[1].type, Reply::Type::Nil);

    // Nested arrays and a status inside an array.
    r = run(*c, { "EVAL", "return {1, {2, 'x'}, redis.status_reply('FINE')}", "0" });
    QCOMPARE(r.type, Reply::Type::Array);
    QCOMPARE(r.elements.size(), 3);
    QCOMPARE(r.elements[0].integer, 1);
    QCOMPARE(r.elements[1].type, Reply::Type::Array);
    QCOMPARE(r.elements[1].elements[0].integer, 2);
    QCOMPARE(r.elements[1].elements[1].string, QByteArray("x"));
    QCOMPARE(r.elements[2].type, Reply::Type::Status);
    QCOMPARE(r.elements[2].string, QByteArray("FINE"));

    // No handler: fire and forget, still executed in order.
    c->command({ "SET", key("f"), "1" });
    QCOMPARE(run(*c, { "GET", key("f") }).string, QByteArray("1"));
}

void tst_Redis::binarySafe()
{
    auto c = openConnection();
    QVERIFY(c);
    const QByteArray value("a\0b\r\n$3\r\n*\xff", 12);
    QCOMPARE(run(*c, { "SET", key("bin\r\n"), value }).type, Reply::Type::Status);
    QCOMPARE(run(*c, { "GET", key("bin\r\n") }).string, value);
    QCOMPARE(run(*c, { "SET", key("empty"), QByteArray() }).type, Reply::Type::Status);
    const Reply r = run(*c, { "GET", key("empty") });
    QCOMPARE(r.type, Reply::Type::String);
    QVERIFY(r.string.isEmpty());
}

void tst_Redis::manyCommandsInOnePassAnsweredInOrder()
{
    auto c = openConnection();
    QVERIFY(c);
    const int count = 2000;
    auto order = std::make_shared<QList<qint64>>();
    for (int i = 0; i < count; ++i)
        c->command({ "INCR", key("counter") },
            [order](const Reply &r) { order->append(r.toInteger(-1)); });
    QVERIFY(order->isEmpty()); // never synchronously
    QTRY_COMPARE_WITH_TIMEOUT(order->size(), count, 10000);
    for (int i = 0; i < count; ++i)
        QCOMPARE(order->at(i), i + 1);
}

void tst_Redis::selectsDatabase()
{
    Options o = options();
    o.url.db = 3;
    auto c3 = openConnection(o);
    QVERIFY(c3);
    auto c0 = openConnection();
    QVERIFY(c0);
    QCOMPARE(run(*c3, { "SET", key("k"), "three" }).type, Reply::Type::Status);
    QCOMPARE(run(*c0, { "GET", key("k") }).type, Reply::Type::Nil);
    QCOMPARE(run(*c3, { "GET", key("k") }).string, QByteArray("three"));
    const Reply info = run(*c3, { "CLIENT", "INFO" });
    QVERIFY(info.string.contains(" db=3 "));
}

void tst_Redis::selectFailureIsReportedOnce()
{
    Options o = options();
    o.url.db = 999;
    Connection c(o);
    QSignalSpy connected(&c, &Connection::connected);
    QSignalSpy disconnected(&c, &Connection::disconnected);
    c.open();
    QTRY_COMPARE(disconnected.size(), 1);
    QVERIFY2(disconnected[0][0].toString().contains("DB index is out of range"),
        qPrintable(disconnected[0][0].toString()));
    QTest::qWait(300); // let a few more attempts fail: still one report
    QCOMPARE(disconnected.size(), 1);
    QCOMPARE(connected.size(), 0);
    QVERIFY(!c.isConnected());
    c.close();
}

void tst_Redis::evalFallsBackToEvalOnNoscript()
{
    auto c = openConnection();
    QVERIFY(c);
    const Script script("redis.call('SET', KEYS[1], ARGV[1]); return {KEYS[1], ARGV[1]}");
    QCOMPARE(script.sha1().size(), 40);
    QCOMPARE(script.sha1(), script.sha1().toLower());
    QCOMPARE(run(*c, { "SCRIPT", "FLUSH" }).type, Reply::Type::Status);
    QCOMPARE(run(*c, { "SCRIPT", "EXISTS", script.sha1() }).elements.value(0).integer, 0);

    auto [replies, handler] = collector();
    c->eval(script, { key("e") }, { "one" }, handler);
    QTRY_COMPARE(replies->size(), 1);
    QCOMPARE(replies->at(0).type, Reply::Type::Array);
    QCOMPARE(replies->at(0).elements.value(1).string, QByteArray("one"));
    // EVAL loaded it under the same SHA-1 we computed.
    QCOMPARE(run(*c, { "SCRIPT", "EXISTS", script.sha1() }).elements.value(0).integer, 1);

    c->eval(script, { key("e") }, { "two" }, handler);
    QTRY_COMPARE(replies->size(), 2);
    QCOMPARE(replies->at(1).elements.value(1).string, QByteArray("two"));

    // Flushed again: the fallback works every time, and script errors pass through.
    QCOMPARE(run(*c, { "SCRIPT", "FLUSH" }).type, Reply::Type::Status);
    c->eval(script, { key("e") }, { "three" }, handler);
    c->eval(Script("return redis.error_reply('NOPE bad')"), {}, {}, handler);
    QTRY_COMPARE(replies->size(), 4);
    QCOMPARE(replies->at(2).elements.value(1).string, QByteArray("three"));
    QCOMPARE(replies->at(3).type, Reply::Type::Error);
    QCOMPARE(replies->at(3).string, QByteArray("NOPE bad"));
    QCOMPARE(run(*c, { "GET", key("e") }).string, QByteArray("three"));
}

void tst_Redis::commandWhileDisconnectedIsAnsweredLater()
{
    Connection c(options());
    auto [replies, handler] = collector();
    c.command({ "PING" }, handler);
    c.eval(Script("return 1"), {}, {}, handler);
    QVERIFY(replies->isEmpty()); // not synchronously
    QTRY_COMPARE(replies->size(), 2);
    QCOMPARE(replies->at(0).type, Reply::Type::Disconnected);
    QCOMPARE(replies->at(1).type, Reply::Type::Disconnected);

    // Opening is asynchronous too: still disconnected right after open().
    c.open();
    QVERIFY(!c.isConnected());
    c.command({ "PING" }, handler);
    QVERIFY(replies->size() == 2);
    QTRY_COMPARE(replies->size(), 3);
    QCOMPARE(replies->at(2).type, Reply::Type::Disconnected);
    QTRY_VERIFY(c.isConnected());
}

void tst_Redis::pubSubCommandsRefused()
{
    auto c = openConnection();
    QVERIFY(c);
    auto [replies, handler] = collector();
    for (const char *name : { "SUBSCRIBE", "psubscribe", "SSUBSCRIBE", "UNSUBSCRIBE", "MONITOR" })
        c->command({ name, "x" }, handler);
    c->command({}, handler);
    QVERIFY(replies->isEmpty());
    QTRY_COMPARE(replies->size(), 6);
    for (const Reply &r : *replies)
        QCOMPARE(r.type, Reply::Type::Error);
    QCOMPARE(run(*c, { "PING" }).string, QByteArray("PONG")); // still a command connection
}

void tst_Redis::connectTimeout()
{
    // A listener that accepts (in the kernel) but never answers PING.
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QLocalServer silent;
    QVERIFY(silent.listen(dir.filePath("silent.sock")));
    Options o;
    o.url.kind = Url::Kind::Unix;
    o.url.path = dir.filePath("silent.sock");
    o.connectTimeoutMs = 150;
    o.minReconnectDelayMs = 10;
    o.maxReconnectDelayMs = 50;
    Connection c(o);
    QSignalSpy disconnected(&c, &Connection::disconnected);
    c.open();
    QTRY_COMPARE(disconnected.size(), 1);
    QCOMPARE(disconnected[0][0].toString(), QString("no answer within 150 ms"));
    QVERIFY(!c.isConnected());
    c.close();

    // Nothing listening at all: reported once, with hiredis' reason.
    o.url.path = dir.filePath("nobody.sock");
    Connection d(o);
    QSignalSpy down(&d, &Connection::disconnected);
    d.open();
    QTRY_COMPARE(down.size(), 1);
    QCOMPARE(down[0][0].toString(), QString("No such file or directory"));
}

void tst_Redis::hugeArrayHeaderDropsTheLink()
{
    // A peer that answers the handshake's PING with a 100-million-element array header: hiredis
    // 0.14 would allocate 800 MB for it at once and wait for the elements. The link must refuse
    // it at once (hiredis says "Out of memory") and try again.
    QTcpServer peer;
    QVERIFY(peer.listen(QHostAddress::LocalHost, 0));
    int answered = 0;
    connect(&peer, &QTcpServer::newConnection, this, [&] {
        while (QTcpSocket *socket = peer.nextPendingConnection()) {
            connect(socket, &QTcpSocket::readyRead, socket, [socket, &answered] {
                socket->readAll();
                socket->write("*100000000\r\n");
                ++answered;
            });
        }
    });
    Options o;
    o.url.kind = Url::Kind::Tcp;
    o.url.host = QStringLiteral("127.0.0.1");
    o.url.port = peer.serverPort();
    o.minReconnectDelayMs = 10;
    o.maxReconnectDelayMs = 50;
    Connection c(o);
    QSignalSpy connected(&c, &Connection::connected);
    QSignalSpy disconnected(&c, &Connection::disconnected);
    c.open();
    QTRY_VERIFY(answered >= 2); // dropped, then tried again
    QCOMPARE(disconnected.size(), 1);
    QCOMPARE(disconnected[0][0].toString(), QString("Out of memory"));
    QCOMPARE(connected.size(), 0);
    QVERIFY(!c.isConnected());
}

void tst_Redis::redisKilledThenRestarted()
{
    auto c = openConnection();
    QVERIFY(c);
    auto other = openConnection();
    QVERIFY(other);
    QSignalSpy connected(c.get(), &Connection::connected);
    QSignalSpy disconnected(c.get(), &Connection::disconnected);
    QCOMPARE(run(*c, { "SET", key("k"), "v" }).type, Reply::Type::Status);

    // In flight: BLPOP blocks on the server, PING waits behind it.
    auto [pending, handler] = collector();
    c->command({ "BLPOP", key("never"), "0" }, handler);
    c->command({ "PING" }, handler);
    QTRY_VERIFY(run(*other, { "INFO", "clients" }).string.contains("blocked_clients:1"));

    m_redis->kill();
    QTRY_COMPARE(pending->size(), 2);
    QCOMPARE(pending->at(0).type, Reply::Type::Disconnected);
    QCOMPARE(pending->at(1).type, Reply::Type::Disconnected);
    QTRY_COMPARE(disconnected.size(), 1);
    QVERIFY(!disconnected[0][0].toString().isEmpty());
    QVERIFY(!c->isConnected());
    QCOMPARE(run(*c, { "PING" }).type, Reply::Type::Disconnected);
    QTest::qWait(200); // let several reconnect attempts fail: the outage is reported once
    QCOMPARE(disconnected.size(), 1);

    QVERIFY2(m_redis->restart(), qPrintable(m_redis->errorString()));
    QTRY_COMPARE(connected.size(), 1);
    QVERIFY(c->isConnected());
    QCOMPARE(run(*c, { "GET", key("k") }).type, Reply::Type::Nil); // no persistence
    QCOMPARE(run(*c, { "PING" }).string, QByteArray("PONG"));

    // Killed before the command was even written: the write fails (no SIGPIPE death).
    c->command({ "SET", key("k"), "w" }, handler);
    m_redis->kill();
    QTRY_COMPARE(pending->size(), 3);
    QCOMPARE(pending->at(2).type, Reply::Type::Disconnected);
    QTRY_COMPARE(disconnected.size(), 2);
    QVERIFY2(m_redis->restart(), qPrintable(m_redis->errorString()));
    QTRY_COMPARE(connected.size(), 2);
    QTRY_VERIFY(other->isConnected());
}

void tst_Redis::closeAndReopen()
{
    auto c = openConnection();
    QVERIFY(c);
    QSignalSpy connected(c.get(), &Connection::connected);
    QSignalSpy disconnected(c.get(), &Connection::disconnected);
    auto [replies, handler] = collector();
    c->command({ "BLPOP", key("never"), "0" }, handler);
    c->close();
    QVERIFY(!c->isConnected());
    QCOMPARE(disconnected.size(), 1); // right away, from close()
    QCOMPARE(disconnected[0][0].toString(), QString("closed"));
    QVERIFY(replies->isEmpty()); // not from inside close()
    QTRY_COMPARE(replies->size(), 1);
    QCOMPARE(replies->at(0).type, Reply::Type::Disconnected);

    c->close(); // twice: harmless, no second signal
    QCOMPARE(disconnected.size(), 1);
    c->open();
    QTRY_COMPARE(connected.size(), 1);
    QCOMPARE(run(*c, { "PING" }).string, QByteArray("PONG"));
    c->open(); // already open: nothing happens
    QCOMPARE(run(*c, { "PING" }).string, QByteArray("PONG"));
    QCOMPARE(connected.size(), 1);
}

void tst_Redis::destructorDropsPendingHandlers()
{
    auto called = std::make_shared<int>(0);
    auto count = [called](const Reply &) { ++*called; };
    {
        auto c = openConnection();
        QVERIFY(c);
        c->command({ "BLPOP", key("never"), "0" }, count); // in flight
        c->command({ "PING" }, count);                     // not even written yet
    }
    {
        Connection c(options());
        c.command({ "PING" }, count); // queued disconnected reply
    }
    QCoreApplication::sendPostedEvents();
    QCoreApplication::processEvents();
    QCOMPARE(*called, 0);
}

void tst_Redis::handlerMayDeleteConnection()
{
    auto c = openConnection();
    QVERIFY(c);
    auto calls = std::make_shared<QList<int>>();
    Connection *raw = c.release();
    raw->command({ "PING" }, [calls, raw](const Reply &) {
        calls->append(1);
        delete raw; // inside the read notifier's handler, with more replies queued
    });
    raw->command({ "PING" }, [calls](const Reply &) { calls->append(2); });
    raw->command({ "PING" }, [calls](const Reply &) { calls->append(3); });
    QTRY_COMPARE(calls->size(), 1);
    QCoreApplication::processEvents();
    QCOMPARE(*calls, QList<int> { 1 });

    // Deleting it from the connected() signal works too.
    auto *d = new Connection(options());
    QSignalSpy destroyed(d, &QObject::destroyed);
    connect(d, &Connection::connected, d, [d] { delete d; });
    d->open();
    QTRY_COMPARE(destroyed.size(), 1);
}

void tst_Redis::handlerMayCloseAndReopen()
{
    auto c = openConnection();
    QVERIFY(c);
    QSignalSpy connected(c.get(), &Connection::connected);
    auto [replies, handler] = collector();
    Connection *raw = c.get();
    c->command({ "PING" }, [raw, handler](const Reply &r) {
        handler(r);
        raw->close();
        raw->open();
    });
    c->command({ "PING" }, handler);
    c->command({ "BLPOP", key("never"), "0" }, handler);
    QTRY_COMPARE(replies->size(), 3);
    QCOMPARE(replies->at(0).string, QByteArray("PONG"));
    QCOMPARE(replies->at(2).type, Reply::Type::Disconnected);
    QTRY_COMPARE(connected.size(), 1);
    QCOMPARE(run(*c, { "PING" }).string, QByteArray("PONG"));
}

void tst_Redis::subscriberReceivesMessages()
{
    auto pub = openConnection();
    QVERIFY(pub);
    Subscriber sub(options());
    QSignalSpy connected(&sub, &Subscriber::connected);
    QSignalSpy subscribed(&sub, &Subscriber::subscribed);
    QSignalSpy message(&sub, &Subscriber::message);
    sub.open();
    QTRY_COMPARE(connected.size(), 1);
    QVERIFY(sub.isConnected());

    const QByteArray a = key("a"), b = key("b");
    sub.subscribe(a);
    sub.subscribe(a); // idempotent
    sub.subscribe(b);
    QCOMPARE(sub.channels(), (QSet<QByteArray> { a, b }));
    QVERIFY(!sub.isActive(a));
    QTRY_COMPARE(subscribed.size(), 2);
    QCOMPARE(subscribed[0], (QVariantList { a, false }));
    QCOMPARE(subscribed[1], (QVariantList { b, false }));
    QVERIFY(sub.isActive(a));
    QVERIFY(sub.isActive(b));

    const QByteArray payload("hello\0\r\nworld", 13);
    QCOMPARE(run(*pub, { "PUBLISH", a, payload }).integer, 1);
    QCOMPARE(run(*pub, { "PUBLISH", b, "second" }).integer, 1);
    QTRY_COMPARE(message.size(), 2);
    QCOMPARE(message[0], (QVariantList { a, payload }));
    QCOMPARE(message[1], (QVariantList { b, QByteArray("second") }));

    sub.unsubscribe(a);
    sub.unsubscribe(a); // idempotent
    QVERIFY(!sub.isActive(a));
    QCOMPARE(sub.channels(), QSet<QByteArray> { b });
    QTRY_COMPARE(run(*pub, { "PUBSUB", "NUMSUB", a }).elements.value(1).integer, 0);
    QCOMPARE(run(*pub, { "PUBLISH", b, "third" }).integer, 1);
    QTRY_COMPARE(message.size(), 3);
    QCOMPARE(message[2][0].toByteArray(), b);
    QCOMPARE(subscribed.size(), 2);
}

void tst_Redis::subscriberSubscribesBeforeOpen()
{
    auto pub = openConnection();
    QVERIFY(pub);
    Subscriber sub(options());
    QSignalSpy subscribed(&sub, &Subscriber::subscribed);
    QSignalSpy message(&sub, &Subscriber::message);
    sub.subscribe(key("early"));
    QVERIFY(!sub.isActive(key("early")));
    sub.open();
    QTRY_COMPARE(subscribed.size(), 1);
    QCOMPARE(subscribed[0], (QVariantList { key("early"), false }));
    QCOMPARE(run(*pub, { "PUBLISH", key("early"), "x" }).integer, 1);
    QTRY_COMPARE(message.size(), 1);
}

void tst_Redis::subscriberToggleInOnePass()
{
    auto pub = openConnection();
    QVERIFY(pub);
    Subscriber sub(options());
    QSignalSpy subscribed(&sub, &Subscriber::subscribed);
    QSignalSpy message(&sub, &Subscriber::message);
    sub.open();
    const QByteArray a = key("a");
    sub.subscribe(a);
    QTRY_COMPARE(subscribed.size(), 1);

    // Leave and join again before any reply: hiredis' per-channel callback must survive.
    sub.unsubscribe(a);
    sub.subscribe(a);
    sub.unsubscribe(a);
    sub.subscribe(a);
    QVERIFY(!sub.isActive(a));
    QTRY_COMPARE(subscribed.size(), 2);
    QVERIFY(sub.isActive(a));
    QCOMPARE(run(*pub, { "PUBLISH", a, "after toggle" }).integer, 1);
    QTRY_COMPARE(message.size(), 1);
    QCOMPARE(message[0][1].toByteArray(), QByteArray("after toggle"));

    // Join and leave before the reply: never reported as subscribed.
    const QByteArray b = key("b");
    sub.subscribe(b);
    sub.unsubscribe(b);
    QCOMPARE(run(*pub, { "PUBLISH", a, "sync" }).integer, 1);
    QTRY_COMPARE(message.size(), 2);
    QCOMPARE(subscribed.size(), 2);
    QVERIFY(!sub.isActive(b));
}

void tst_Redis::subscriberLeavesLastAndJoinsAnother()
{
    // hiredis 0.14 leaves pub/sub mode on "unsubscribe, 0 left" unless another SUBSCRIBE is
    // in flight; if it left too early it would abort (assert) on the "subscribe" reply.
    auto pub = openConnection();
    QVERIFY(pub);
    Subscriber sub(options());
    QSignalSpy subscribed(&sub, &Subscriber::subscribed);
    QSignalSpy message(&sub, &Subscriber::message);
    sub.open();
    sub.subscribe(key("a"));
    QTRY_COMPARE(subscribed.size(), 1);
    sub.unsubscribe(key("a"));
    sub.subscribe(key("b"));
    QTRY_COMPARE(subscribed.size(), 2);
    QCOMPARE(subscribed[1][0].toByteArray(), key("b"));
    sub.unsubscribe(key("b"));
    QTRY_COMPARE(run(*pub, { "PUBSUB", "NUMSUB", key("b") }).elements.value(1).integer, 0);
    sub.subscribe(key("c"));
    QTRY_COMPARE(subscribed.size(), 3);
    QCOMPARE(run(*pub, { "PUBLISH", key("c"), "x" }).integer, 1);
    QTRY_COMPARE(message.size(), 1);
}

void tst_Redis::subscriberResubscribesAfterRestart()
{
    Subscriber sub(options());
    QSignalSpy connected(&sub, &Subscriber::connected);
    QSignalSpy disconnected(&sub, &Subscriber::disconnected);
    QSignalSpy subscribed(&sub, &Subscriber::subscribed);
    QSignalSpy message(&sub, &Subscriber::message);
    const QByteArray a = key("a"), b = key("b"), c = key("c"), gone = key("gone");
    sub.subscribe(a);
    sub.subscribe(b);
    sub.subscribe(gone);
    sub.open();
    QTRY_COMPARE(subscribed.size(), 3);

    m_redis->kill();
    QTRY_COMPARE(disconnected.size(), 1);
    QVERIFY(!sub.isConnected());
    QVERIFY(!sub.isActive(a));
    sub.subscribe(c);      // while down: a new channel, not a missed one
    sub.unsubscribe(gone); // while down: not subscribed again
    QVERIFY2(m_redis->restart(), qPrintable(m_redis->errorString()));

    QTRY_COMPARE(connected.size(), 2);
    QTRY_COMPARE(subscribed.size(), 6);
    QHash<QByteArray, bool> after;
    for (int i = 3; i < subscribed.size(); ++i)
        after.insert(subscribed[i][0].toByteArray(), subscribed[i][1].toBool());
    QCOMPARE(after, (QHash<QByteArray, bool> { { a, true }, { b, true }, { c, false } }));
    QCOMPARE(disconnected.size(), 1);

    auto pub = openConnection();
    QVERIFY(pub);
    QCOMPARE(run(*pub, { "PUBLISH", a, "back" }).integer, 1);
    QCOMPARE(run(*pub, { "PUBLISH", gone, "no" }).integer, 0);
    QTRY_COMPARE(message.size(), 1);
    QCOMPARE(message[0], (QVariantList { a, QByteArray("back") }));

    // close() counts as a drop too: channels come back with afterReconnect = true.
    sub.close();
    QCOMPARE(disconnected.size(), 2);
    sub.open();
    QTRY_COMPARE(subscribed.size(), 9);
    for (int i = 6; i < 9; ++i)
        QVERIFY(subscribed[i][1].toBool());
}

void tst_Redis::subscriberHandlerMayDeleteIt()
{
    auto pub = openConnection();
    QVERIFY(pub);
    auto *sub = new Subscriber(options());
    QSignalSpy destroyed(sub, &QObject::destroyed);
    sub->subscribe(key("a"));
    connect(sub, &Subscriber::message, sub, [sub] { delete sub; });
    sub->open();
    QTRY_VERIFY(sub->isActive(key("a")));
    // Two messages in one read: the second must not reach the deleted subscriber.
    pub->command({ "PUBLISH", key("a"), "1" });
    pub->command({ "PUBLISH", key("a"), "2" });
    QTRY_COMPARE(destroyed.size(), 1);
    QCOMPARE(run(*pub, { "PING" }).string, QByteArray("PONG"));
}

void tst_Redis::tcpUrl()
{
    TcpRedis tcp;
    if (redisProgram().isEmpty())
        QSKIP("redis-server is not installed");
    QVERIFY(tcp.start());
    QString error;
    const auto url = Url::parse(QStringLiteral("redis://127.0.0.1:%1/2").arg(tcp.port), &error);
    QVERIFY2(url, qPrintable(error));
    Options o;
    o.url = *url;
    auto c = openConnection(o);
    QVERIFY(c);
    QCOMPARE(run(*c, { "SET", "k", "tcp" }).type, Reply::Type::Status);
    QVERIFY(run(*c, { "CLIENT", "INFO" }).string.contains(" db=2 "));

    Subscriber sub(o);
    QSignalSpy subscribed(&sub, &Subscriber::subscribed);
    QSignalSpy message(&sub, &Subscriber::message);
    sub.subscribe("tcp-channel");
    sub.open();
    QTRY_COMPARE(subscribed.size(), 1);
    QCOMPARE(run(*c, { "PUBLISH", "tcp-channel", "over tcp" }).integer, 1);
    QTRY_COMPARE(message.size(), 1);
    QCOMPARE(message[0][1].toByteArray(), QByteArray("over tcp"));

    // Nobody on that port any more: refused, reported once.
    Options closed = o;
    QTcpServer probe;
    QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
    closed.url.port = probe.serverPort();
    probe.close();
    Connection d(closed);
    QSignalSpy down(&d, &Connection::disconnected);
    d.open();
    QTRY_COMPARE(down.size(), 1);
    QCOMPARE(down[0][0].toString(), QString("Connection refused"));
}

QTEST_GUILESS_MAIN(tst_Redis)
#include "tst_redis.moc"
