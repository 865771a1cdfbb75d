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
    qsizetype size = 64;
    for (const QByteArray &message : messages)
        size += message.size() + 1;
    QByteArray out;
    out.reserve(size);
    out += R"({"messages":[)";
    for (qsizetype i = 0; i < messages.size(); ++i) {
        if (i > 0)
            out += ',';
        out += messages[i];
    }
    out += R"(],"lastSeq":)" + QByteArray::number(lastSeq) + R"(,"firstSeq":)"
        + QByteArray::number(firstSeq) + R"(,"hasMore":)" + (hasMore ? "true" : "false") + '}';
    return out;
}

} // namespace pc::protocol
