#include "messagesmodel.h"

#include <QLocale>

namespace pc::client {

MessagesModel::MessagesModel(QObject *parent) : QAbstractListModel(parent) { }

int MessagesModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

QVariant MessagesModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row &row = m_rows.at(index.row());
    const bool notice = !row.notice.isEmpty();
    switch (role) {
    case IdRole:
        return row.message.id;
    case SeqRole:
        return row.message.seq;
    case ParticipantIdRole:
        return row.message.participantId;
    case SenderRole:
        return row.message.sender;
    case Qt::DisplayRole:
    case TextRole:
        return notice ? row.notice : row.message.text;
    case TimestampRole:
        return row.when.toMSecsSinceEpoch();
    case TimeRole:
        return QLocale().toString(row.when.toLocalTime().time(), QStringLiteral("HH:mm"));
    case OwnRole:
        return !notice && !m_ownParticipantId.isEmpty()
            && row.message.participantId == m_ownParticipantId;
    case NoticeRole:
        return notice;
    }
    return {};
}

QHash<int, QByteArray> MessagesModel::roleNames() const
{
    return { { IdRole, "messageId" }, { SeqRole, "seq" }, { ParticipantIdRole, "participantId" },
        { SenderRole, "sender" }, { TextRole, "text" }, { TimestampRole, "timestamp" },
        { TimeRole, "time" }, { OwnRole, "own" }, { NoticeRole, "notice" } };
}

void MessagesModel::setOwnParticipantId(const QString &participantId)
{
    m_ownParticipantId = participantId;
    if (!m_rows.isEmpty())
        Q_EMIT dataChanged(index(0), index(int(m_rows.size()) - 1), { OwnRole });
}

void MessagesModel::appendMessage(const protocol::ChatMessage &message)
{
    if (message.seq <= m_lastSeq)
        return;
    m_lastSeq = message.seq;
    beginInsertRows({}, int(m_rows.size()), int(m_rows.size()));
    m_rows.append({ message, {}, QDateTime::fromMSecsSinceEpoch(message.timestamp) });
    endInsertRows();
    Q_EMIT countChanged();
}

void MessagesModel::appendNotice(const QString &text)
{
    beginInsertRows({}, int(m_rows.size()), int(m_rows.size()));
    m_rows.append({ {}, text, QDateTime::currentDateTime() });
    endInsertRows();
    Q_EMIT countChanged();
}

void MessagesModel::clear()
{
    beginResetModel();
    m_rows.clear();
    m_lastSeq = 0;
    endResetModel();
    Q_EMIT countChanged();
}

} // namespace pc::client
