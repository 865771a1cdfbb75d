#include "selfsignedcertificate.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>

namespace pc::host {

namespace {

    template<typename T, void (*Free)(T *)> struct Deleter
    {
        void operator()(T *p) const { Free(p); }
    };
    template<typename T, void (*Free)(T *)> using Owned = std::unique_ptr<T, Deleter<T, Free>>;

    constexpr long kValidDays = 20 * 365; // the pin is the identity: it must not expire first

    QString lastOpenSslError(const char *step)
    {
        char text[256] = {};
        ERR_error_string_n(ERR_get_error(), text, sizeof text);
        return QStringLiteral("making the host identity failed at %1: %2")
            .arg(QLatin1StringView(step), QString::fromLatin1(text));
    }

    bool addExtension(X509 *certificate, int nid, const char *value)
    {
        X509V3_CTX context;
        X509V3_set_ctx_nodb(&context);
        X509V3_set_ctx(&context, certificate, certificate, nullptr, nullptr, 0);
        Owned<X509_EXTENSION, X509_EXTENSION_free> extension(
            X509V3_EXT_conf_nid(nullptr, &context, nid, value));
        return extension && X509_add_ext(certificate, extension.get(), -1) == 1;
    }

    QByteArray drain(BIO *bio)
    {
        char *data = nullptr;
        const long size = BIO_get_mem_data(bio, &data);
        return QByteArray(data, qsizetype(size));
    }

} // namespace

std::optional<SelfSignedCertificate> makeSelfSignedCertificate(
    const QString &commonName, QString *error)
{
    const auto fail = [error](const char *step) {
        if (error)
            *error = lastOpenSslError(step);
        return std::nullopt;
    };
    Owned<EVP_PKEY, EVP_PKEY_free> key(EVP_EC_gen("P-256"));
    if (!key)
        return fail("key generation");
    Owned<X509, X509_free> certificate(X509_new());
    if (!certificate || X509_set_version(certificate.get(), X509_VERSION_3) != 1)
        return fail("certificate");
    // A random serial (RFC 5280: positive, at most 20 bytes): no two identities share one.
    Owned<BIGNUM, BN_free> serial(BN_new());
    if (!serial || BN_rand(serial.get(), 159, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) != 1
        || !BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(certificate.get())))
        return fail("serial number");
    // An hour back: a client whose clock is a little behind still sees it as valid.
    if (!X509_gmtime_adj(X509_getm_notBefore(certificate.get()), -3600)
        || !X509_time_adj_ex(X509_getm_notAfter(certificate.get()), kValidDays, 0, nullptr))
        return fail("validity");
    X509_NAME *name = X509_get_subject_name(certificate.get());
    const QByteArray cn = commonName.toUtf8();
    if (X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
            reinterpret_cast<const unsigned char *>(cn.constData()), int(cn.size()), -1, 0)
            != 1
        || X509_set_issuer_name(certificate.get(), name) != 1
        || X509_set_pubkey(certificate.get(), key.get()) != 1)
        return fail("subject");
    if (!addExtension(certificate.get(), NID_basic_constraints, "critical,CA:FALSE")
        || !addExtension(certificate.get(), NID_key_usage, "critical,digitalSignature")
        || !addExtension(certificate.get(), NID_ext_key_usage, "serverAuth")
        || !addExtension(certificate.get(), NID_subject_key_identifier, "hash"))
        return fail("extensions");
    if (X509_sign(certificate.get(), key.get(), EVP_sha256()) <= 0)
        return fail("signing");

    Owned<BIO, BIO_free_all> keyBio(BIO_new(BIO_s_mem()));
    Owned<BIO, BIO_free_all> certificateBio(BIO_new(BIO_s_mem()));
    // The traditional "EC PRIVATE KEY" form: the one QSslKey reads as QSsl::Ec everywhere.
    if (!keyBio || !certificateBio
        || PEM_write_bio_PrivateKey_traditional(
               keyBio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr)
            != 1
        || PEM_write_bio_X509(certificateBio.get(), certificate.get()) != 1)
        return fail("PEM encoding");
    return SelfSignedCertificate { drain(keyBio.get()), drain(certificateBio.get()) };
}

} // namespace pc::host
