#pragma once

#include "tlsidentity.h"

#include <QString>

#include <optional>

namespace pc::host {

// The host's long-lived identity in a folder only its user may enter (0700): key.pem and
// cert.pem (0600). Made on first start, loaded on later ones, so the fingerprint - and every
// invite that pins it - survives restarts. nullopt with *error set to a sentence otherwise.
std::optional<TlsIdentity> loadOrCreateIdentity(const QString &folder, QString *error);

// A CA-issued certificate (its chain after it, in the same file) and its key, both PEM
// (--tls-cert, --tls-key).
std::optional<TlsIdentity> loadIdentityFiles(
    const QString &certificateFile, const QString &keyFile, QString *error);

// Where privatechat-server keeps its identity when --identity is not given: systemd's
// $STATE_DIRECTORY (StateDirectory=), else the XDG state folder.
QString defaultIdentityFolder();

} // namespace pc::host
