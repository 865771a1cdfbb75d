#include "reuseport.h"

#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace pc::host {

int bindPort(const QHostAddress &address, quint16 port, bool shared, QString *error)
{
    const auto fail = [error](int fd, const char *what) {
        if (error)
            *error = QStringLiteral("%1: %2").arg(
                QLatin1StringView(what), QString::fromLocal8Bit(std::strerror(errno)));
        if (fd >= 0)
            ::close(fd);
        return -1;
    };
    // QHostAddress::Any is dual-stack, as in QTcpServer; AnyIPv6 and other IPv6 are IPv6 only.
    const bool v4 = address.protocol() == QAbstractSocket::IPv4Protocol;
    const int fd = ::socket(v4 ? AF_INET : AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return fail(fd, "socket");
    const int on = 1;
    if (::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) < 0
        || (shared && ::setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &on, sizeof on) < 0))
        return fail(fd, "SO_REUSEPORT");
    sockaddr_storage storage {};
    socklen_t length = 0;
    if (v4) {
        auto *in = reinterpret_cast<sockaddr_in *>(&storage);
        in->sin_family = AF_INET;
        in->sin_port = htons(port);
        in->sin_addr.s_addr = htonl(address.toIPv4Address());
        length = sizeof *in;
    } else {
        const int v6only = address == QHostAddress(QHostAddress::Any) ? 0 : 1;
        if (::setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, sizeof v6only) < 0)
            return fail(fd, "IPV6_V6ONLY");
        auto *in6 = reinterpret_cast<sockaddr_in6 *>(&storage);
        in6->sin6_family = AF_INET6;
        in6->sin6_port = htons(port);
        const Q_IPV6ADDR bytes = address == QHostAddress(QHostAddress::Any)
            ? QHostAddress(QHostAddress::AnyIPv6).toIPv6Address()
            : address.toIPv6Address();
        std::memcpy(&in6->sin6_addr, &bytes, sizeof bytes);
        // A scope is an interface name ("eth0") or its index.
        bool numeric = false;
        const uint scope = address.scopeId().toUInt(&numeric);
        in6->sin6_scope_id
            = numeric ? scope : ::if_nametoindex(address.scopeId().toLocal8Bit().constData());
        length = sizeof *in6;
    }
    if (::bind(fd, reinterpret_cast<sockaddr *>(&storage), length) < 0)
        return fail(fd, "bind");
    return fd;
}

quint16 boundPort(int descriptor)
{
    sockaddr_storage storage {};
    socklen_t length = sizeof storage;
    if (::getsockname(descriptor, reinterpret_cast<sockaddr *>(&storage), &length) < 0)
        return 0;
    if (storage.ss_family == AF_INET)
        return ntohs(reinterpret_cast<sockaddr_in *>(&storage)->sin_port);
    return ntohs(reinterpret_cast<sockaddr_in6 *>(&storage)->sin6_port);
}

} // namespace pc::host
