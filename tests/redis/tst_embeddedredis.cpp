#include "host/embeddedredis.h"
#include "redis/connection.h"

#include <QDir>
#include <QFile>
#include <QLocalSocket>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <memory>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace pc::redis;
using pc::host::EmbeddedRedis;

namespace {

QByteArray ping(const QString &socketPath)
{
    QLocalSocket socket;
    socket.connectToServer(socketPath);
    if (!socket.waitForConnected(2000))
        return {};
    socket.write("PING\r\n");
    QByteArray answer;
    while (!answer.contains('\n') && socket.waitForReadyRead(2000))
        answer += socket.readAll();
    return answer;
}

Reply run(Connection &c, const QList<QByteArray> &args)
{
    auto reply = std::make_shared<std::optional<Reply>>();
    c.command(args, [reply](const Reply &r) { *reply = r; });
    (void)QTest::qWaitFor([&] { return reply->has_value(); }, 5000);
    return reply->value_or(Reply::error("TIMEOUT in test"));
}

// Gone, or a zombie nobody reaped yet (PID 1 in a container may not).
bool processExists(qint64 pid)
{
    QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!stat.open(QIODevice::ReadOnly))
        return false;
    const QByteArray line = stat.readAll();
    const qsizetype close = line.lastIndexOf(')');
    return close >= 0 && line.mid(close + 2, 1) != "Z";
}

int mode(const QString &path)
{
    struct stat st = {};
    if (::stat(QFile::encodeName(path).constData(), &st) != 0)
        return -1;
    return int(st.st_mode & 07777);
}

// Everything in the folder, hidden files included.
QStringList contents(const QString &folder)
{
    return QDir(folder).entryList(
        QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot);
}

// Restores an environment variable when the test ends, pass or fail.
class EnvGuard
{
public:
    EnvGuard(const char *name, const QByteArray &value)
        : m_name(name), m_had(qEnvironmentVariableIsSet(name)), m_old(qgetenv(name))
    {
        qputenv(name, value);
    }
    ~EnvGuard()
    {
        if (m_had)
            qputenv(m_name, m_old);
        else
            qunsetenv(m_name);
    }

private:
    const char *m_name;
    bool m_had;
    QByteArray m_old;
};

} // namespace

class tst_EmbeddedRedis : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void startAnswersPingInPrivateFolder();
    void prefersUsableRuntimeDir();
    void nothingIsPersisted();
    void stopRemovesFolderAndProcess();
    void destructorStops();
    void killAndRestartOnSameSocket();
    void unexpectedExitIsSignalled();
    void missingProgram();
    void programThatExits();
    void programThatNeverAnswers();
    void restartWithoutStart();
    void diesWithItsParent();
};

void tst_EmbeddedRedis::startAnswersPingInPrivateFolder()
{
    EmbeddedRedis redis;
    QVERIFY(!redis.isRunning());
    QVERIFY2(redis.start(), qPrintable(redis.errorString()));
    QVERIFY(redis.errorString().isEmpty());
    QVERIFY(redis.isRunning());
    QVERIFY(redis.pid() > 0);
    QVERIFY(QFileInfo(redis.folder()).fileName().startsWith("privatechat-"));
    QCOMPARE(QFileInfo(redis.folder()).fileName().size(), qsizetype(strlen("privatechat-XXXXXX")));
    QCOMPARE(redis.socketPath(), redis.folder() + "/redis.sock");
    QCOMPARE(mode(redis.folder()), 0700);
    QCOMPARE(mode(redis.socketPath()) & 0777, 0700);
    QCOMPARE(redis.url().kind, Url::Kind::Unix);
    QCOMPARE(redis.url().path, redis.socketPath());
    QCOMPARE(redis.url().toString(), "unix://" + redis.socketPath());
    QVERIFY(ping(redis.socketPath()).startsWith("+PONG"));
    QVERIFY(redis.start()); // already running: nothing changes
    QCOMPARE(ping(redis.socketPath()).left(5), QByteArray("+PONG"));

    // No TCP listener at all.
    Connection c(Options { redis.url() });
    c.open();
    QTRY_VERIFY(c.isConnected());
    const Reply port = run(c, { "CONFIG", "GET", "port" });
    QCOMPARE(port.elements.value(1).string, QByteArray("0"));
}

void tst_EmbeddedRedis::prefersUsableRuntimeDir()
{
    QTemporaryDir runtime;
    QVERIFY(runtime.isValid());
    QVERIFY(QFile::setPermissions(
        runtime.path(), QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner));
    {
        EnvGuard env("XDG_RUNTIME_DIR", QFile::encodeName(runtime.path()));
        EmbeddedRedis redis;
        QVERIFY2(redis.start(), qPrintable(redis.errorString()));
        QCOMPARE(
            QFileInfo(redis.folder()).absolutePath(), QFileInfo(runtime.path()).absoluteFilePath());
    }
    {
        EnvGuard env("XDG_RUNTIME_DIR", runtime.filePath("missing").toUtf8());
        EmbeddedRedis redis;
        QVERIFY2(redis.start(), qPrintable(redis.errorString()));
        QCOMPARE(QFileInfo(redis.folder()).absolutePath(),
            QFileInfo(QDir::tempPath()).absoluteFilePath());
    }
}

