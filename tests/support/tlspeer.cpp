#include "tlspeer.h"

#include "tls/fingerprint.h"

#include <QCryptographicHash>
#include <QFile>
#include <QProcess>
#include <QSslSocket>
#include <QTest>

namespace pc::test {

namespace {

    bool run(const QStringList &arguments)
    {
        QProcess openssl;
        openssl.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        openssl.start(QStringLiteral("openssl"), arguments);
        return openssl.waitForFinished(20000) && openssl.exitStatus() == QProcess::NormalExit
            && openssl.exitCode() == 0;
    }

    QByteArray readAll(const QString &path)
    {
        QFile file(path);
        return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
    }

} // namespace

TestCertificate TestCertificate::make(
    const QString &dir, const QString &commonName, const TestCertificate *ca)
{
    TestCertificate made;
    made.keyFile = dir + QLatin1Char('/') + commonName + QStringLiteral(".key.pem");
    made.certificateFile = dir + QLatin1Char('/') + commonName + QStringLiteral(".pem");
    const QString subject = QStringLiteral("/CN=") + commonName;
    bool ok = false;
    if (!ca) {
        ok = run({ QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"),
            QStringLiteral("ec"), QStringLiteral("-pkeyopt"),
            QStringLiteral("ec_paramgen_curve:prime256v1"), QStringLiteral("-nodes"),
            QStringLiteral("-keyout"), made.keyFile, QStringLiteral("-out"), made.certificateFile,
            QStringLiteral("-days"), QStringLiteral("2"), QStringLiteral("-subj"), subject });
    } else {
        const QString request = dir + QLatin1Char('/') + commonName + QStringLiteral(".csr");
        const QString extensions = dir + QLatin1Char('/') + commonName + QStringLiteral(".ext");
        QFile ext(extensions);
        ok = ext.open(QIODevice::WriteOnly)
            && ext.write("subjectAltName=IP:127.0.0.1,DNS:localhost\n"
                         "basicConstraints=CA:FALSE\n")
                > 0;
        ext.close();
        ok = ok
            && run({ QStringLiteral("req"), QStringLiteral("-newkey"), QStringLiteral("ec"),
                QStringLiteral("-pkeyopt"), QStringLiteral("ec_paramgen_curve:prime256v1"),
                QStringLiteral("-nodes"), QStringLiteral("-keyout"), made.keyFile,
                QStringLiteral("-out"), request, QStringLiteral("-subj"), subject })
            && run({ QStringLiteral("x509"), QStringLiteral("-req"), QStringLiteral("-in"), request,
                QStringLiteral("-CA"), ca->certificateFile, QStringLiteral("-CAkey"), ca->keyFile,
                QStringLiteral("-CAcreateserial"), QStringLiteral("-days"), QStringLiteral("2"),
                QStringLiteral("-extfile"), extensions, QStringLiteral("-out"),
                made.certificateFile });
    }
    if (!ok) {
        qWarning("openssl could not make the test certificate %s", qPrintable(commonName));
        return made;
    }
    made.certificate = QSslCertificate(readAll(made.certificateFile), QSsl::Pem);
    made.key = QSslKey(readAll(made.keyFile), QSsl::Ec, QSsl::Pem);
    made.fingerprint = tls::certificateFingerprint(made.certificate);
    return made;
}

TlsPeer::TlsPeer(const TestCertificate &identity, bool answer, QObject *parent)
    : QSslServer(parent), m_answer(answer)
{
    QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
    tls.setLocalCertificate(identity.certificate);
    tls.setPrivateKey(identity.key);
    tls.setPeerVerifyMode(QSslSocket::VerifyNone);
    setSslConfiguration(tls);
    connect(this, &QTcpServer::pendingConnectionAvailable, this, [this] {
        while (QTcpSocket *socket = nextPendingConnection()) {
            auto *ssl = static_cast<QSslSocket *>(socket);
            connect(ssl, &QSslSocket::readyRead, ssl, [this, ssl] {
                const QByteArray bytes = ssl->readAll();
                m_received += bytes;
                if (!m_answer || !bytes.contains("\r\n\r\n"))
                    return;
                const int at = bytes.indexOf("Sec-WebSocket-Key: ") + 19;
                const QByteArray key = bytes.mid(at, bytes.indexOf("\r\n", at) - at);
                const QByteArray accept = QCryptographicHash::hash(
                    key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11", QCryptographicHash::Sha1)
                                              .toBase64();
                ssl->write("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                           "Connection: Upgrade\r\nSec-WebSocket-Accept: "
                    + accept + "\r\n\r\n");
            });
        }
    });
    connect(this, &QSslServer::startedEncryptionHandshake, this, [this] { ++m_connections; });
    listen(QHostAddress::LocalHost, 0);
}

QUrl TlsPeer::url() const
{
    return QUrl(QStringLiteral("wss://127.0.0.1:%1/api/realtime").arg(serverPort()));
}

} // namespace pc::test
