// wss:// with a pinned identity: real hosts, a real Redis, real QWebSocket / QSslSocket
// clients, a test CA made with the openssl command.
#include "testclient.h"
#include "testhost.h"

#include "host/hostidentity.h"
#include "tls/fingerprint.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QNetworkInterface>
#include <QSignalSpy>
#include <QSslSocket>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include <sys/stat.h>

using namespace pc;
using namespace pc::test;

namespace {

// What an invite's ?fp= does: accept exactly the certificate with this fingerprint.
template<typename Socket> void pin(Socket &socket, const QString &fingerprint)
{
    QObject::connect(&socket, &Socket::sslErrors, &socket,
        [&socket, fingerprint](const QList<QSslError> &errors) {
            for (const QSslError &error : errors) {
                if (tls::certificateFingerprint(error.certificate()) != fingerprint)
                    return;
            }
            socket.ignoreSslErrors();
        });
}

QUrl tlsUrl(quint16 port, const QString &host = QStringLiteral("127.0.0.1"))
{
    return QUrl(QStringLiteral("wss://%1:%2/api/realtime").arg(host).arg(port));
}

int modeOf(const QString &path)
{
    struct stat st
    {
    };
    ::stat(QFile::encodeName(path).constData(), &st);
    return int(st.st_mode & 0777);
}

// One HTTP request on a socket that is connected (and encrypted, for https); the answer.
QByteArray exchange(QTcpSocket &socket, const QByteArray &request)
{
    socket.write(request);
    QByteArray answer;
    QTest::qWaitFor(
        [&] {
            answer += socket.readAll();
            return socket.state() == QAbstractSocket::UnconnectedState
                || answer.contains("\r\n\r\n") && answer.endsWith('\n');
        },
        5000);
    return answer + socket.readAll();
}

// A chat of two over the clients' URL: what the pin must allow.
bool chat(const QUrl &url, const std::function<void(QWebSocket &)> &setUp)
{
    TestClient alice(url), bob(url);
    setUp(alice.socket());
    setUp(bob.socket());
    if (!alice.open() || !bob.open())
        return false;
    const QString room = alice.createRoom();
    const QString at = alice.join(room, QStringLiteral("Alice")).value(k("token")).toString();
    const QString bt = bob.join(room, QStringLiteral("Bob")).value(k("token")).toString();
    if (!bob.subscribe(room, bt).value(k("ok")).toBool())
        return false;
    alice.request(QStringLiteral("messages.send"),
        { { k("roomId"), room }, { k("token"), at }, { k("text"), QStringLiteral("over tls") } });
    return bob.waitForEvents(QStringLiteral("chat.message"), 1)
        && bob.events(QStringLiteral("chat.message"))
               .first()
               .value(k("data"))
               .toObject()
               .value(k("text"))
               .toString()
        == QStringLiteral("over tls");
}

// runs openssl with these arguments; false (and a warning) when it fails
bool openssl(const QStringList &arguments)
{
    QProcess process;
    process.start(QStringLiteral("openssl"), arguments);
    if (!process.waitForFinished(20000) || process.exitCode() != 0) {
        qWarning() << "openssl" << arguments << process.readAllStandardError();
        return false;
    }
    return true;
}

} // namespace

class tst_Tls : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void identityPersists();
    void serverIdentitySurvivesRestart();
    void pinnedClientChats();
    void wrongPinIsRefused();
    void stalledHandshakeIsDropped();
    void plainFromLoopback();
    void httpsOnTheSamePort();
    void plainHostRefusesTls();
    void caIssuedCertificate();
    void plainFromElsewhereIsRefused();

private:
    QTemporaryDir m_dir;
    host::TlsIdentity m_identity;
};

void tst_Tls::initTestCase()
{
    QVERIFY(QSslSocket::supportsSsl());
    QString error;
    const auto identity = host::loadOrCreateIdentity(m_dir.filePath(QStringLiteral("id")), &error);
    QVERIFY2(identity, qPrintable(error));
    m_identity = *identity;
}

