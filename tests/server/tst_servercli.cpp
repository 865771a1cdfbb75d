// privatechat-server as a user runs it: options, the embedded Redis, signals.
#include "testclient.h"
#include "testhost.h"

#include <QDir>
#include <QDirIterator>
#include <QElapsedTimer>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <memory>
#include <sys/stat.h>
#include <vector>

using namespace pc::test;

namespace {

struct Run
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

Run runServer(const QStringList &args,
    const QProcessEnvironment &env = QProcessEnvironment::systemEnvironment(),
    int timeoutMs = 15000)
{
    // An identity it makes goes to a folder of the test's, not the user's state folder.
    static QTemporaryDir state;
    QProcessEnvironment environment = env;
    if (!environment.contains(QStringLiteral("XDG_STATE_HOME")))
        environment.insert(QStringLiteral("XDG_STATE_HOME"), state.path());
    QProcess p;
    p.setChildProcessModifier(dieWithParent);
    p.setProcessEnvironment(environment);
    p.start(qEnvironmentVariable("PC_SERVER_BINARY"), args);
    p.waitForFinished(timeoutMs);
    return { p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, p.readAllStandardOutput(),
        p.readAllStandardError() };
}

// redis-server processes whose command line mentions this folder
QList<qint64> redisProcessesIn(const QString &folder)
{
    QList<qint64> pids;
    const auto entries = QDir(QStringLiteral("/proc")).entryList(QDir::Dirs);
    for (const QString &entry : entries) {
        bool ok = false;
        const qint64 pid = entry.toLongLong(&ok);
        if (!ok)
            continue;
        QFile cmdline(QStringLiteral("/proc/%1/cmdline").arg(pid));
        if (cmdline.open(QIODevice::ReadOnly)) {
            const QByteArray line = cmdline.readAll();
            if (line.contains("redis-server") && line.contains(folder.toUtf8()))
                pids.append(pid);
        }
    }
    return pids;
}

// The worker processes of a privatechat-server --workers N.
QList<qint64> workersOf(qint64 parent)
{
    QList<qint64> pids;
    const auto entries = QDir(QStringLiteral("/proc")).entryList(QDir::Dirs);
    for (const QString &entry : entries) {
        QFile stat(QStringLiteral("/proc/%1/stat").arg(entry));
        if (!stat.open(QIODevice::ReadOnly))
            continue;
        // pid (comm) state ppid ...: comm may hold spaces, so read after the last ')'.
        const QByteArray line = stat.readAll();
        const QList<QByteArray> fields = line.mid(line.lastIndexOf(')') + 2).split(' ');
        QFile cmdline(QStringLiteral("/proc/%1/cmdline").arg(entry));
        if (fields.value(1).toLongLong() == parent && cmdline.open(QIODevice::ReadOnly)
            && cmdline.readAll().contains("--worker"))
            pids.append(entry.toLongLong());
    }
    std::sort(pids.begin(), pids.end());
    return pids;
}

int socketsOf(qint64 pid)
{
    int sockets = 0;
    QDirIterator it(QStringLiteral("/proc/%1/fd").arg(pid), QDir::System);
    while (it.hasNext()) {
        if (QFileInfo(it.next()).symLinkTarget().contains(QLatin1StringView("socket:")))
            ++sockets;
    }
    return sockets;
}

} // namespace

class tst_ServerCli : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void versionAndHelp();
    void badOptions_data();
    void badOptions();
    void redisUnreachable();
    void redisServerMissing();
    void portInUse();
    void embeddedRedisLeavesNoTrace();
    void workersShareThePortAndTheRooms();
    void badIdentity_data();
    void badIdentity();
    void plainHasNoFingerprint();
};

