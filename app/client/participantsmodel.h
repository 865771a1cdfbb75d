#pragma once

#include "protocol/events.h"

#include <QAbstractListModel>
#include <QQmlEngine>

namespace pc::client {

// The members of a room, in join order.
class ParticipantsModel : public QAbstractListModel
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("A RoomSession owns its participants")
    Q_PROPERTY(int count READ rowCount NOTIFY countChanged)

public:
    enum Role {
        ParticipantIdRole = Qt::UserRole + 1,
        NameRole,
        SelfRole,
        HostRole, // the host of a hosted room
    };
    Q_ENUM(Role)

    explicit ParticipantsModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    void setSelf(const QString &participantId);
    void reset(const QList<protocol::Participant> &participants);
    bool add(const protocol::Participant &participant); // false when already there
    bool remove(const QString &participantId);
    bool contains(const QString &participantId) const;
    const QList<protocol::Participant> &participants() const { return m_rows; }

Q_SIGNALS:
    void countChanged();

private:
    QList<protocol::Participant> m_rows;
    QString m_self;
};

} // namespace pc::client
