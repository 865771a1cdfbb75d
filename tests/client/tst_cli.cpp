// privatechat-cli as scripts use it: create, join, stdin -> messages, JSON lines out, exit
// codes, and a host killed and restarted mid-chat.
#include "testclient.h"
#include "testhost.h"

#include <QElapsedTimer>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QPainter>
#include <QProcess>
#include <QRegularExpression>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

using namespace pc::test;

namespace {

// A running privatechat-cli, its stdout split into JSON lines.
class Cli
{
public:
    explicit Cli(const QStringList &args)
    {
        m_process.setChildProcessModifier(dieWithParent);
        m_process.start(qEnvironmentVariable("PC_CLI_BINARY"), args);
    }
    ~Cli()
    {
        m_process.kill();
        m_process.waitForFinished(2000);
    }
    bool waitFinished(int timeoutMs = 5000)
    {
        return QTest::qWaitFor(
            [this] { return m_process.state() == QProcess::NotRunning; }, timeoutMs);
    }
    QProcess &process() { return m_process; }
    QList<QJsonObject> lines()
    {
        while (m_process.canReadLine())
            m_lines.append(QJsonDocument::fromJson(m_process.readLine()).object());
        return m_lines;
    }
    QList<QJsonObject> events(const QString &name)
    {
        QList<QJsonObject> out;
        for (const QJsonObject &line : lines()) {
            if (line.value(k("event")).toString() == name)
                out.append(line);
        }
        return out;
    }
    bool sawStatus(const QString &status)
    {
        for (const QJsonObject &line : lines()) {
            if (line.value(k("status")).toString() == status)
                return true;
        }
        return false;
    }
    void type(const QByteArray &line) { m_process.write(line + '\n'); }

private:
    QProcess m_process;
    QList<QJsonObject> m_lines;
};

struct Finished
{
    int code;
    QByteArray out, err;
};

Finished runToEnd(const QStringList &args)
{
    QProcess p;
    p.setChildProcessModifier(dieWithParent);
    p.start(qEnvironmentVariable("PC_CLI_BINARY"), args);
    p.closeWriteChannel();
    // Not waitForFinished(): the host under test runs on this event loop.
    (void)QTest::qWaitFor([&] { return p.state() == QProcess::NotRunning; }, 15000);
    return { p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, p.readAllStandardOutput(),
        p.readAllStandardError() };
}

QString authority(const QUrl &url)
{
    return QStringLiteral("127.0.0.1:%1").arg(url.port());
}

quint16 freePort()
{
    QTcpServer probe;
    probe.listen(QHostAddress::LocalHost, 0);
    return probe.serverPort();
}

} // namespace

class tst_Cli : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void createPrintsTheInvite();
    void createPrintsAQrCodeThatScans();
    void joinBridgesTheTerminal();
    void cannotJoin_data();
    void cannotJoin();
    void badArguments_data();
    void badArguments();
    void hostKilledAndRestartedMidChat();
    void inputEndsAfterEveryLineUnderTheRateLimit();

private:
    std::unique_ptr<TestHost> m_host;
};

void tst_Cli::initTestCase()
{
    m_host = std::make_unique<TestHost>();
    QVERIFY(m_host->start());
}

