#include "hostidentity.h"

#include "hostlog.h"
#include "selfsignedcertificate.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLockFile>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace pc::host {

namespace {

    const QString kKeyFile = QStringLiteral("key.pem");
    const QString kCertificateFile = QStringLiteral("cert.pem");

    QString systemError()
    {
        return QString::fromLocal8Bit(std::strerror(errno));
    }

    std::optional<QByteArray> readFile(const QString &path, QString *error)
    {
        QFile file(path);
        if (QFileInfo(path).isDir()) {
            *error = QStringLiteral("cannot read %1: it is a folder").arg(path);
            return std::nullopt;
        }
        if (!file.open(QIODevice::ReadOnly)) {
            *error = QStringLiteral("cannot read %1: %2").arg(path, file.errorString());
            return std::nullopt;
        }
        return file.readAll();
    }

    std::optional<QSslKey> parseKey(const QByteArray &pem)
    {
        for (const QSsl::KeyAlgorithm algorithm : { QSsl::Ec, QSsl::Rsa }) {
            QSslKey key(pem, algorithm, QSsl::Pem, QSsl::PrivateKey);
            if (!key.isNull())
                return key;
        }
        return std::nullopt;
    }

    std::optional<TlsIdentity> parse(const QByteArray &certificatePem,
        const QString &certificatePath, const QByteArray &keyPem, const QString &keyPath,
        QString *error)
    {
        const QList<QSslCertificate> certificates
            = QSslCertificate::fromData(certificatePem, QSsl::Pem);
        if (certificates.isEmpty() || certificates.first().isNull()) {
            *error = QStringLiteral("%1 holds no PEM certificate").arg(certificatePath);
            return std::nullopt;
        }
        const auto key = parseKey(keyPem);
        if (!key) {
            *error = QStringLiteral("%1 holds no unencrypted PEM private key (EC or RSA)")
                         .arg(keyPath);
            return std::nullopt;
        }
        return TlsIdentity { certificates.first(), certificates.mid(1), *key };
    }