void tst_EmbeddedRedis::nothingIsPersisted()
{
    EmbeddedRedis redis;
    QSignalSpy exited(&redis, &EmbeddedRedis::unexpectedExit);
    QVERIFY2(redis.start(), qPrintable(redis.errorString()));
    const QString folder = redis.folder();
    {
        Connection c(Options { redis.url() });
        c.open();
        QTRY_VERIFY(c.isConnected());
        QCOMPARE(run(c, { "CONFIG", "GET", "save" }).elements.value(1).string, QByteArray());
        QCOMPARE(
            run(c, { "CONFIG", "GET", "appendonly" }).elements.value(1).string, QByteArray("no"));
        for (int i = 0; i < 200; ++i)
            c.command({ "SET", "key" + QByteArray::number(i), QByteArray(1000, 'x') });
        QCOMPARE(run(c, { "DBSIZE" }).integer, 200);
    }
    QCOMPARE(contents(folder), QStringList { "redis.sock" });

    // A clean shutdown (SIGTERM, as stop() sends) must not write a snapshot either.
    const qint64 pid = redis.pid();
    QCOMPARE(::kill(pid_t(pid), SIGTERM), 0);
    QTRY_VERIFY(!redis.isRunning());
    QCOMPARE(exited.size(), 1);
    const QStringList left = contents(folder);
    QVERIFY2(left.isEmpty(), qPrintable(left.join(", "))); // Redis removed its socket too
    redis.stop();
    QVERIFY(!QFileInfo::exists(folder));
}

void tst_EmbeddedRedis::stopRemovesFolderAndProcess()
{
    EmbeddedRedis redis;
    QSignalSpy exited(&redis, &EmbeddedRedis::unexpectedExit);
    QVERIFY2(redis.start(), qPrintable(redis.errorString()));
    const QString folder = redis.folder();
    const qint64 pid = redis.pid();
    QVERIFY(processExists(pid));
    redis.stop();
    QVERIFY(!redis.isRunning());
    QVERIFY(!processExists(pid));
    QVERIFY(!QFileInfo::exists(folder));
    QVERIFY(redis.folder().isEmpty());
    QVERIFY(redis.socketPath().isEmpty());
    QCOMPARE(exited.size(), 0);
    redis.stop(); // twice: harmless

    // It starts again, in a new folder.
    QVERIFY2(redis.start(), qPrintable(redis.errorString()));
    QVERIFY(redis.folder() != folder);
    QVERIFY(ping(redis.socketPath()).startsWith("+PONG"));
}

void tst_EmbeddedRedis::destructorStops()
{
    QString folder;
    qint64 pid = 0;
    {
        EmbeddedRedis redis;
        QVERIFY2(redis.start(), qPrintable(redis.errorString()));
        folder = redis.folder();
        pid = redis.pid();
    }
    QVERIFY(!processExists(pid));
    QVERIFY(!QFileInfo::exists(folder));
}

void tst_EmbeddedRedis::killAndRestartOnSameSocket()
{
    EmbeddedRedis redis;
    QSignalSpy exited(&redis, &EmbeddedRedis::unexpectedExit);
    QVERIFY2(redis.start(), qPrintable(redis.errorString()));
    const QString folder = redis.folder();
    const QString socket = redis.socketPath();
    const qint64 pid = redis.pid();

    Options o { redis.url() };
    o.minReconnectDelayMs = 10;
    o.maxReconnectDelayMs = 100;
    Connection c(o);
    QSignalSpy connected(&c, &Connection::connected);
    c.open();
    QTRY_COMPARE(connected.size(), 1);
    QCOMPARE(run(c, { "SET", "k", "v" }).type, Reply::Type::Status);

    redis.kill();
    QVERIFY(!redis.isRunning());
    QVERIFY(!processExists(pid));
    QVERIFY(QFileInfo(folder).isDir());
    QCOMPARE(exited.size(), 0); // asked for: not unexpected

    QVERIFY2(redis.restart(), qPrintable(redis.errorString()));
    QCOMPARE(redis.folder(), folder);
    QCOMPARE(redis.socketPath(), socket);
    QVERIFY(redis.pid() != pid);
    QVERIFY(ping(socket).startsWith("+PONG"));
    QTRY_COMPARE(connected.size(), 2); // the client found it again by itself
    QCOMPARE(run(c, { "GET", "k" }).type, Reply::Type::Nil);

    // restart() while running replaces the process.
    const qint64 second = redis.pid();
    QVERIFY2(redis.restart(), qPrintable(redis.errorString()));
    QVERIFY(redis.pid() != second);
    QVERIFY(!processExists(second));
    QCOMPARE(exited.size(), 0);

    redis.stop();
    QVERIFY(!QFileInfo::exists(folder));
}

