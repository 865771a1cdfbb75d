#pragma once

#include "redis/url.h"

#include <QList>
#include <QProcess>
#include <QStringList>
#include <QTemporaryDir>

#include <memory>

namespace pc::test {

// A real Redis Cluster of the test's own: 3 masters and 3 replicas (redis-server
// --cluster-enabled yes) on free loopback ports, joined by redis-cli --cluster create. Every
// node dies with the test. A short node timeout makes a failover take about two seconds.
class TestCluster
{
public:
    explicit TestCluster(int masters = 3, int replicasPerMaster = 1);
    ~TestCluster();

    bool start(int timeoutMs = 30000);
    // redis+cluster:// with every node as a seed.
    redis::Url url() const;
    QList<quint16> ports() const;

    // redis-cli -p port ARGS (raw output, trimmed).
    QByteArray cli(quint16 port, const QStringList &args) const;
    // The masters that serve slots, by their port, from a live node's CLUSTER SLOTS.
    QList<quint16> masters() const;
    quint16 ownerOf(int slot) const;
    int keySlot(const QByteArray &key) const; // CLUSTER KEYSLOT, Redis' own answer
    // Moves a slot with its keys to another master (SETSLOT IMPORTING/MIGRATING, MIGRATE,
    // SETSLOT NODE on every master), as redis-cli --cluster reshard does for each slot.
    // pauseMs: how long the slot stays half-moved before and after its keys go (ASK time).
    // Safe to call from another thread while the test thread waits.
    bool migrateSlot(int slot, quint16 to, int pauseMs = 0);
    void kill(quint16 port); // SIGKILL, as a crash
    // Every live node says cluster_state:ok and agrees on who serves every slot.
    bool waitHealthy(int timeoutMs = 15000) const;
    // Every master has a replica whose link is up (a failover then has someone to promote).
    bool waitReplicasInSync(int timeoutMs = 15000) const;

private:
    struct Node
    {
        quint16 port = 0;
        std::unique_ptr<QProcess> process;
    };
    bool launch(Node &node);
    QString nodeId(quint16 port) const;
    bool alive(quint16 port) const;

    int m_masters;
    int m_replicas;
    QTemporaryDir m_dir;
    QList<std::shared_ptr<Node>> m_nodes;
};

} // namespace pc::test
