#pragma once

#include "messagesmodel.h"
#include "roomcipher.h"

#include "protocol/errors.h"
#include "protocol/schema_gen.h"

namespace pc::client {

// The end-to-end side of one room as a client (the app's RoomSession, the CLI) lives it: what
// room.join and messages.send carry, and how what the host relays is opened. A room is end to
// end when the host says so (room.join's e2e); then names and texts leave only sealed, and a
// message is shown with the name and text its author sealed, or as undecryptable.
//
// Without the room key (an invite cut short before #k=) the room still opens: our name is
// sealed with a key of our own that nobody holds, the room's messages show as undecryptable,
// and nothing can be written.
class SealedRoom
{
public:
    // key: the invite's, or empty. Forgets the room before.
    void reset(const QString &roomId, const QByteArray &key);
    bool hasKey() const { return m_hasKey; }
    bool isEndToEnd() const { return m_endToEnd; }
    void setEndToEnd(bool on) { m_endToEnd = on; }
    bool canWrite() const { return !m_endToEnd || m_hasKey; }

    // room.join's params: sealed when we hold a key or sealed is asked for (the room turned
    // out to be end to end, see refusedForPlainName).
    protocol::RoomJoinParams joinParams(const QString &name, bool sealed) const;
    // Whether a join with a plain name was refused because the room is end to end.
    static bool refusedForPlainName(const protocol::Error &error);

    // The contract's limits on a name and a text (too-large, as a host answers them): in an
    // end-to-end room the host sees only sealed values, so the client holds to them itself.
    static std::optional<protocol::Error> checkName(const QString &name);
    static std::optional<protocol::Error> checkText(const QString &text);

    // messages.send's params for our text (sealed in an end-to-end room).
    protocol::MessagesSendParams sendParams(const protocol::MemberParams &member,
        const QString &clientMsgId, const QString &ownParticipantId, const QString &ownName,
        const QString &text) const;
    // In place: an end-to-end room's message gets its letter's sender and text (Opened), or
    // an empty sender and text (Undecryptable); a plain room's stays as it is (None).
    MessagesModel::Seal open(protocol::ChatMessage &message) const;
    // A member's name as shown: its sealed name opened (empty when it cannot be).
    QString nameOf(const QString &name, const std::optional<QString> &sealedName) const;
    // What members compare out of band (RoomCipher::safetyCode); empty without the key.
    QString safetyCode(const QString &hostFingerprint) const;

private:
    RoomCipher m_cipher;
    bool m_hasKey = false;
    bool m_endToEnd = false;
};

} // namespace pc::client
