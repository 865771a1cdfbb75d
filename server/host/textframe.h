#pragma once

#include <QByteArray>
#include <QByteArrayView>

namespace pc::host {

// A whole server -> client WebSocket text frame (RFC 6455 5.2: FIN, opcode 1, unmasked) in one
// buffer, so a room's event is framed once and every subscriber gets the same bytes in one write.
QByteArray textFrame(QByteArrayView payload);
// The same frame of the parts' concatenation, written once (a large reply is not copied first
// into its envelope and then into its frame).
QByteArray textFrame(std::initializer_list<QByteArrayView> parts);
// A close frame (opcode 8) with its code and a reason cut to the 123 bytes a control frame
// has room for.
QByteArray closeFrame(quint16 code, QByteArrayView reason);
// The pong that answers a ping: its payload, at most 125 bytes (the reader refuses more).
QByteArray pongFrame(QByteArrayView payload);

} // namespace pc::host
