#pragma once

#include <QByteArray>
#include <QByteArrayView>

namespace pc::host {

// A whole server -> client WebSocket text frame (RFC 6455 5.2: FIN, opcode 1, unmasked) in one
// buffer, so a room's event is framed once and every subscriber gets the same bytes in one write.
QByteArray textFrame(QByteArrayView payload);

} // namespace pc::host