void tst_Tls::identityPersists()
{
    const QString folder = m_dir.filePath(QStringLiteral("persist/identity"));
    QString error;
    const auto first = host::loadOrCreateIdentity(folder, &error);
    QVERIFY2(first, qPrintable(error));
    QVERIFY(tls::isFingerprint(first->fingerprint()));
    QCOMPARE(modeOf(folder), 0700);
    QCOMPARE(modeOf(folder + QStringLiteral("/key.pem")), 0600);
    QCOMPARE(modeOf(folder + QStringLiteral("/cert.pem")), 0600);
    QCOMPARE(first->key.algorithm(), QSsl::Ec);
    QCOMPARE(first->key.length(), 256);
    const auto again = host::loadOrCreateIdentity(folder, &error);
    QVERIFY2(again, qPrintable(error));
    QCOMPARE(again->fingerprint(), first->fingerprint());
    QCOMPARE(again->key.toPem(), first->key.toPem());
    // Another folder, another identity.
    const auto other = host::loadOrCreateIdentity(folder + QStringLiteral("2"), &error);
    QVERIFY(other && other->fingerprint() != first->fingerprint());
    // A key without its certificate never gave out a fingerprint: it is replaced.
    QVERIFY(QFile::remove(folder + QStringLiteral("2/cert.pem")));
    const auto remade = host::loadOrCreateIdentity(folder + QStringLiteral("2"), &error);
    QVERIFY2(remade, qPrintable(error));
    QVERIFY(remade->fingerprint() != other->fingerprint());
}

// privatechat-server prints the same fingerprint after a restart: the one of its cert.pem.
void tst_Tls::serverIdentitySurvivesRestart()
{
    const QString folder = m_dir.filePath(QStringLiteral("server"));
    const QStringList args { QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"),
        QStringLiteral("--identity"), folder };
    QString first;
    {
        ServerProcess server(args);
        QVERIFY(server.start());
        QVERIFY(server.firstLine().startsWith(QStringLiteral("listening on wss://127.0.0.1:")));
        QVERIFY(server.firstLine().endsWith(QStringLiteral("/api/realtime")));
        first = server.fingerprint();
        QVERIFY(tls::isFingerprint(first));
        QVERIFY(chat(server.listeningUrl(), [&](QWebSocket &s) { pin(s, first); }));
    }
    const auto certificates = QSslCertificate::fromPath(folder + QStringLiteral("/cert.pem"));
    QCOMPARE(certificates.size(), 1);
    QCOMPARE(tls::certificateFingerprint(certificates.first()), first);
    ServerProcess again(args);
    QVERIFY(again.start());
    QCOMPARE(again.fingerprint(), first);
}

void tst_Tls::pinnedClientChats()
{
    host::HostOptions options;
    options.tls = m_identity;
    TestHost host(options);
    QVERIFY(host.start());
    QVERIFY(host.host().isTls());
    QCOMPARE(host.host().tlsFingerprint(), m_identity.fingerprint());
    QVERIFY(host.host().url().startsWith(QStringLiteral("wss://127.0.0.1:")));
    QVERIFY(chat(tlsUrl(host.port()), [&](QWebSocket &s) {
        pin(s, m_identity.fingerprint());
        QObject::connect(&s, &QWebSocket::connected, &s,
            [&s] { QVERIFY(s.sslConfiguration().sessionProtocol() == QSsl::TlsV1_3); });
    }));
    QVERIFY(TestClient::tokenLeak().isEmpty());
}

// Another identity on the address (an interceptor): the pin does not match, nothing opens.
void tst_Tls::wrongPinIsRefused()
{
    QString error;
    const auto other = host::loadOrCreateIdentity(m_dir.filePath(QStringLiteral("other")), &error);
    QVERIFY(other);
    host::HostOptions options;
    options.tls = *other;
    TestHost host(options);
    QVERIFY(host.start());
    TestClient client(tlsUrl(host.port()));
    pin(client.socket(), m_identity.fingerprint());
    QSignalSpy errors(&client.socket(), &QWebSocket::sslErrors);
    QVERIFY(!client.open(3000));
    QCOMPARE(errors.size(), 1);
    QCOMPARE(host.host().sessionCount(), 0);
}

// A client that stops in the middle of its TLS handshake is dropped by the handshake deadline.
void tst_Tls::stalledHandshakeIsDropped()
{
    host::HostOptions options;
    options.tls = m_identity;
    TestHost host(options);
    QVERIFY(host.start());
    QTcpSocket stalled;
    stalled.connectToHost(QHostAddress::LocalHost, host.port());
    QVERIFY(stalled.waitForConnected(2000));
    QElapsedTimer clock;
    clock.start();
    // The start of a client hello record: 512 bytes announced, a dozen sent.
    stalled.write(QByteArray::fromHex("160301020001000200fc0303aabbccdd"));
    QTRY_COMPARE_WITH_TIMEOUT(host.host().handshakingCount(), 1, 2000);
    QTRY_COMPARE_WITH_TIMEOUT(stalled.state(), QAbstractSocket::UnconnectedState, 10000);
    QVERIFY2(clock.elapsed() < 10000, qPrintable(QString::number(clock.elapsed())));
    QCOMPARE(host.host().handshakingCount(), 0);
}

