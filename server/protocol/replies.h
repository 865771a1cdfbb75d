#pragma once

#include "events.h"

#include <QByteArray>
#include <QJsonObject>
#include <QList>

#include <optional>

// The reply types are generated from schema.toml (schema_gen.h); here the ones the host
// splices together from stored JSON, and the ttl rule.
namespace pc::protocol {

// Whole seconds left until expiresAt, rounded up, never negative.
int ttlSeconds(qint64 expiresAt, qint64 now);

// messages.send and messages.list data as the host builds them: from chat.message JSON as the
// store holds it, spliced in as is. They read back as MessageSent and MessageList.
struct EncodedMessageSent
{
    QByteArray message;

    QByteArray encode() const;
};

struct EncodedMessageList
{
    QList<QByteArray> messages; // the messages' JSON objects, joined with commas by encode()
    qint64 lastSeq = 0;
    qint64 firstSeq = 1;
    bool hasMore = false;

    QByteArray encode() const;
};

} // namespace pc::protocol
