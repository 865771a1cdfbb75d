#include "sealedroom.h"

#include "protocol/fieldreaders.h"

namespace pc::client {

using namespace pc::protocol;

void SealedRoom::reset(const QString &roomId, const QByteArray &key)
{
    m_hasKey = key.size() == RoomCipher::kKeyBytes;
    m_endToEnd = false;
    m_cipher = RoomCipher(m_hasKey ? key : RoomCipher::newKey(), roomId);
}

RoomJoinParams SealedRoom::joinParams(const QString &name, bool sealed) const
{
    RoomJoinParams params;
    if (sealed || m_hasKey)
        params.sealedName = m_cipher.sealName(name);
    else
        params.name = name;
    return params;
}

std::optional<Error> SealedRoom::checkName(const QString &name)
{
    return fields::checkText("name", name, limits::kMaxNameLength, true);
}

std::optional<Error> SealedRoom::checkText(const QString &text)
{
    return fields::checkText("text", text, limits::kMaxTextLength, true);
}

bool SealedRoom::refusedForPlainName(const Error &error)
{
    return error.code == ErrorCode::BadRequest
        && error.message.startsWith(QLatin1StringView("This room is end-to-end encrypted"));
}

MessagesSendParams SealedRoom::sendParams(const MemberParams &member, const QString &clientMsgId,
    const QString &ownParticipantId, const QString &ownName, const QString &text) const
{
    MessagesSendParams params;
    params.member = member;
    params.clientMsgId = clientMsgId;
    if (m_endToEnd)
        params.ciphertext = m_cipher.sealMessage(ownParticipantId, clientMsgId, { ownName, text });
    else
        params.text = text;
    return params;
}

MessagesModel::Seal SealedRoom::open(ChatMessage &message) const
{
    if (!message.ciphertext)
        return MessagesModel::Seal::None;
    const auto letter = m_hasKey ? m_cipher.openMessage(message.participantId,
                            message.clientMsgId.value_or(QString()), *message.ciphertext)
                                 : std::nullopt;
    message.sender = letter ? letter->name : QString();
    message.text = letter ? letter->text : QString();
    return letter ? MessagesModel::Seal::Opened : MessagesModel::Seal::Undecryptable;
}

QString SealedRoom::nameOf(const QString &name, const std::optional<QString> &sealedName) const
{
    if (!sealedName)
        return name;
    return m_hasKey ? m_cipher.openName(*sealedName).value_or(QString()) : QString();
}

QString SealedRoom::safetyCode(const QString &hostFingerprint) const
{
    return m_hasKey ? m_cipher.safetyCode(hostFingerprint) : QString();
}

} // namespace pc::client
