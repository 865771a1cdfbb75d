#pragma once

#include <QByteArray>
#include <QString>

// Identifiers and secrets. All randomness comes from the OS CSPRNG (getrandom on Linux).
namespace pc::protocol::ids {

QString newRoomId(); // 21 characters of [A-Za-z0-9_-], ~126 bits
QString newToken();  // 256 bits, base64url without padding
QString newParticipantId();
QString newMessageId();

bool isValidRoomId(QStringView text);
// SHA-256 of the token, hex: the only form a token is stored in.
QByteArray tokenHash(QStringView token);
// Compares secrets in time that depends only on their lengths.
bool constantTimeEquals(QByteArrayView a, QByteArrayView b);

} // namespace pc::protocol::ids
