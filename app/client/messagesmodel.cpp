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
        return !notice
            && (row.delivery != Delivery::Stored
                || (!m_ownParticipantId.isEmpty()
                    && row.message.participantId == m_ownParticipantId));
    case NoticeRole:
        return notice;
    case DeliveryRole:
        return QVariant::fromValue(row.delivery);
    case ClientMsgIdRole:
        return row.clientMsgId;
    case SealRole:
        return QVariant::fromValue(row.seal);
    }
    return {};
}

QHash<int, QByteArray> MessagesModel::roleNames() const
{
    return { { IdRole, "messageId" }, { SeqRole, "seq" }, { ParticipantIdRole, "participantId" },
        { SenderRole, "sender" }, { TextRole, "text" }, { TimestampRole, "timestamp" },
        { TimeRole, "time" }, { OwnRole, "own" }, { NoticeRole, "notice" },
        { DeliveryRole, "delivery" }, { ClientMsgIdRole, "clientMsgId" }, { SealRole, "seal" } };
}

void MessagesModel::setOwnParticipantId(const QString &participantId)
{
    m_ownParticipantId = participantId;
    if (!m_rows.isEmpty())
        Q_EMIT dataChanged(index(0), index(int(m_rows.size()) - 1), { OwnRole });
}

void MessagesModel::appendMessage(const protocol::ChatMessage &message, Seal seal)
{
    if (message.seq <= m_lastSeq)
        return;
    m_lastSeq = message.seq;
    // Ours, acknowledged before its turn came: it moves from the end into its place.
    for (int i = firstPending(); i < m_rows.size(); ++i) {
        if (m_rows.at(i).message.id == message.id) {
            beginRemoveRows({}, i, i);
            m_rows.removeAt(i);
            endRemoveRows();
            break;
        }
    }
    const int at = firstPending();
    beginInsertRows({}, at, at);
    Row row { message, {}, QDateTime::fromMSecsSinceEpoch(message.timestamp) };
    row.seal = seal;
    m_rows.insert(at, row);
    endInsertRows();
    Q_EMIT countChanged();
}

void MessagesModel::appendNotice(const QString &text)
{
    const int at = firstPending();
    beginInsertRows({}, at, at);
    m_rows.insert(at, { {}, text, QDateTime::currentDateTime() });
    endInsertRows();
    Q_EMIT countChanged();
}

int MessagesModel::firstPending() const
{
    int at = int(m_rows.size());
    while (at > 0 && !m_rows.at(at - 1).clientMsgId.isEmpty())
        --at;
    return at;
}

int MessagesModel::pendingRow(const QString &clientMsgId) const
{
    for (int i = firstPending(); i < m_rows.size(); ++i) {
        if (m_rows.at(i).clientMsgId == clientMsgId && m_rows.at(i).message.seq == 0)
            return i;
    }
    return -1;
}

void MessagesModel::addPending(
    const QString &clientMsgId, const QString &sender, const QString &text)
{
    Row row;
    row.message.sender = sender;
    row.message.text = text;
    row.when = QDateTime::currentDateTime();
    row.clientMsgId = clientMsgId;
    row.delivery = Delivery::Pending;
    beginInsertRows({}, int(m_rows.size()), int(m_rows.size()));
    m_rows.append(row);
    endInsertRows();
    Q_EMIT countChanged();
}

void MessagesModel::confirmPending(
    const QString &clientMsgId, const protocol::ChatMessage &message, Seal seal)
{
    const int row = pendingRow(clientMsgId);
    if (row < 0)
        return;
    if (message.seq <= m_lastSeq) { // its event came first: it is in its place already
        beginRemoveRows({}, row, row);
        m_rows.removeAt(row);
        endRemoveRows();
        Q_EMIT countChanged();
        return;
    }
    // Stored, but messages before it may still be on their way (the client delivers them in
    // seq order): shown as sent, at the end, until its own event puts it in its place.
    m_rows[row].message = message;
    m_rows[row].when = QDateTime::fromMSecsSinceEpoch(message.timestamp);
    m_rows[row].delivery = Delivery::Stored;
    m_rows[row].seal = seal;
    Q_EMIT dataChanged(index(row), index(row));
}

void MessagesModel::setDelivery(const QString &clientMsgId, Delivery delivery)
{
    if (const int row = pendingRow(clientMsgId); row >= 0) {
        m_rows[row].delivery = delivery;
        Q_EMIT dataChanged(index(row), index(row), { DeliveryRole });
    }
}

QString MessagesModel::pendingText(const QString &clientMsgId) const
{
    const int row = pendingRow(clientMsgId);
    return row >= 0 ? m_rows.at(row).message.text : QString();
}

int MessagesModel::pendingCount() const
{
    return int(m_rows.size()) - firstPending();
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
