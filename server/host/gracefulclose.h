#pragma once

class QTcpSocket;

namespace pc::host {

// Ends a connection without losing what was written to it: a FIN once the bytes are out, what
// the client still sends is read and dropped (closing with unread bytes would reset the
// connection and could destroy the answer on its way), and the socket is aborted after
// graceMs if the client has not closed too. The socket is not deleted here.
void closeGracefully(QTcpSocket *socket, int graceMs = 1000);

} // namespace pc::host
