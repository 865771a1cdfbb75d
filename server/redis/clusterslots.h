#pragma once

// Private to server/redis: never include from a public header.

#include "reply.h"
#include "url.h"

#include <QList>

#include <array>
#include <optional>

namespace pc::redis {

inline constexpr int kClusterSlots = 16384;

// The slot of a key as Redis Cluster computes it: CRC16 (XMODEM) of the key, or of the text
// inside its first non-empty {hash tag}, modulo 16384. A room's keys and channel share one.
int keySlot(QByteArrayView key);
// The slot a command's first key is in, or -1 for a command without keys (any node may run it).
int commandSlot(const QList<QByteArray> &args);

// Which master serves each slot, from CLUSTER SLOTS.
class SlotMap
{
public:
    SlotMap() { m_owner.fill(-1); }
    // Parses a CLUSTER SLOTS reply. A master reported without an address (it does not know
    // its own) is the node that answered: asked.
    static std::optional<SlotMap> fromClusterSlots(const Reply &reply, const NodeAddress &asked);

    // -1 when no master serves the slot.
    int ownerIndex(int slot) const { return m_owner[size_t(slot)]; }
    std::optional<NodeAddress> owner(int slot) const;
    const QList<NodeAddress> &masters() const { return m_masters; }
    bool coversAllSlots() const;
    // MOVED told us where one slot went before the next CLUSTER SLOTS.
    void setOwner(int slot, const NodeAddress &node);

private:
    std::array<qint16, kClusterSlots> m_owner {};
    QList<NodeAddress> m_masters;
};

} // namespace pc::redis
