#pragma once

#include <QHostAddress>
#include <QString>

namespace pc::host {

// A bound TCP socket. shared: with SO_REUSEPORT (Linux), so worker processes each listen on one
// port and the kernel spreads new connections over them; any other socket on that port needs
// it too. Returns the descriptor, or -1 with *error set.
int bindPort(const QHostAddress &address, quint16 port, bool shared, QString *error);
// The port a bound socket got (the one the kernel picked for port 0).
quint16 boundPort(int descriptor);

} // namespace pc::host