void tst_Cli::createPrintsTheInvite()
{
    const auto create = [this](QStringList more) {
        return runToEnd(QStringList { QStringLiteral("--server"),
                            QStringLiteral("ws://") + authority(m_host->url()),
                            QStringLiteral("--create"), QStringLiteral("--ttl"),
                            QStringLiteral("60"), QStringLiteral("--max"), QStringLiteral("3") }
            + more);
    };
    // End to end by default: the key in the fragment; a ws:// host says plain=1.
    const Finished sealed = create({});
    QCOMPARE(sealed.code, 0);
    const QString line = QString::fromUtf8(sealed.out).trimmed();
    const QRegularExpression form(QStringLiteral("^privatechat://%1/([A-Za-z0-9_-]{21})\\?plain=1"
                                                 "#k=[A-Za-z0-9_-]{43}$")
                                      .arg(QRegularExpression::escape(authority(m_host->url()))));
    const auto match = form.match(line);
    QVERIFY2(match.hasMatch(), qPrintable(line));
    TestClient check(m_host->url());
    QVERIFY(check.open());
    const QJsonObject refused = check.request(QStringLiteral("room.join"),
        { { k("roomId"), match.captured(1) }, { k("name"), QStringLiteral("Check") } });
    QCOMPARE(refused.value(k("error")).toObject().value(k("message")).toString(),
        QStringLiteral("This room is end-to-end encrypted: join with sealedName."));

    // --no-e2e: a room any client joins by name.
    const Finished plain = create({ QStringLiteral("--no-e2e") });
    QCOMPARE(plain.code, 0);
    const QString plainLine = QString::fromUtf8(plain.out).trimmed();
    QVERIFY2(!plainLine.contains(QLatin1Char('#')), qPrintable(plainLine));
    const QString room = plainLine.section(QLatin1Char('/'), 3).section(QLatin1Char('?'), 0, 0);
    const QJsonObject joined = check.join(room, QStringLiteral("Check"));
    QCOMPARE(joined.value(k("maxParticipants")).toInt(), 3);
    QVERIFY(joined.value(k("ttl")).toInt() <= 60);
}

// --qr: the terminal's half blocks drawn back into pixels (a block is a light module) are
// read by a real scanner (zbarimg) as the invite printed above them.
void tst_Cli::createPrintsAQrCodeThatScans()
{
    const Finished run
        = runToEnd({ QStringLiteral("--server"), QStringLiteral("ws://") + authority(m_host->url()),
            QStringLiteral("--create"), QStringLiteral("--qr") });
    QCOMPARE(run.code, 0);
    QStringList lines = QString::fromUtf8(run.out).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    QVERIFY(lines.size() > 10);
    const QString link = lines.takeFirst();
    QVERIFY2(link.startsWith(QStringLiteral("privatechat://")), qPrintable(link));
    constexpr int kScale = 8;
    const int width = int(lines.first().size());
    QImage image(width * kScale, int(lines.size()) * 2 * kScale, QImage::Format_RGB32);
    image.fill(Qt::black);
    QPainter painter(&image);
    for (int row = 0; row < lines.size(); ++row) {
        QCOMPARE(lines[row].size(), width);
        for (int x = 0; x < width; ++x) {
            const QChar c = lines[row].at(x);
            const bool top = c == QChar(0x2588) || c == QChar(0x2580);
            const bool bottom = c == QChar(0x2588) || c == QChar(0x2584);
            if (top)
                painter.fillRect(x * kScale, row * 2 * kScale, kScale, kScale, Qt::white);
            if (bottom)
                painter.fillRect(x * kScale, (row * 2 + 1) * kScale, kScale, kScale, Qt::white);
        }
    }
    painter.end();
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("qr.png"));
    QVERIFY(image.save(path));
    QProcess zbar;
    zbar.start(
        QStringLiteral("zbarimg"), { QStringLiteral("--quiet"), QStringLiteral("--raw"), path });
    QVERIFY(zbar.waitForFinished(10000));
    QCOMPARE(QString::fromUtf8(zbar.readAllStandardOutput()).trimmed(), link);
}

