#pragma once

#include "options.h"
#include "reply.h"
#include "script.h"

#include <QHash>
#include <QObject>

#include <chrono>
#include <functional>
#include <memory>

namespace pc::redis {

class ClusterRouter;
class Link;

// A command connection on hiredis' async API, driven by QSocketNotifier. Commands issued in
// one event-loop pass are written to the socket together (hiredis buffers them until the
// write notifier fires). Reconnects with exponential backoff until close().
// With a redis+cluster:// URL it is one link per cluster node, each command sent to the master
// of its first key's slot (ClusterRouter); connected means every slot has a reachable master.
class Connection : public QObject
{
    Q_OBJECT
public:
    explicit Connection(Options options, QObject *parent = nullptr);
    ~Connection() override; // pending handlers are dropped, never called

    void open();
    void close();
    bool isConnected() const;
    const Options &options() const { return m_options; }
    // On a Redis Cluster its slot map, for a Subscriber to share; else null.
    ClusterRouter *clusterRouter() const { return m_cluster.get(); }

    // While disconnected, the handler gets Reply::disconnected() from the event loop (never
    // synchronously). A NULL hiredis reply (link lost) also arrives as Reply::disconnected().
    void command(const QList<QByteArray> &args, ReplyHandler handler = {});
    // Loads the script with SCRIPT LOAD first thing on every (re)connect, before any other
    // command: pipelined EVALSHAs then never meet NOSCRIPT, whose fallback could reorder them.
    void preload(const Script &script);
    // How this connection runs scripts: preload() and eval() take a script as written and run
    // what variant made of it (once per script). Set it before the first preload().
    void setScriptVariant(std::function<Script(const Script &)> variant)
    {
        m_variant = std::move(variant);
    }
    // EVALSHA; on NOSCRIPT, EVAL with the source. keys and args as Redis expects them.
    void eval(const Script &script, const QList<QByteArray> &keys, const QList<QByteArray> &args,
        ReplyHandler handler);
    // Told the round trip of every script that got an answer (for the host's metrics).
    void setRoundTripObserver(std::function<void(std::chrono::nanoseconds)> observer)
    {
        m_roundTrip = std::move(observer);
    }

Q_SIGNALS:
    void connected();
    void disconnected(const QString &reason);

private:
    const Script &variantOf(const Script &script);

    Options m_options;
    std::unique_ptr<Link> m_link;             // one Redis
    std::unique_ptr<ClusterRouter> m_cluster; // or a Redis Cluster
    QList<Script> m_preloaded;
    std::function<Script(const Script &)> m_variant;
    QHash<QByteArray, Script> m_variants; // by the SHA-1 of the script as written
    std::function<void(std::chrono::nanoseconds)> m_roundTrip;
};

} // namespace pc::redis