// Protocol v1's plain ws:// on loopback: the clients and tests of before keep working.
void tst_Tls::plainFromLoopback()
{
    host::HostOptions options;
    options.tls = m_identity;
    TestHost host(options);
    QVERIFY(host.start());
    QVERIFY(chat(host.url(), [](QWebSocket &) {}));
    QTcpSocket http;
    http.connectToHost(QHostAddress::LocalHost, host.port());
    QVERIFY(http.waitForConnected(2000));
    const QByteArray answer = exchange(http, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
    QVERIFY2(answer.startsWith("HTTP/1.1 200"), answer.constData());
}

// The HTTP API and /healthz on the same port, over https.
void tst_Tls::httpsOnTheSamePort()
{
    host::HostOptions options;
    options.tls = m_identity;
    TestHost host(options);
    QVERIFY(host.start());
    QSslSocket https;
    pin(https, m_identity.fingerprint());
    https.connectToHostEncrypted(QStringLiteral("127.0.0.1"), host.port());
    QTRY_VERIFY(https.isEncrypted()); // the host runs on this thread: no blocking waits
    const QByteArray answer = exchange(https, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
    QVERIFY2(answer.startsWith("HTTP/1.1 200"), answer.constData());
    QVERIFY(answer.endsWith("{\"status\":\"ok\"}"));

    QSslSocket api;
    pin(api, m_identity.fingerprint());
    api.connectToHostEncrypted(QStringLiteral("127.0.0.1"), host.port());
    QTRY_VERIFY(api.isEncrypted());
    const QByteArray body = R"({"ttl":60})";
    const QByteArray created = exchange(api,
        "POST /api/room/create HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        "Content-Length: "
            + QByteArray::number(body.size()) + "\r\n\r\n" + body);
    QVERIFY2(created.contains("\"roomId\""), created.constData());
}

// --plain (no identity): ws:// serves, a TLS client hello is dropped at once.
void tst_Tls::plainHostRefusesTls()
{
    TestHost host;
    QVERIFY(host.start());
    QVERIFY(!host.host().isTls());
    QCOMPARE(host.host().tlsFingerprint(), QString());
    QVERIFY(host.host().url().startsWith(QStringLiteral("ws://")));
    QVERIFY(chat(host.url(), [](QWebSocket &) {}));
    QSslSocket tls;
    tls.setPeerVerifyMode(QSslSocket::VerifyNone);
    QElapsedTimer clock;
    clock.start();
    tls.connectToHostEncrypted(QStringLiteral("127.0.0.1"), host.port());
    QTRY_COMPARE_WITH_TIMEOUT(tls.state(), QAbstractSocket::UnconnectedState, 3000);
    QVERIFY(!tls.isEncrypted());
    QVERIFY2(clock.elapsed() < 2000, qPrintable(QString::number(clock.elapsed())));
    QTRY_COMPARE(host.host().handshakingCount(), 0);
}

// --tls-cert/--tls-key: a certificate from a CA (made here) verifies without a pin for a
// client that trusts that CA, and not for one that does not.
void tst_Tls::caIssuedCertificate()
{
    const QString d = m_dir.filePath(QStringLiteral("ca"));
    QDir().mkpath(d);
    const auto f
        = [&d](const char *name) { return d + QLatin1Char('/') + QLatin1StringView(name); };
    const QStringList ec { QStringLiteral("-newkey"), QStringLiteral("ec"),
        QStringLiteral("-pkeyopt"), QStringLiteral("ec_paramgen_curve:P-256"),
        QStringLiteral("-nodes") };
    QVERIFY(openssl(QStringList { QStringLiteral("req"), QStringLiteral("-x509") } + ec
        + QStringList { QStringLiteral("-subj"), QStringLiteral("/CN=Private Chat test CA"),
            QStringLiteral("-days"), QStringLiteral("2"), QStringLiteral("-addext"),
            QStringLiteral("basicConstraints=critical,CA:TRUE"), QStringLiteral("-addext"),
            QStringLiteral("keyUsage=critical,keyCertSign"), QStringLiteral("-keyout"), f("ca.key"),
            QStringLiteral("-out"), f("ca.pem") }));
    QVERIFY(openssl(QStringList { QStringLiteral("req") } + ec
        + QStringList { QStringLiteral("-subj"), QStringLiteral("/CN=localhost"),
            QStringLiteral("-keyout"), f("host.key"), QStringLiteral("-out"), f("host.csr") }));
    QFile extensions(f("host.ext"));
    QVERIFY(extensions.open(QIODevice::WriteOnly));
    extensions.write("subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n");
    extensions.close();
    QVERIFY(openssl({ QStringLiteral("x509"), QStringLiteral("-req"), QStringLiteral("-in"),
        f("host.csr"), QStringLiteral("-CA"), f("ca.pem"), QStringLiteral("-CAkey"), f("ca.key"),
        QStringLiteral("-CAcreateserial"), QStringLiteral("-days"), QStringLiteral("2"),
        QStringLiteral("-extfile"), f("host.ext"), QStringLiteral("-out"), f("host.pem") }));

    QString error;
    const auto identity = host::loadIdentityFiles(f("host.pem"), f("host.key"), &error);
    QVERIFY2(identity, qPrintable(error));
    host::HostOptions options;
    options.tls = *identity;
    TestHost host(options);
    QVERIFY(host.start());
    const QList<QSslCertificate> ca = QSslCertificate::fromPath(f("ca.pem"));
    QCOMPARE(ca.size(), 1);
    QVERIFY(chat(tlsUrl(host.port()), [&ca](QWebSocket &s) {
        QSslConfiguration configuration = QSslConfiguration::defaultConfiguration();
        configuration.setCaCertificates(ca);
        s.setSslConfiguration(configuration);
        QObject::connect(&s, &QWebSocket::sslErrors, &s, [](const QList<QSslError> &errors) {
            QFAIL(qPrintable(errors.first().errorString()));
        });
    }));
    // The system's CAs do not know the test CA.
    TestClient stranger(tlsUrl(host.port()));
    QSignalSpy errors(&stranger.socket(), &QWebSocket::sslErrors);
    QVERIFY(!stranger.open(3000));
    QCOMPARE(errors.size(), 1);

    // privatechat-server takes them too: a wss:// line with the certificate's fingerprint.
    ServerProcess server({ QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"),
        QStringLiteral("--tls-cert"), f("host.pem"), QStringLiteral("--tls-key"), f("host.key") });
    QVERIFY(server.start());
    QCOMPARE(server.fingerprint(), identity->fingerprint());
}

// A plain request from an address that is not loopback: 426, it speaks TLS only; wss works.
void tst_Tls::plainFromElsewhereIsRefused()
{
    QHostAddress address;
    const auto all = QNetworkInterface::allAddresses();
    for (const QHostAddress &candidate : all) {
        if (candidate.protocol() == QAbstractSocket::IPv4Protocol && !candidate.isLoopback()) {
            address = candidate;
            break;
        }
    }
    if (address.isNull())
        QSKIP("this machine has no non-loopback IPv4 address to connect from");
    host::EmbeddedRedis redis;
    QVERIFY(redis.start());
    host::HostOptions options;
    options.address = address;
    options.port = 0;
    options.tls = m_identity;
    host::RoomHost host(options, redis::Options { redis.url() });
    host.connectRedis();
    QTRY_VERIFY(host.isRedisConnected());
    QString error;
    QVERIFY2(host.listen(&error), qPrintable(error));

    QTcpSocket plain;
    plain.connectToHost(address, host.port());
    QVERIFY(plain.waitForConnected(2000));
    const QByteArray answer = exchange(plain, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
    const QByteArray why
        = "This host speaks TLS only: connect with wss:// (or https:// for the HTTP API).\n";
    QCOMPARE(answer,
        "HTTP/1.1 426 Upgrade Required\r\nContent-Type: text/plain; charset=utf-8\r\n"
        "Content-Length: "
            + QByteArray::number(why.size()) + "\r\nConnection: close\r\n\r\n" + why);
    TestClient ws(
        QUrl(QStringLiteral("ws://%1:%2/api/realtime").arg(address.toString()).arg(host.port())));
    QVERIFY(!ws.open(2000));
    QVERIFY(chat(tlsUrl(host.port(), address.toString()),
        [&](QWebSocket &s) { pin(s, m_identity.fingerprint()); }));
}

QTEST_MAIN(tst_Tls)
#include "tst_tls.moc"