void tst_Cli::joinBridgesTheTerminal()
{
    TestClient bob(m_host->url());
    QVERIFY(bob.open());
    const QString room = bob.createRoom(600, 2);
    const QString bobToken = bob.join(room, QStringLiteral("Bob")).value(k("token")).toString();
    QVERIFY(bob.subscribe(room, bobToken).value(k("ok")).toBool());

    Cli cli({ QStringLiteral("--join"),
        QStringLiteral("privatechat://%1/%2").arg(authority(m_host->url()), room),
        QStringLiteral("--name"), QStringLiteral("Cleo"), QStringLiteral("--stay") });
    QVERIFY(bob.waitForEvents(QStringLiteral("presence.join"), 1));
    cli.type("hello from the terminal");
    QVERIFY(bob.waitForEvents(QStringLiteral("chat.message"), 1));
    const QJsonObject got
        = bob.events(QStringLiteral("chat.message")).first().value(k("data")).toObject();
    QCOMPARE(got.value(k("text")).toString(), QStringLiteral("hello from the terminal"));
    QCOMPARE(got.value(k("sender")).toString(), QStringLiteral("Cleo"));

    bob.request(QStringLiteral("messages.send"),
        { { k("roomId"), room }, { k("token"), bobToken }, { k("text"), QStringLiteral("yo") } });
    QTRY_COMPARE(cli.events(QStringLiteral("chat.message")).size(), 2);
    const QJsonObject line = cli.events(QStringLiteral("chat.message")).last();
    QCOMPARE(line.value(k("channel")).toString(), room);
    QCOMPARE(line.value(k("data")).toObject().value(k("text")).toString(), QStringLiteral("yo"));
    QVERIFY(cli.sawStatus(QStringLiteral("connected")));

    cli.process().closeWriteChannel(); // with --stay, end of input does not end the session
    QTest::qWait(300);
    QCOMPARE(cli.process().state(), QProcess::Running);
    bob.request(
        QStringLiteral("room.destroy"), { { k("roomId"), room }, { k("token"), bobToken } });
    QVERIFY(cli.waitFinished());
    QCOMPARE(cli.process().exitCode(), 0);
    QCOMPARE(cli.events(QStringLiteral("chat.destroy")).size(), 1);
    QCOMPARE(TestClient::tokenLeak(), QString());
}

void tst_Cli::cannotJoin_data()
{
    QTest::addColumn<QString>("which");
    QTest::addRow("full") << QStringLiteral("full");
    QTest::addRow("not found") << QStringLiteral("not found");
    QTest::addRow("unreachable") << QStringLiteral("unreachable");
    QTest::addRow("never answers") << QStringLiteral("never answers");
}

void tst_Cli::cannotJoin()
{
    QFETCH(QString, which);
    QString link;
    QTcpServer silent;
    TestClient owner(m_host->url());
    QVERIFY(owner.open());
    if (which == QStringLiteral("full")) {
        const QString room = owner.createRoom(600, 2);
        owner.join(room, QStringLiteral("One"));
        owner.join(room, QStringLiteral("Two"));
        link = QStringLiteral("%1/%2").arg(authority(m_host->url()), room);
    } else if (which == QStringLiteral("not found")) {
        link = QStringLiteral("%1/AAAAAAAAAAAAAAAAAAAAA").arg(authority(m_host->url()));
    } else if (which == QStringLiteral("never answers")) {
        // Takes the connection and says nothing: given up on after --timeout, not waited on.
        silent.listen(QHostAddress::LocalHost, 0);
        link = QStringLiteral("127.0.0.1:%1/AAAAAAAAAAAAAAAAAAAAA").arg(silent.serverPort());
    } else {
        link = QStringLiteral("127.0.0.1:%1/AAAAAAAAAAAAAAAAAAAAA").arg(freePort());
    }
    QElapsedTimer clock;
    clock.start();
    const Finished run = runToEnd(
        { QStringLiteral("--join"), link, QStringLiteral("--timeout"), QStringLiteral("1") });
    QVERIFY(clock.elapsed() < 8000);
    QCOMPARE(run.code, 3);
    const QList<QByteArray> lines = run.err.trimmed().split('\n');
    QCOMPARE(lines.size(), 1);
    QVERIFY(lines.first().startsWith("privatechat-cli: "));
}

