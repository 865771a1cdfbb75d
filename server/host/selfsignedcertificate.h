#pragma once

#include <QByteArray>
#include <QString>

#include <optional>

namespace pc::host {

// A new ECDSA P-256 key and a self-signed certificate for it, both PEM. Qt cannot make keys,
// so this is the one place that calls OpenSSL itself (its EVP API, the library Qt's TLS
// backend uses too); the connections go through Qt.
struct SelfSignedCertificate
{
    QByteArray keyPem;
    QByteArray certificatePem;
};

// nullopt with *error set when OpenSSL fails.
std::optional<SelfSignedCertificate> makeSelfSignedCertificate(
    const QString &commonName, QString *error);

} // namespace pc::host
