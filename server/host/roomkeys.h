#pragma once

#include <QByteArray>
#include <QString>

namespace pc::host {

// Every Redis name of one room. All contain {roomId} (a Redis Cluster hash tag, so a room
// lives in one slot) under the deployment prefix.
struct RoomKeys
{
    QByteArray meta;     // hash: expiresAt, maxParticipants, seq, joins, createdAt
    QByteArray members;  // hash: SHA-256(token) -> {p: participantId, n: name, j: join order}
    QByteArray messages; // list: the last messages, JSON, ascending seq
    QByteArray dedup;    // hash: participantId:clientMsgId -> seq, #seq -> that field (kept msgs)
    QByteArray channel;  // pub/sub

    RoomKeys(const QByteArray &prefix, const QString &roomId)
    {
        const QByteArray tag = '{' + roomId.toLatin1() + '}';
        meta = prefix + "meta:" + tag;
        members = prefix + "members:" + tag;
        messages = prefix + "messages:" + tag;
        dedup = prefix + "dedup:" + tag;
        channel = prefix + "room:" + tag;
    }

    // The room ID from a channel name made by this prefix, or empty.
    static QString roomIdOfChannel(const QByteArray &prefix, const QByteArray &channel)
    {
        const QByteArray head = prefix + "room:{";
        if (!channel.startsWith(head) || !channel.endsWith('}'))
            return {};
        return QString::fromLatin1(channel.mid(head.size(), channel.size() - head.size() - 1));
    }
};

} // namespace pc::host
