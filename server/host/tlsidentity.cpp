#include "tlsidentity.h"

#include "tls/fingerprint.h"

namespace pc::host {

QString TlsIdentity::fingerprint() const
{
    return tls::certificateFingerprint(certificate);
}

QSslConfiguration serverTlsConfiguration(const TlsIdentity &identity)
{
    QSslConfiguration configuration = QSslConfiguration::defaultConfiguration();
    configuration.setProtocol(QSsl::TlsV1_3OrLater);
    configuration.setPeerVerifyMode(QSslSocket::VerifyNone);
    configuration.setLocalCertificateChain(QList { identity.certificate } + identity.chain);
    configuration.setPrivateKey(identity.key);
    return configuration;
}

} // namespace pc::host