void tst_ServerCli::versionAndHelp()
{
    const Run version = runServer({ QStringLiteral("--version") });
    QCOMPARE(version.exitCode, 0);
    QVERIFY(version.out.startsWith("privatechat-server "));
    const Run help = runServer({ QStringLiteral("--help") });
    QCOMPARE(help.exitCode, 0);
    for (const char *option : { "--listen", "--redis", "--redis-prefix", "--max-ttl",
             "--rate-burst", "--rate-per-second", "--idle-timeout", "--identity", "--tls-cert",
             "--tls-key", "--plain", "--map-port", "--map-lease" })
        QVERIFY2(help.out.contains(option), option);
}

void tst_ServerCli::badOptions_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("named");
    QTest::addRow("unknown option")
        << QStringList { QStringLiteral("--bogus") } << QStringLiteral("bogus");
    QTest::addRow("listen without port") << QStringList { QStringLiteral("--listen"),
        QStringLiteral("127.0.0.1") } << QStringLiteral("--listen");
    QTest::addRow("listen port too big")
        << QStringList { QStringLiteral("--listen"), QStringLiteral("127.0.0.1:70000") }
        << QStringLiteral("--listen");
    QTest::addRow("listen not an address") << QStringList { QStringLiteral("--listen"),
        QStringLiteral("example:80") } << QStringLiteral("--listen");
    QTest::addRow("redis wrong scheme") << QStringList { QStringLiteral("--redis"),
        QStringLiteral("http://x") } << QStringLiteral("--redis");
    QTest::addRow("max-ttl too small") << QStringList { QStringLiteral("--max-ttl"),
        QStringLiteral("3") } << QStringLiteral("--max-ttl");
    QTest::addRow("max-ttl not a number") << QStringList { QStringLiteral("--max-ttl"),
        QStringLiteral("soon") } << QStringLiteral("--max-ttl");
    QTest::addRow("rate-burst zero") << QStringList { QStringLiteral("--rate-burst"),
        QStringLiteral("0") } << QStringLiteral("--rate-burst");
    QTest::addRow("rate-per-second text") << QStringList { QStringLiteral("--rate-per-second"),
        QStringLiteral("fast") } << QStringLiteral("--rate-per-second");
    QTest::addRow("idle-timeout zero") << QStringList { QStringLiteral("--idle-timeout"),
        QStringLiteral("0") } << QStringLiteral("--idle-timeout");
    QTest::addRow("missing value")
        << QStringList { QStringLiteral("--listen") } << QStringLiteral("listen");
    QTest::addRow("workers zero") << QStringList { QStringLiteral("--workers"),
        QStringLiteral("0") } << QStringLiteral("--workers must be a whole number from 1 to 64");
    QTest::addRow("workers fraction") << QStringList { QStringLiteral("--workers"),
        QStringLiteral("1.5") } << QStringLiteral("--workers must be a whole number");
    QTest::addRow("workers too many") << QStringList { QStringLiteral("--workers"),
        QStringLiteral("65") } << QStringLiteral("not \"65\"");
    QTest::addRow("stray argument")
        << QStringList { QStringLiteral("extra") } << QStringLiteral("extra");
    const QString together = QStringLiteral(
        "privatechat-server: --tls-cert and --tls-key go together: give both or none");
    QTest::addRow("tls-cert alone")
        << QStringList { QStringLiteral("--tls-cert"), QStringLiteral("c.pem") } << together;
    QTest::addRow("tls-key alone")
        << QStringList { QStringLiteral("--tls-key"), QStringLiteral("k.pem") } << together;
    const QString plain = QStringLiteral("privatechat-server: --plain serves ws:// without TLS: "
                                         "it takes no --identity, --tls-cert or --tls-key");
    QTest::addRow("plain with identity") << QStringList { QStringLiteral("--plain"),
        QStringLiteral("--identity"), QStringLiteral("/tmp/x") }
                                         << plain;
    QTest::addRow("plain with a certificate") << QStringList { QStringLiteral("--plain"),
        QStringLiteral("--tls-cert"), QStringLiteral("c.pem"), QStringLiteral("--tls-key"),
        QStringLiteral("k.pem") } << plain;
    QTest::addRow("identity and a certificate")
        << QStringList { QStringLiteral("--identity"), QStringLiteral("/tmp/x"),
               QStringLiteral("--tls-cert"), QStringLiteral("c.pem"), QStringLiteral("--tls-key"),
               QStringLiteral("k.pem") }
        << QStringLiteral(
               "privatechat-server: --identity or --tls-cert/--tls-key: one identity, not both");
    // The default --listen is 127.0.0.1: no router could forward anything to it.
    QTest::addRow("map-port on loopback")
        << QStringList { QStringLiteral("--map-port") }
        << QStringLiteral("privatechat-server: --map-port: the host listens on 127.0.0.1, which "
                          "the router cannot reach; listen on an address of your network (e.g. "
                          "--listen 0.0.0.0:7878)");
    QTest::addRow("map-lease alone")
        << QStringList { QStringLiteral("--listen"), QStringLiteral("0.0.0.0:0"),
               QStringLiteral("--map-lease"), QStringLiteral("600") }
        << QStringLiteral("privatechat-server: --map-lease goes with --map-port");
    QTest::addRow("map-lease too short")
        << QStringList { QStringLiteral("--listen"), QStringLiteral("0.0.0.0:0"),
               QStringLiteral("--map-port"), QStringLiteral("--map-lease"), QStringLiteral("5") }
        << QStringLiteral("privatechat-server: --map-lease must be a whole number from 10 to "
                          "86400, not \"5\"");
}

