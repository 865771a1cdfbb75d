#include "clusterslots.h"

#include <algorithm>

namespace pc::redis {

namespace {

    // CRC16-CCITT (XMODEM): polynomial 0x1021, initial value 0, as in Redis' crc16.c.
    quint16 crc16(QByteArrayView data)
    {
        quint16 crc = 0;
        for (const char c : data) {
            crc ^= quint16(quint8(c)) << 8;
            for (int bit = 0; bit < 8; ++bit)
                crc = (crc & 0x8000) ? quint16((crc << 1) ^ 0x1021) : quint16(crc << 1);
        }
        return crc;
    }

} // namespace

int keySlot(QByteArrayView key)
{
    const qsizetype open = key.indexOf('{');
    if (open >= 0) {
        const qsizetype close = key.indexOf('}', open + 1);
        if (close > open + 1)
            key = key.sliced(open + 1, close - open - 1);
    }
    return crc16(key) & (kClusterSlots - 1);
}

int commandSlot(const QList<QByteArray> &args)
{
    if (args.size() < 2)
        return -1;
    const QByteArray command = args.first().toUpper();
    if (command == "EVAL" || command == "EVALSHA" || command == "FCALL") {
        // EVALSHA sha numkeys key...: the script's keys share one slot, or Redis refuses it.
        return args.size() > 3 && args[2].toLongLong() > 0 ? keySlot(args[3]) : -1;
    }
    static const QList<QByteArray> keyless = { "PING", "ECHO", "INFO", "CONFIG", "CLUSTER",
        "SCRIPT", "DBSIZE", "TIME", "COMMAND", "CLIENT", "WAIT", "FLUSHALL", "FLUSHDB" };
    if (keyless.contains(command))
        return -1;
    return keySlot(args[1]);
}

std::optional<SlotMap> SlotMap::fromClusterSlots(const Reply &reply, const NodeAddress &asked)
{
    if (reply.type != Reply::Type::Array)
        return std::nullopt;
    SlotMap map;
    map.m_owner.fill(-1);
    for (const Reply &range : reply.elements) {
        // [start, end, [host, port, id, ...], replicas...]
        if (range.type != Reply::Type::Array || range.elements.size() < 3)
            return std::nullopt;
        const qint64 start = range.elements[0].toInteger(-1);
        const qint64 end = range.elements[1].toInteger(-1);
        const Reply &master = range.elements[2];
        if (start < 0 || end < start || end >= kClusterSlots || master.elements.size() < 2)
            return std::nullopt;
        NodeAddress node { QString::fromUtf8(master.elements[0].string),
            quint16(master.elements[1].toInteger()) };
        if (node.host.isEmpty() || node.host == u'?')
            node.host = asked.host;
        qsizetype index = map.m_masters.indexOf(node);
        if (index < 0) {
            index = map.m_masters.size();
            map.m_masters.append(node);
        }
        for (qint64 slot = start; slot <= end; ++slot)
            map.m_owner[size_t(slot)] = qint16(index);
    }
    return map;
}

std::optional<NodeAddress> SlotMap::owner(int slot) const
{
    if (slot < 0 || slot >= kClusterSlots)
        return std::nullopt;
    const int index = m_owner[size_t(slot)];
    if (index < 0)
        return std::nullopt;
    return m_masters[index];
}

bool SlotMap::coversAllSlots() const
{
    return std::none_of(m_owner.cbegin(), m_owner.cend(), [](qint16 i) { return i < 0; });
}

void SlotMap::setOwner(int slot, const NodeAddress &node)
{
    if (slot < 0 || slot >= kClusterSlots)
        return;
    qsizetype index = m_masters.indexOf(node);
    if (index < 0) {
        index = m_masters.size();
        m_masters.append(node);
    }
    m_owner[size_t(slot)] = qint16(index);
}

} // namespace pc::redis
