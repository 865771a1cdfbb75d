#pragma once

#include <QSslCertificate>
#include <QSslKey>
#include <QSslServer>
#include <QTemporaryDir>
#include <QUrl>

namespace pc::test {

// A certificate and key made for a test by the openssl command (ECDSA P-256, self-signed, or
// signed by a test CA). Not the product's own identity code: tests of a pin need a second,
// independent maker of certificates.
struct TestCertificate
{
    QSslCertificate certificate;
    QSslKey key;
    QString fingerprint; // pc::tls::certificateFingerprint
    QString certificateFile, keyFile;

    // commonName goes in the subject; with a ca, signed by it and valid for 127.0.0.1.
    static TestCertificate make(
        const QString &dir, const QString &commonName, const TestCertificate *ca = nullptr);
};

// A TLS server on 127.0.0.1 that shows a certificate and records every byte a client sends
// it after the handshake: the interceptor a pinned client must not talk to. With answer it
// completes the WebSocket handshake, so a client that accepts the certificate connects.
class TlsPeer : public QSslServer
{
    Q_OBJECT
public:
    TlsPeer(const TestCertificate &identity, bool answer, QObject *parent = nullptr);
    QUrl url() const;                                 // wss://127.0.0.1:PORT/api/realtime
    int connections() const { return m_connections; } // TCP connections accepted
    QByteArray received() const { return m_received; }

private:
    bool m_answer;
    int m_connections = 0;
    QByteArray m_received;
};

} // namespace pc::test