void tst_Cli::badArguments_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("error");
    const QString link = QStringLiteral("h:1/AAAAAAAAAAAAAAAAAAAAA");
    const QString fp = QStringLiteral("47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU");
    const QString either = QStringLiteral("say either --create (with --server) or --join LINK");
    const auto create = [](const QString &server, QStringList more) {
        return QStringList { QStringLiteral("--server"), server, QStringLiteral("--create") }
        + more;
    };
    QTest::addRow("nothing") << QStringList {} << either;
    QTest::addRow("both") << QStringList { QStringLiteral("--create"), QStringLiteral("--join"),
        link } << either;
    QTest::addRow("create without server") << QStringList { QStringLiteral("--create") }
                                           << QStringLiteral("--create needs --server HOST:PORT");
    QTest::addRow("bad link") << QStringList {
        QStringLiteral("--join"), QStringLiteral("nonsense")
    } << QStringLiteral("--join: The invite has no room ID: it looks like HOST:PORT/ROOMID.");
    QTest::addRow("ttl too small")
        << create(QStringLiteral("h:1"), { QStringLiteral("--ttl"), QStringLiteral("3") })
        << QStringLiteral("--ttl must be a whole number from 5 to 604800");
    QTest::addRow("max too big") << create(
        QStringLiteral("h:1"), { QStringLiteral("--max"), QStringLiteral("101") })
                                 << QStringLiteral("--max must be a whole number from 2 to 100");
    QTest::addRow("empty name") << QStringList {
        QStringLiteral("--join"), link, QStringLiteral("--name"), QStringLiteral(" ")
    } << QStringLiteral("--name must be 1 to 100 characters, not only spaces");
    QTest::addRow("unknown option") << QStringList { QStringLiteral("--frobnicate") }
                                    << QStringLiteral("Unknown option 'frobnicate'.");
    QTest::addRow("timeout zero") << QStringList {
        QStringLiteral("--join"), link, QStringLiteral("--timeout"), QStringLiteral("0")
    } << QStringLiteral("--timeout must be a whole number from 1 to 3600");
    QTest::addRow("server with a path") << create(QStringLiteral("h:1/x"),
        {}) << QStringLiteral("--server: a host is HOST:PORT, ws://HOST:PORT or wss://HOST:PORT.");
    QTest::addRow("bad fingerprint")
        << create(QStringLiteral("h:1"), { QStringLiteral("--fingerprint"), QStringLiteral("abc") })
        << QStringLiteral("--fingerprint: \"abc\" is not a fingerprint (43 characters of "
                          "base64url, as the host prints it)");
    QTest::addRow("fingerprint for ws")
        << create(QStringLiteral("ws://h:1"), { QStringLiteral("--fingerprint"), fp })
        << QStringLiteral("--server: a ws:// host has no fingerprint to pin.");
    QTest::addRow("fingerprint with join")
        << QStringList { QStringLiteral("--join"), link, QStringLiteral("--fingerprint"), fp }
        << QStringLiteral("--fingerprint goes with --create, not --join");
}

void tst_Cli::badArguments()
{
    QFETCH(QStringList, args);
    QFETCH(QString, error);
    const Finished run = runToEnd(args);
    QCOMPARE(run.code, 2);
    QVERIFY(run.out.isEmpty());
    QCOMPARE(QString::fromUtf8(run.err.trimmed()), QStringLiteral("privatechat-cli: ") + error);
}

