#pragma once

// Private to server/redis: never include from a public header.

#include "clusterslots.h"
#include "connection.h"
#include "options.h"
#include "reply.h"

#include <QDeadlineTimer>
#include <QObject>
#include <QTimer>

#include <deque>
#include <map>
#include <memory>

namespace pc::redis {

class Link;

// Commands on a Redis Cluster: one Link per node, the slot map from CLUSTER SLOTS, each command
// sent to the master of its key's slot. MOVED updates the map and resends; ASK resends once to
// the named node after ASKING; TRYAGAIN and CLUSTERDOWN wait and resend. A command whose master
// is unreachable (a failover under way) waits up to Options::clusterWaitMs for a new one.
// Commands that reached a node that then dropped get Reply::disconnected(): they may have run.
class ClusterRouter : public QObject
{
    Q_OBJECT
public:
    explicit ClusterRouter(Options options, QObject *parent = nullptr);
    ~ClusterRouter() override; // pending handlers are dropped, never called

    void open();
    void close();
    // Every slot has a master and its link is up.
    bool isReady() const { return m_ready; }
    const SlotMap &map() const { return m_map; }

    // slot -1: any master. The handler always runs from the event loop, never inside send().
    void send(int slot, const QList<QByteArray> &args, ReplyHandler handler);
    // Runs first on every node's link, now and after each (re)connect (SCRIPT LOAD).
    void addPreload(const QList<QByteArray> &args);
    // Asks for the slot map again soon (a subscriber saw a slot move).
    void refreshSoon();
    void noteMoved(int slot, const NodeAddress &node);

Q_SIGNALS:
    void ready();
    void lost(const QString &reason);
    void mapChanged();

private:
    struct Request
    {
        int slot = -1;
        QList<QByteArray> args;
        ReplyHandler handler;
        QDeadlineTimer deadline;
        QDeadlineTimer notBefore; // TRYAGAIN: resend after this
        int redirects = 0;
        std::optional<NodeAddress> askTarget;
    };

    Link *linkTo(const NodeAddress &node); // made and opened on first use
    Link *readyLinkFor(const Request &request);
    void indexMasterLinks(); // after every change of m_map
    void dispatch(Request request, bool fresh);
    void onReply(Request request, const Reply &reply);
    void flushParked();
    void refresh();
    void onSlots(const NodeAddress &asked, const Reply &reply);
    void updateReady(const QString &reason);
    void tick();

    Options m_options;
    std::map<QString, std::unique_ptr<Link>> m_links; // by host:port
    SlotMap m_map;
    QList<Link *> m_masterLinks; // by SlotMap::ownerIndex: no lookup by name per command
    bool m_haveMap = false;
    bool m_ready = false;
    bool m_open = false;
    bool m_refreshing = false;
    bool m_refreshWanted = true;
    QDeadlineTimer m_nextPeriodicRefresh;
    QList<QList<QByteArray>> m_preloads;
    std::deque<Request> m_parked;
    QTimer m_tick;
};

} // namespace pc::redis
