#pragma once

#include <QByteArray>
#include <QList>

#include <functional>

namespace pc::redis {

// A Redis reply as a plain value: hiredis types never leave server/redis.
class Reply
{
public:
    enum class Type {
        Nil,
        Status,
        Error,
        Integer,
        String,
        Array,
        Disconnected, // the link dropped before the reply came: the command may or may not have run
    };

    Type type = Type::Nil;
    qint64 integer = 0;
    QByteArray string; // Status, Error and String text
    QList<Reply> elements;

    bool isError() const { return type == Type::Error || type == Type::Disconnected; }
    bool isNil() const { return type == Type::Nil; }
    // Integer replies as is; String replies parsed as a decimal number; otherwise fallback.
    qint64 toInteger(qint64 fallback = 0) const;

    static Reply disconnected();
    static Reply error(const QByteArray &message);
};

// Gets a command's reply, on the event loop.
using ReplyHandler = std::function<void(const Reply &)>;

} // namespace pc::redis
