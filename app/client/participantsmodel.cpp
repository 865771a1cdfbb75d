#include "participantsmodel.h"

#include <algorithm>

namespace pc::client {

ParticipantsModel::ParticipantsModel(QObject *parent) : QAbstractListModel(parent) { }

int ParticipantsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

QVariant ParticipantsModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const protocol::Participant &p = m_rows.at(index.row());
    switch (role) {
    case ParticipantIdRole:
        return p.participantId;
    case Qt::DisplayRole:
    case NameRole:
        return p.name;
    case SelfRole:
        return p.participantId == m_self;
    case HostRole:
        return p.host.value_or(false);
    }
    return {};
}

QHash<int, QByteArray> ParticipantsModel::roleNames() const
{
    return { { ParticipantIdRole, "participantId" }, { NameRole, "name" }, { SelfRole, "self" },
        { HostRole, "host" } };
}

void ParticipantsModel::setSelf(const QString &participantId)
{
    m_self = participantId;
    if (!m_rows.isEmpty())
        Q_EMIT dataChanged(index(0), index(int(m_rows.size()) - 1), { SelfRole });
}

void ParticipantsModel::reset(const QList<protocol::Participant> &participants)
{
    beginResetModel();
    m_rows = participants;
    endResetModel();
    Q_EMIT countChanged();
}

bool ParticipantsModel::contains(const QString &participantId) const
{
    return std::any_of(m_rows.cbegin(), m_rows.cend(),
        [&](const protocol::Participant &p) { return p.participantId == participantId; });
}

bool ParticipantsModel::add(const protocol::Participant &participant)
{
    if (contains(participant.participantId))
        return false;
    beginInsertRows({}, int(m_rows.size()), int(m_rows.size()));
    m_rows.append(participant);
    endInsertRows();
    Q_EMIT countChanged();
    return true;
}

bool ParticipantsModel::remove(const QString &participantId)
{
    for (int i = 0; i < m_rows.size(); ++i) {
        if (m_rows[i].participantId == participantId) {
            beginRemoveRows({}, i, i);
            m_rows.removeAt(i);
            endRemoveRows();
            Q_EMIT countChanged();
            return true;
        }
    }
    return false;
}

} // namespace pc::client
