#include "fingerprint.h"

#include <QCryptographicHash>
#include <QSslCertificate>

namespace pc::tls {

namespace {
    constexpr auto kBase64url = QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals;
}

QString certificateFingerprint(const QSslCertificate &certificate)
{
    if (certificate.isNull())
        return {};
    const QByteArray digest
        = QCryptographicHash::hash(certificate.toDer(), QCryptographicHash::Sha256);
    return QString::fromLatin1(digest.toBase64(kBase64url));
}

bool isFingerprint(const QString &text)
{
    if (text.size() != kFingerprintLength)
        return false;
    for (const QChar c : text) {
        const char16_t u = c.unicode();
        const bool ok = (u >= 'A' && u <= 'Z') || (u >= 'a' && u <= 'z') || (u >= '0' && u <= '9')
            || u == '-' || u == '_';
        if (!ok)
            return false;
    }
    // The last character carries 2 bits of padding: they must be zero for a canonical digest.
    const auto decoded = QByteArray::fromBase64Encoding(
        text.toLatin1(), QByteArray::Base64UrlEncoding | QByteArray::AbortOnBase64DecodingErrors);
    return decoded && decoded.decoded.size() == 32
        && QString::fromLatin1(decoded.decoded.toBase64(kBase64url)) == text;
}

} // namespace pc::tls
