#pragma once

#include <QHostAddress>
#include <QString>

namespace pc::host {

// A TCP socket bound with SO_REUSEPORT (Linux): worker processes each listen on one port and
// the kernel spreads new connections over them. Returns the descriptor, or -1 with *error set.
int bindSharedPort(const QHostAddress &address, quint16 port, QString *error);
// The port a bound socket got (the one the kernel picked for port 0).
quint16 boundPort(int descriptor);

} // namespace pc::host
