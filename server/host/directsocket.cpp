#include "directsocket.h"

#ifdef Q_OS_LINUX
#include <sys/socket.h>
#endif

namespace pc::host {

qint64 DirectSocket::writeData(const char *data, qint64 size)
{
    qint64 sent = 0;
#ifdef Q_OS_LINUX
    if (bytesToWrite() == 0 && state() == ConnectedState && size > 0) {
        const ssize_t n
            = ::send(int(socketDescriptor()), data, size_t(size), MSG_NOSIGNAL | MSG_DONTWAIT);
        sent = std::max<qint64>(n, 0); // on an error, the buffered write below reports it
    }
#endif
    if (sent == size)
        return size;
    const qint64 buffered = QTcpSocket::writeData(data + sent, size - sent);
    return buffered < 0 ? (sent > 0 ? sent : -1) : sent + buffered;
}

} // namespace pc::host
