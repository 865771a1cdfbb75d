#include "replies.h"

namespace pc::protocol {

int ttlSeconds(qint64 expiresAt, qint64 now)
{
    const qint64 left = expiresAt - now;
    return left <= 0 ? 0 : int((left + 999) / 1000);
}

QByteArray EncodedMessageSent::encode() const
{
    return R"({"message":)" + message + '}';
}

QByteArray EncodedMessageList::encode() const
{
    QByteArray out;
    out.reserve(messages.size() + 64);
    out += R"({"messages":[)";
    out += messages;
    out += R"(],"lastSeq":)" + QByteArray::number(lastSeq) + R"(,"firstSeq":)"
        + QByteArray::number(firstSeq) + R"(,"hasMore":)" + (hasMore ? "true" : "false") + '}';
    return out;
}

} // namespace pc::protocol
