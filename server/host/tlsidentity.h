#pragma once

#include <QList>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QSslKey>
#include <QString>

namespace pc::host {

// What a host proves itself with over TLS: its certificate (self-signed, or CA-issued with the
// chain that leads to the CA) and the private key that goes with it.
struct TlsIdentity
{
    QSslCertificate certificate;
    QList<QSslCertificate> chain; // intermediates of a CA-issued certificate; empty otherwise
    QSslKey key;

    // The pin an invite carries (?fp=): pc::tls::certificateFingerprint of the certificate.
    QString fingerprint() const;
};

// The server side of every TLS connection: TLS 1.3 only (no renegotiation exists there), no
// client certificates.
QSslConfiguration serverTlsConfiguration(const TlsIdentity &identity);

} // namespace pc::host
