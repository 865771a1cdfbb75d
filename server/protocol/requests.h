#pragma once

#include "errors.h"
#include "limits.h"
#include "schema.h"

#include <QJsonObject>
#include <QJsonValue>
#include <QString>

#include <optional>

// Requests: the envelope every client frame has, and the params of each op with their
// validation. read() checks in the contract's order: every bad-request check of every field
// first, then the too-large checks; room, token and membership checks need the store and are
// the host's. toJson() is what a client sends.
namespace pc::protocol {

// A client frame, as far as the envelope goes. When error is set, id is what to echo
// (null unless the frame had a valid id) and the op must not run.
struct RequestEnvelope
{
    QJsonValue id = QJsonValue::Null;
    std::optional<Op> op;
    QJsonObject body;
    std::optional<Error> error;
};
RequestEnvelope parseRequest(const QByteArray &frame);
bool isValidRequestId(const QJsonValue &id);

struct RoomCreateParams
{
    int ttl = limits::kDefaultTtl;
    int maxParticipants = limits::kDefaultParticipants;

    // maxTtl: the host may allow less than the contract's 604800 s.
    static std::optional<Error> read(
        const QJsonObject &o, RoomCreateParams &out, int maxTtl = limits::kMaxTtl);
    QJsonObject toJson() const;
};

struct RoomJoinParams
{
    QString roomId;
    QString name;
    std::optional<QString> token; // a rejoin

    static std::optional<Error> read(const QJsonObject &o, RoomJoinParams &out);
    QJsonObject toJson() const;
};

// roomId (or channel) + token: every op that needs a current member. An empty token means it
// was missing: unauthorized, but only once the room is known to exist.
struct MemberParams
{
    QString roomId;
    QString token;

    static std::optional<Error> read(const QJsonObject &o, MemberParams &out,
        QLatin1StringView roomKey = QLatin1StringView("roomId"));
    QJsonObject toJson(QLatin1StringView roomKey = QLatin1StringView("roomId")) const;
};

struct MessagesSendParams
{
    MemberParams member;
    QString text;
    std::optional<QString> clientMsgId;

    static std::optional<Error> read(const QJsonObject &o, MessagesSendParams &out);
    QJsonObject toJson() const;
};

struct MessagesListParams
{
    MemberParams member;
    qint64 after = 0;
    int limit = limits::kMaxListLimit;

    static std::optional<Error> read(const QJsonObject &o, MessagesListParams &out);
    QJsonObject toJson() const;
};

struct SubscribeParams
{
    MemberParams member; // member.roomId is the channel
    EventMask events = kAllEvents;

    static std::optional<Error> read(const QJsonObject &o, SubscribeParams &out);
    QJsonObject toJson() const;
};

struct UnsubscribeParams
{
    QString channel;

    static std::optional<Error> read(const QJsonObject &o, UnsubscribeParams &out);
    QJsonObject toJson() const;
};

} // namespace pc::protocol