void tst_EmbeddedRedis::unexpectedExitIsSignalled()
{
    EmbeddedRedis redis;
    QSignalSpy exited(&redis, &EmbeddedRedis::unexpectedExit);
    QVERIFY2(redis.start(), qPrintable(redis.errorString()));
    QCOMPARE(::kill(pid_t(redis.pid()), SIGKILL), 0);
    QTRY_COMPARE(exited.size(), 1);
    QVERIFY(exited[0][0].toString().startsWith("redis-server crashed; its last log line: "));
    QVERIFY(!redis.isRunning());
    QVERIFY2(redis.restart(), qPrintable(redis.errorString()));
    QVERIFY(ping(redis.socketPath()).startsWith("+PONG"));
}

void tst_EmbeddedRedis::missingProgram()
{
    EnvGuard env("PC_REDIS_SERVER", "/nonexistent");
    EmbeddedRedis redis;
    QVERIFY(!redis.start());
    QCOMPARE(redis.errorString(),
        QString("redis-server was not found: install it (apt-get "
                "install redis-server) or pass --redis URL"));
    QVERIFY(!redis.isRunning());
    QVERIFY(redis.folder().isEmpty()); // nothing left behind

    EnvGuard notOnPath("PC_REDIS_SERVER", "no-such-redis-server-program");
    QVERIFY(!redis.start());
    QCOMPARE(redis.errorString(),
        QString("redis-server was not found: install it (apt-get "
                "install redis-server) or pass --redis URL"));
}

void tst_EmbeddedRedis::programThatExits()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString script = dir.filePath("fake-redis");
    QFile file(script);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("#!/bin/sh\necho 'Fatal error, cannot open config'\nexit 1\n");
    file.close();
    QVERIFY(file.setPermissions(QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner));

    EnvGuard env("PC_REDIS_SERVER", QFile::encodeName(script));
    EmbeddedRedis redis;
    QSignalSpy exited(&redis, &EmbeddedRedis::unexpectedExit);
    QVERIFY(!redis.start(3000));
    QCOMPARE(redis.errorString(),
        QString("redis-server stopped while starting; its last log "
                "line: Fatal error, cannot open config"));
    QVERIFY(redis.folder().isEmpty());
    QCoreApplication::processEvents();
    QCOMPARE(exited.size(), 0); // a failed start, reported by start()
}

void tst_EmbeddedRedis::programThatNeverAnswers()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString script = dir.filePath("silent-redis");
    QFile file(script);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("#!/bin/sh\necho 'starting slowly'\nexec sleep 60\n");
    file.close();
    QVERIFY(file.setPermissions(QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner));

    EnvGuard env("PC_REDIS_SERVER", QFile::encodeName(script));
    EmbeddedRedis redis;
    QVERIFY(!redis.start(1000));
    QCOMPARE(redis.errorString(),
        QString("redis-server did not answer within 1000 ms; its last "
                "log line: starting slowly"));
    QVERIFY(!redis.isRunning());
    QVERIFY(redis.folder().isEmpty());
}

void tst_EmbeddedRedis::restartWithoutStart()
{
    EmbeddedRedis redis;
    QVERIFY(!redis.restart());
    QCOMPARE(redis.errorString(),
        QString("redis-server cannot restart: it has no folder (call start() first)."));
}

void tst_EmbeddedRedis::diesWithItsParent()
{
    QProcess parent;
    parent.setChildProcessModifier([] { ::prctl(PR_SET_PDEATHSIG, SIGKILL); });
    parent.start(QStringLiteral(PC_EMBEDDED_CHILD), {});
    QVERIFY(parent.waitForStarted());
    QTRY_VERIFY_WITH_TIMEOUT(parent.canReadLine() || parent.state() != QProcess::Running, 10000);
    const QList<QByteArray> fields = parent.readLine().trimmed().split(' ');
    QCOMPARE(fields.size(), 2);
    const qint64 pid = fields[0].toLongLong();
    const QString folder = QString::fromLocal8Bit(fields[1]);
    QVERIFY(pid > 0);
    QVERIFY(processExists(pid));

    parent.kill(); // no chance to clean up: only PR_SET_PDEATHSIG can stop redis-server
    QVERIFY(parent.waitForFinished());
    QTRY_VERIFY(!processExists(pid));
    QVERIFY(QDir(folder).removeRecursively()); // what a SIGKILLed host leaves behind
}

QTEST_GUILESS_MAIN(tst_EmbeddedRedis)
#include "tst_embeddedredis.moc"