    // Written whole or not at all, readable by its owner only.
    bool writePrivately(const QString &path, const QByteArray &bytes, QString *error)
    {
        const QByteArray temporary = QFile::encodeName(path + QStringLiteral(".new"));
        const int fd
            = ::open(temporary.constData(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        bool ok = fd >= 0 && ::fchmod(fd, 0600) == 0
            && ::write(fd, bytes.constData(), size_t(bytes.size())) == ssize_t(bytes.size())
            && ::fsync(fd) == 0;
        if (!ok)
            *error = QStringLiteral("cannot write %1: %2").arg(path, systemError());
        if (fd >= 0)
            ::close(fd);
        if (ok && ::rename(temporary.constData(), QFile::encodeName(path).constData()) != 0) {
            *error = QStringLiteral("cannot write %1: %2").arg(path, systemError());
            ok = false;
        }
        if (!ok)
            ::unlink(temporary.constData());
        return ok;
    }

    // The folder exists afterwards, mode 0700.
    bool makeFolder(const QString &folder, QString *error)
    {
        const QFileInfo info(folder);
        if (info.exists() && !info.isDir()) {
            *error = QStringLiteral("the identity folder %1 is a file, not a folder").arg(folder);
            return false;
        }
        if (!info.exists()) {
            if (!QDir().mkpath(folder)) {
                *error = QStringLiteral("cannot create the identity folder %1").arg(folder);
                return false;
            }
            if (::chmod(QFile::encodeName(folder).constData(), 0700) != 0) {
                *error = QStringLiteral("cannot make the identity folder %1 private: %2")
                             .arg(folder, systemError());
                return false;
            }
        }
        return true;
    }

    // A key others may read is no identity: anyone of them could be the host.
    bool isPrivate(const QString &path, QString *error)
    {
        struct stat st
        {
        };
        if (::stat(QFile::encodeName(path).constData(), &st) != 0) {
            *error = QStringLiteral("cannot read %1: %2").arg(path, systemError());
            return false;
        }
        if ((st.st_mode & 077) != 0) {
            *error = QStringLiteral("%1 may be read by other users (mode %2): chmod 600 it")
                         .arg(path)
                         .arg(st.st_mode & 0777, 4, 8, QLatin1Char('0'));
            return false;
        }
        return true;
    }

    std::optional<TlsIdentity> load(const QString &folder, QString *error)
    {
        const QString certificatePath = QDir(folder).filePath(kCertificateFile);
        const QString keyPath = QDir(folder).filePath(kKeyFile);
        if (!QFileInfo::exists(keyPath)) {
            *error = QStringLiteral("%1 has no %2 but a %3: the identity is incomplete; move "
                                    "the folder away to make a new one (invites that pin the "
                                    "old fingerprint stop working)")
                         .arg(folder, kKeyFile, kCertificateFile);
            return std::nullopt;
        }
        if (!isPrivate(keyPath, error))
            return std::nullopt;
        const auto certificatePem = readFile(certificatePath, error);
        if (!certificatePem)
            return std::nullopt;
        const auto keyPem = readFile(keyPath, error);
        if (!keyPem)
            return std::nullopt;
        return parse(*certificatePem, certificatePath, *keyPem, keyPath, error);
    }

    std::optional<TlsIdentity> create(const QString &folder, QString *error)
    {
        const auto made = makeSelfSignedCertificate(QStringLiteral("Private Chat host"), error);
        if (!made)
            return std::nullopt;
        // The key first: a folder with a key but no certificate never gave out a fingerprint,
        // so the next start may replace it; the certificate makes the identity.
        const QString keyPath = QDir(folder).filePath(kKeyFile);
        const QString certificatePath = QDir(folder).filePath(kCertificateFile);
        if (!writePrivately(keyPath, made->keyPem, error)
            || !writePrivately(certificatePath, made->certificatePem, error))
            return std::nullopt;
        auto identity = parse(made->certificatePem, certificatePath, made->keyPem, keyPath, error);
        if (identity)
            qCInfo(lcHost) << "made a new host identity in" << folder;
        return identity;
    }

} // namespace

std::optional<TlsIdentity> loadOrCreateIdentity(const QString &folder, QString *error)
{
    QString ignored;
    if (!error)
        error = &ignored;
    if (!makeFolder(folder, error))
        return std::nullopt;
    // Two hosts starting at once on one folder must not each write half of an identity.
    QLockFile lock(QDir(folder).filePath(QStringLiteral("identity.lock")));
    if (!lock.lock()) {
        *error = QStringLiteral("cannot lock the identity folder %1").arg(folder);
        return std::nullopt;
    }
    if (QFileInfo::exists(QDir(folder).filePath(kCertificateFile)))
        return load(folder, error);
    return create(folder, error);
}

std::optional<TlsIdentity> loadIdentityFiles(
    const QString &certificateFile, const QString &keyFile, QString *error)
{
    QString ignored;
    if (!error)
        error = &ignored;
    const auto certificatePem = readFile(certificateFile, error);
    if (!certificatePem)
        return std::nullopt;
    const auto keyPem = readFile(keyFile, error);
    if (!keyPem)
        return std::nullopt;
    return parse(*certificatePem, certificateFile, *keyPem, keyFile, error);
}

QString defaultIdentityFolder()
{
    // systemd may list several folders, separated by colons: the first is ours.
    const QString state = qEnvironmentVariable("STATE_DIRECTORY").section(QLatin1Char(':'), 0, 0);
    if (!state.isEmpty())
        return state + QStringLiteral("/identity");
    QString xdg = qEnvironmentVariable("XDG_STATE_HOME");
    if (xdg.isEmpty())
        xdg = QDir::homePath() + QStringLiteral("/.local/state");
    return xdg + QStringLiteral("/privatechat-server/identity");
}

} // namespace pc::host