void tst_ServerCli::badOptions()
{
    QFETCH(QStringList, args);
    QFETCH(QString, named);
    const Run run = runServer(args);
    QCOMPARE(run.exitCode, 2);
    QVERIFY(run.out.isEmpty());
    const QList<QByteArray> lines = run.err.trimmed().split('\n');
    QCOMPARE(lines.size(), 1);
    if (named.startsWith(QStringLiteral("privatechat-server: "))) // the whole line
        QCOMPARE(QString::fromUtf8(lines.first()), named);
    QVERIFY2(lines.first().contains(named.toUtf8()), lines.first().constData());
}

// An identity that cannot be read or made: exit 1 with what is wrong, nothing on stdout.
void tst_ServerCli::badIdentity_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("error");
    static QTemporaryDir dir;
    const QString root = dir.path();
    const auto write = [](const QString &path, const QByteArray &bytes, int mode = 0600) {
        QDir().mkpath(QFileInfo(path).path());
        QFile file(path);
        file.open(QIODevice::WriteOnly);
        file.write(bytes);
        file.close();
        ::chmod(QFile::encodeName(path).constData(), mode_t(mode));
    };

    write(root + QStringLiteral("/afile"), "x");
    QTest::addRow("identity is a file")
        << QStringList { QStringLiteral("--identity"), root + QStringLiteral("/afile") }
        << QStringLiteral("the identity folder %1/afile is a file, not a folder").arg(root);

    const QString corrupt = root + QStringLiteral("/corrupt");
    write(corrupt + QStringLiteral("/cert.pem"), "-----BEGIN CERTIFICATE-----\nnope\n");
    write(corrupt + QStringLiteral("/key.pem"), "not a key");
    QTest::addRow("corrupt certificate") << QStringList { QStringLiteral("--identity"),
        corrupt } << QStringLiteral("%1/cert.pem holds no PEM certificate").arg(corrupt);

    const QString noKey = root + QStringLiteral("/nokey");
    write(noKey + QStringLiteral("/cert.pem"), "x");
    QTest::addRow("certificate without its key")
        << QStringList { QStringLiteral("--identity"), noKey }
        << QStringLiteral("%1 has no key.pem but a cert.pem: the identity is incomplete; move "
                          "the folder away to make a new one (invites that pin the old "
                          "fingerprint stop working)")
               .arg(noKey);

    const QString open = root + QStringLiteral("/open");
    write(open + QStringLiteral("/cert.pem"), "x");
    write(open + QStringLiteral("/key.pem"), "x", 0644);
    QTest::addRow("key readable by others")
        << QStringList { QStringLiteral("--identity"), open }
        << QStringLiteral("%1/key.pem may be read by other users (mode 0644): chmod 600 it")
               .arg(open);

    const QString folderKey = root + QStringLiteral("/folderkey");
    write(folderKey + QStringLiteral("/cert.pem"), "x");
    QDir().mkpath(folderKey + QStringLiteral("/key.pem"));
    ::chmod(QFile::encodeName(folderKey + QStringLiteral("/key.pem")).constData(), 0700);
    write(folderKey + QStringLiteral("/cert.pem"), "x");
    QTest::addRow("key is a folder") << QStringList { QStringLiteral("--identity"),
        folderKey } << QStringLiteral("cannot read %1/key.pem: it is a folder").arg(folderKey);

    const QString missing = root + QStringLiteral("/missing.pem");
    QTest::addRow("tls-cert missing") << QStringList {
        QStringLiteral("--tls-cert"), missing, QStringLiteral("--tls-key"), missing
    } << QStringLiteral("cannot read %1: No such file or directory").arg(missing);

    // A real certificate with a key file that holds none.
    const QString ca = root + QStringLiteral("/ca");
    QProcess openssl;
    QDir().mkpath(ca);
    openssl.start(QStringLiteral("openssl"),
        { QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"),
            QStringLiteral("ec"), QStringLiteral("-pkeyopt"),
            QStringLiteral("ec_paramgen_curve:P-256"), QStringLiteral("-nodes"),
            QStringLiteral("-subj"), QStringLiteral("/CN=test"), QStringLiteral("-keyout"),
            ca + QStringLiteral("/key.pem"), QStringLiteral("-out"),
            ca + QStringLiteral("/cert.pem") });
    openssl.waitForFinished(10000);
    write(ca + QStringLiteral("/garbage.pem"), "-----BEGIN EC PRIVATE KEY-----\nAAAA\n");
    QTest::addRow("tls-key not a key") << QStringList {
        QStringLiteral("--tls-cert"), ca + QStringLiteral("/cert.pem"), QStringLiteral("--tls-key"),
        ca + QStringLiteral("/garbage.pem")
    } << QStringLiteral("%1/garbage.pem holds no unencrypted PEM private key (EC or RSA)").arg(ca);
}