void tst_Cli::hostKilledAndRestartedMidChat()
{
    pc::host::EmbeddedRedis redis;
    QVERIFY(redis.start());
    const quint16 port = freePort();
    const QStringList hostArgs { QStringLiteral("--listen"),
        QStringLiteral("127.0.0.1:%1").arg(port), QStringLiteral("--redis"),
        redis.url().toString() };
    auto mine = std::make_unique<ServerProcess>(hostArgs);
    QVERIFY(mine->start());
    ServerProcess other({ QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"),
        QStringLiteral("--redis"), redis.url().toString() });
    QVERIFY(other.start());

    TestClient talker(other.url());
    QVERIFY(talker.open());
    const QString room = talker.createRoom(600, 2);
    const QString token = talker.join(room, QStringLiteral("Talker")).value(k("token")).toString();
    int sent = 0;
    const auto say = [&] {
        ++sent;
        talker.sendRaw(QJsonDocument(
            QJsonObject { { k("id"), sent }, { k("op"), QStringLiteral("messages.send") },
                { k("roomId"), room }, { k("token"), token },
                { k("text"), QStringLiteral("t%1").arg(sent) } })
                           .toJson(QJsonDocument::Compact));
    };
    for (int i = 0; i < 5; ++i)
        say(); // before

    Cli cli({ QStringLiteral("--join"),
        QStringLiteral("privatechat://127.0.0.1:%1/%2").arg(port).arg(room) });
    QTRY_COMPARE(cli.events(QStringLiteral("chat.message")).size(), 5);
    QTimer talking;
    connect(&talking, &QTimer::timeout, &talking, say);
    talking.start(50);
    QTest::qWait(300);
    mine->process().kill(); // while
    mine->process().waitForFinished(2000);
    QTRY_VERIFY(cli.sawStatus(QStringLiteral("reconnecting")));
    QTest::qWait(500);
    mine = std::make_unique<ServerProcess>(hostArgs);
    QVERIFY(mine->start());
    QTRY_VERIFY_WITH_TIMEOUT(
        cli.lines().last().value(k("status")).toString() == QStringLiteral("connected")
            || cli.events(QStringLiteral("chat.message")).size() > 10,
        8000);
    QTest::qWait(300);
    talking.stop();
    for (int i = 0; i < 5; ++i)
        say(); // after
    QTRY_COMPARE_WITH_TIMEOUT(cli.events(QStringLiteral("chat.message")).size(), sent, 10000);
    QTest::qWait(300);
    const auto messages = cli.events(QStringLiteral("chat.message"));
    QCOMPARE(messages.size(), sent);
    for (int i = 0; i < sent; ++i)
        QCOMPARE(messages[i].value(k("data")).toObject().value(k("seq")).toInt(), i + 1);
    QVERIFY(cli.sawStatus(QStringLiteral("reconnecting")));
}

QTEST_GUILESS_MAIN(tst_Cli)
#include "tst_cli.moc"

// 300 lines piped in at once to a host that allows bursts of 20 and 50/s: the client waits as
// the host says instead of being closed for abuse (no reconnect), keeps the input's order,
// and once the last line is acknowledged leaves the room and exits 0.
void tst_Cli::inputEndsAfterEveryLineUnderTheRateLimit()
{
    pc::host::HostOptions options;
    options.rateLimit.burst = 20;
    options.rateLimit.perSecond = 50;
    options.rateLimit.abuseDrainPerSecond = 5;
    TestHost strict(options);
    QVERIFY(strict.start());
    TestClient bob(strict.url());
    QVERIFY(bob.open());
    const QString room = bob.createRoom(600, 2);
    const QString bobToken = bob.join(room, QStringLiteral("Bob")).value(k("token")).toString();
    QVERIFY(bob.subscribe(room, bobToken).value(k("ok")).toBool());

    Cli cli({ QStringLiteral("--join"),
        QStringLiteral("privatechat://%1/%2").arg(authority(strict.url()), room),
        QStringLiteral("--name"), QStringLiteral("Cleo") });
    QVERIFY(bob.waitForEvents(QStringLiteral("presence.join"), 1));
    constexpr int kLines = 300;
    QByteArray input;
    for (int i = 0; i < kLines; ++i)
        input += "line " + QByteArray::number(i) + '\n';
    cli.process().write(input);
    cli.process().closeWriteChannel();
    QVERIFY(bob.waitForEvents(QStringLiteral("chat.message"), kLines, 30000));
    const auto messages = bob.events(QStringLiteral("chat.message"));
    QCOMPARE(messages.size(), kLines);
    for (int i = 0; i < kLines; ++i) {
        QCOMPARE(messages[i].value(k("data")).toObject().value(k("text")).toString(),
            QStringLiteral("line %1").arg(i));
    }
    QVERIFY(cli.waitFinished(10000));
    QCOMPARE(cli.process().exitCode(), 0);
    QVERIFY(bob.waitForEvents(QStringLiteral("presence.leave"), 1)); // its slot is free again
    QVERIFY2(!cli.sawStatus(QStringLiteral("reconnecting")), "the host closed it for abuse");
}
