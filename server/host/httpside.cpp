#include "httpside.h"

#include <QDir>
#include <QTemporaryDir>

#include <cstring>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

namespace pc::host {

bool HttpSide::open(QString *error)
{
    const auto fail = [error](const char *what) {
        if (error)
            *error
                = QStringLiteral("HTTP side: %1: %2")
                      .arg(QLatin1StringView(what), QString::fromLocal8Bit(std::strerror(errno)));
        return false;
    };
    QTemporaryDir folder(QDir::tempPath() + QStringLiteral("/privatechat-http-XXXXXX"));
    if (!folder.isValid())
        return fail("no temporary folder");
    const QByteArray path = QFile::encodeName(folder.filePath(QStringLiteral("s")));
    sockaddr_un address {};
    address.sun_family = AF_UNIX;
    if (size_t(path.size()) >= sizeof address.sun_path)
        return fail("temporary path too long");
    std::memcpy(address.sun_path, path.constData(), size_t(path.size()));
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0)
        return fail("socket");
    if (::bind(fd, reinterpret_cast<sockaddr *>(&address), sizeof address) < 0
        || ::listen(fd, 1) < 0) {
        ::close(fd);
        return fail("listen");
    }
    ::unlink(path.constData()); // from here on nothing can connect to it
    if (!setSocketDescriptor(fd)) {
        ::close(fd);
        return fail("not taken by QTcpServer");
    }
    return true;
}

} // namespace pc::host
