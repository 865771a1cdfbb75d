#include "reply.h"

namespace pc::redis {

qint64 Reply::toInteger(qint64 fallback) const
{
    if (type == Type::Integer)
        return integer;
    if (type == Type::String) {
        bool ok = false;
        const qint64 n = string.toLongLong(&ok);
        return ok ? n : fallback;
    }
    return fallback;
}

Reply Reply::disconnected()
{
    Reply r;
    r.type = Type::Disconnected;
    r.string = QByteArrayLiteral("DISCONNECTED the link to Redis dropped before the reply came");
    return r;
}

Reply Reply::error(const QByteArray &message)
{
    Reply r;
    r.type = Type::Error;
    r.string = message;
    return r;
}

} // namespace pc::redis