void tst_ServerCli::badIdentity()
{
    QFETCH(QStringList, args);
    QFETCH(QString, error);
    const Run run = runServer(
        args + QStringList { QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0") });
    QCOMPARE(run.exitCode, 1);
    QVERIFY(run.out.isEmpty());
    QCOMPARE(QString::fromUtf8(run.err.trimmed()), QStringLiteral("privatechat-server: ") + error);
}

// --plain: one line, ws://, no fingerprint.
void tst_ServerCli::plainHasNoFingerprint()
{
    ServerProcess server(
        { QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"), QStringLiteral("--plain") });
    QVERIFY(server.start());
    QVERIFY(server.firstLine().startsWith(QStringLiteral("listening on ws://127.0.0.1:")));
    QVERIFY(server.fingerprint().isEmpty());
    QTest::qWait(300);
    QCOMPARE(server.process().readAllStandardOutput(), QByteArray());
}

void tst_ServerCli::redisUnreachable()
{
    QTemporaryDir dir;
    QElapsedTimer clock;
    clock.start();
    const Run run = runServer(
        { QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"), QStringLiteral("--redis"),
            QStringLiteral("unix://") + dir.filePath(QStringLiteral("none.sock")) });
    QCOMPARE(run.exitCode, 1);
    QVERIFY(run.out.isEmpty());
    QVERIFY2(run.err.contains("cannot reach Redis"), run.err.constData());
    QVERIFY(clock.elapsed() < 10000);
}

void tst_ServerCli::redisServerMissing()
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("PC_REDIS_SERVER"), QStringLiteral("/nonexistent/redis-server"));
    const Run run = runServer({ QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0") }, env);
    QCOMPARE(run.exitCode, 1);
    QVERIFY2(run.err.contains("redis-server was not found"), run.err.constData());
    QVERIFY(run.err.contains("apt-get install redis-server"));
}

void tst_ServerCli::portInUse()
{
    ServerProcess first({ QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0") });
    QVERIFY(first.start());
    const Run second = runServer(
        { QStringLiteral("--listen"), QStringLiteral("127.0.0.1:%1").arg(first.url().port()) });
    QCOMPARE(second.exitCode, 1);
    QVERIFY2(second.err.contains("cannot listen"), second.err.constData());
    // Workers share a port among themselves only: a taken one is refused before any starts.
    const Run pool = runServer({ QStringLiteral("--workers"), QStringLiteral("2"),
        QStringLiteral("--listen"), QStringLiteral("127.0.0.1:%1").arg(first.url().port()) });
    QCOMPARE(pool.exitCode, 1);
    QVERIFY2(pool.err.contains("cannot listen on 127.0.0.1:"), pool.err.constData());
    QVERIFY(pool.out.isEmpty());
}

void tst_ServerCli::embeddedRedisLeavesNoTrace()
{
    QTemporaryDir scratch; // the server's cwd, HOME, TMPDIR and runtime folder
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    for (const char *var : { "HOME", "TMPDIR", "XDG_RUNTIME_DIR" })
        env.insert(QLatin1StringView(var), scratch.path());
    QTemporaryDir identity; // the one thing meant to last, kept apart
    QProcess server;
    server.setChildProcessModifier(dieWithParent);
    server.setProcessEnvironment(env);
    server.setWorkingDirectory(scratch.path());
    server.start(qEnvironmentVariable("PC_SERVER_BINARY"),
        { QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"), QStringLiteral("--identity"),
            identity.path() });
    QTRY_VERIFY_WITH_TIMEOUT(server.canReadLine(), 10000);
    const QString line = QString::fromUtf8(server.readLine()).trimmed();
    QVERIFY(line.startsWith(QStringLiteral("listening on wss://127.0.0.1:")));
    QVERIFY(line.endsWith(QStringLiteral("/api/realtime")));
    QCOMPARE(redisProcessesIn(scratch.path()).size(), 1);

    {
        const QUrl url = plainUrl(QUrl(line.mid(13))); // plain ws:// on loopback
        TestClient alice { url }, bob { url };
        QVERIFY(alice.open() && bob.open());
        const QString room = alice.createRoom();
        const QString at = alice.join(room, QStringLiteral("Alice"))
                               .value(QLatin1StringView("token"))
                               .toString();
        const QString bt
            = bob.join(room, QStringLiteral("Bob")).value(QLatin1StringView("token")).toString();
        QVERIFY(bob.subscribe(room, bt).value(QLatin1StringView("ok")).toBool());
        QVERIFY(alice
                    .request(QStringLiteral("messages.send"),
                        { { QLatin1StringView("roomId"), room }, { QLatin1StringView("token"), at },
                            { QLatin1StringView("text"), QStringLiteral("secret words") } })
                    .value(QLatin1StringView("ok"))
                    .toBool());
        QVERIFY(bob.waitForEvents(QStringLiteral("chat.message"), 1));

        QElapsedTimer clock;
        clock.start();
        ::kill(pid_t(server.processId()), SIGTERM);
        QVERIFY(bob.waitClosed());
        QCOMPARE(bob.closeCode(), 1001);
        QVERIFY(server.waitForFinished(5000));
        QVERIFY(clock.elapsed() < 5000);
        QCOMPARE(server.exitStatus(), QProcess::NormalExit);
        QCOMPARE(server.exitCode(), 0);
    }
    QCOMPARE(redisProcessesIn(scratch.path()), QList<qint64>());
    // Nothing on disk: no dump, no append-only file, no leftover runtime folder, no text.
    QDirIterator it(scratch.path(), QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot,
        QDirIterator::Subdirectories);
    QStringList left;
    while (it.hasNext())
        left.append(it.next());
    QCOMPARE(left, QStringList());
    QVERIFY(!server.readAllStandardError().contains("secret words"));
}

void tst_ServerCli::workersShareThePortAndTheRooms()
{
    QTemporaryDir scratch;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    for (const char *var : { "TMPDIR", "XDG_RUNTIME_DIR" }) // where the embedded Redis lives
        env.insert(QLatin1StringView(var), scratch.path());
    ServerProcess server({ QStringLiteral("--workers"), QStringLiteral("2"),
        QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0") });
    server.process().setProcessEnvironment(env);
    QVERIFY(server.start());
    QVERIFY(server.firstLine().startsWith(QStringLiteral("listening on wss://127.0.0.1:")));
    QVERIFY(!server.fingerprint().isEmpty());
    const qint64 pid = server.process().processId();
    QList<qint64> workers = workersOf(pid);
    QCOMPARE(workers.size(), 2);
    QCOMPARE(redisProcessesIn(scratch.path()).size(), 1);

    // The kernel spreads connections over both workers, and a room spans them: everyone in one
    // room hears one member.
    const int before[] = { socketsOf(workers[0]), socketsOf(workers[1]) };
    std::vector<std::unique_ptr<TestClient>> members;
    for (int i = 0; i < 16; ++i) {
        members.push_back(std::make_unique<TestClient>(server.url()));
        QVERIFY(members.back()->open());
    }
    QVERIFY2(socketsOf(workers[0]) > before[0] && socketsOf(workers[1]) > before[1],
        "every worker has members");
    const QString room = members.front()->createRoom(600, 20);
    QStringList tokens;
    for (const auto &member : members) {
        const QString token
            = member->join(room, QStringLiteral("M")).value(QLatin1StringView("token")).toString();
        QVERIFY(!token.isEmpty());
        QVERIFY(member->subscribe(room, token).value(QLatin1StringView("ok")).toBool());
        tokens.append(token);
    }
    QVERIFY(members.front()
                ->request(QStringLiteral("messages.send"),
                    { { QLatin1StringView("roomId"), room },
                        { QLatin1StringView("token"), tokens.front() },
                        { QLatin1StringView("text"), QStringLiteral("to everyone") } })
                .value(QLatin1StringView("ok"))
                .toBool());
    for (const auto &member : members)
        QVERIFY(member->waitForEvents(QStringLiteral("chat.message"), 1));

    // A worker that dies is started again; its members reconnect to whichever worker.
    ::kill(pid_t(workers[1]), SIGKILL);
    QTRY_VERIFY_WITH_TIMEOUT(workersOf(pid).size() == 2 && workersOf(pid) != workers, 10000);
    workers = workersOf(pid);
    QTRY_VERIFY_WITH_TIMEOUT(socketsOf(workers[1]) >= 3, 5000); // Redis links + listening
    TestClient late(server.url());
    QVERIFY(late.open());
    QVERIFY(!late.join(room, QStringLiteral("Late"))
                 .value(QLatin1StringView("token"))
                 .toString()
                 .isEmpty());

    // SIGTERM: every member is told, then workers and Redis are gone.
    ::kill(pid_t(pid), SIGTERM);
    QVERIFY(late.waitClosed());
    QCOMPARE(late.closeCode(), 1001);
    QVERIFY(server.process().waitForFinished(8000));
    QCOMPARE(server.process().exitStatus(), QProcess::NormalExit);
    QCOMPARE(server.process().exitCode(), 0);
    QCOMPARE(workersOf(pid), QList<qint64>());
    QCOMPARE(redisProcessesIn(scratch.path()), QList<qint64>());
}

QTEST_GUILESS_MAIN(tst_ServerCli)
#include "tst_servercli.moc"
