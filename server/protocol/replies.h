#pragma once

#include "events.h"

#include <QByteArray>
#include <QJsonObject>
#include <QList>

#include <optional>

// The data of each op's successful reply, with its JSON codec.
namespace pc::protocol {

// Whole seconds left until expiresAt, rounded up, never negative.
int ttlSeconds(qint64 expiresAt, qint64 now);

struct RoomCreated
{
    QString roomId;
    int ttl = 0;
    qint64 expiresAt = 0;
    int maxParticipants = 0;

    QJsonObject toJson() const;
    static std::optional<RoomCreated> fromJson(const QJsonObject &o);
};

struct RoomInfo
{
    int ttl = 0;
    qint64 expiresAt = 0;
    int maxParticipants = 0;
    QList<Participant> participants;
    qint64 lastSeq = 0;

    QJsonObject toJson() const;
    static std::optional<RoomInfo> fromJson(const QJsonObject &o);
};

struct RoomJoined
{
    QString token; // the member's secret: only ever in this reply, to its owner
    QString participantId;
    QString name;
    RoomInfo room;

    QJsonObject toJson() const;
    static std::optional<RoomJoined> fromJson(const QJsonObject &o);
};

struct RoomTtl
{
    int ttl = 0;

    QJsonObject toJson() const;
    static std::optional<RoomTtl> fromJson(const QJsonObject &o);
};

struct MessageSent
{
    ChatMessage message;

    QJsonObject toJson() const;
    static std::optional<MessageSent> fromJson(const QJsonObject &o);
};

struct MessageList
{
    QList<ChatMessage> messages;
    qint64 lastSeq = 0;
    qint64 firstSeq = 1;
    bool hasMore = false; // the page stopped at the reply size cap: ask again after its last

    QJsonObject toJson() const;
    static std::optional<MessageList> fromJson(const QJsonObject &o);
};

// messages.send and messages.list data as the host builds them: from chat.message JSON as the
// store holds it, spliced in as is. They read back as MessageSent and MessageList.
struct EncodedMessageSent
{
    QByteArray message;

    QByteArray encode() const;
};

struct EncodedMessageList
{
    QByteArray messages; // the messages' JSON objects, joined with commas
    qint64 lastSeq = 0;
    qint64 firstSeq = 1;
    bool hasMore = false;

    QByteArray encode() const;
};

struct Subscribed
{
    QString channel;
    qint64 lastSeq = 0;

    QJsonObject toJson() const;
    static std::optional<Subscribed> fromJson(const QJsonObject &o);
};

} // namespace pc::protocol
