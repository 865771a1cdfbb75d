#pragma once

#include <QString>

class QSslCertificate;

namespace pc::tls {

// The pin of a host's identity, as an invite carries it (?fp=): the SHA-256 of the
// certificate's DER encoding, base64url without padding - always 43 characters.
QString certificateFingerprint(const QSslCertificate &certificate);

// Whether text has the form of a fingerprint (43 base64url characters that decode to 32
// bytes); says nothing of whose it is.
bool isFingerprint(const QString &text);

inline constexpr int kFingerprintLength = 43;

} // namespace pc::tls
