#pragma once

#include "protocol/events.h"

#include <QAbstractListModel>
#include <QDateTime>
#include <QQmlEngine>

namespace pc::client {

// A room's messages in seq order, with join/leave notices between them.
class MessagesModel : public QAbstractListModel
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("A RoomSession owns its messages")
    Q_PROPERTY(int count READ rowCount NOTIFY countChanged)

public:
    enum Role {
        IdRole = Qt::UserRole + 1,
        SeqRole,
        ParticipantIdRole,
        SenderRole,
        TextRole,
        TimestampRole,   // ms since the epoch, host clock
        TimeRole,        // hh:mm, local
        OwnRole,         // sent by this member
        NoticeRole,      // a join/leave notice, not a message
        DeliveryRole,    // Delivery: stored, or ours still on its way, or not sent
        ClientMsgIdRole, // ours not stored yet: the key to retry it
        SealRole,        // Seal: a plain room's message, or opened, or not
    };
    Q_ENUM(Role)
    enum class Delivery { Stored, Pending, Failed };
    Q_ENUM(Delivery)
    // How an end-to-end room's message came: opened with the room key (its sender and text
    // are what its author sealed), or not (no text, no name shown as its author's).
    enum class Seal { None, Opened, Undecryptable };
    Q_ENUM(Seal)

    explicit MessagesModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    void setOwnParticipantId(const QString &participantId);
    // Messages arrive once each, in seq order (RealtimeClient's promise); anything else is
    // ignored.
    // message: as shown (an end-to-end room's already opened: sender and text from its letter).
    void appendMessage(const protocol::ChatMessage &message, Seal seal = Seal::None);
    void appendNotice(const QString &text);
    // Our own message, shown at once (after every stored one) until the host has it.
    void addPending(const QString &clientMsgId, const QString &sender, const QString &text);
    // The host stored it (an acknowledgement or its own event, whichever came first).
    void confirmPending(
        const QString &clientMsgId, const protocol::ChatMessage &message, Seal seal = Seal::None);
    void setDelivery(const QString &clientMsgId, Delivery delivery);
    QString pendingText(const QString &clientMsgId) const;
    int pendingCount() const;
    void clear();

Q_SIGNALS:
    void countChanged();

private:
    struct Row
    {
        protocol::ChatMessage message;
        QString notice;
        QDateTime when;
        QString clientMsgId {}; // ours, not in its place in seq order yet
        Delivery delivery { Delivery::Stored };
        Seal seal { Seal::None };
    };
    int firstPending() const; // our unplaced rows stay last: stored ones go in before them
    int pendingRow(const QString &clientMsgId) const;
    QList<Row> m_rows;
    QString m_ownParticipantId;
    qint64 m_lastSeq = 0;
};

} // namespace pc::client
