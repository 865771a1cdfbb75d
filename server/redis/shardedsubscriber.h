#pragma once

// Private to server/redis: never include from a public header.

#include "clusterrouter.h"
#include "options.h"
#include "reply.h"

#include <QHash>
#include <QObject>
#include <QTimer>

#include <deque>
#include <map>
#include <memory>

namespace pc::redis {

class PushLink;

// Sharded pub/sub on a Redis Cluster (Redis 7): each channel is SSUBSCRIBEd on the master of
// its slot, over one PushLink per master, so a message costs one shard. When the slot moves
// (Redis then unsubscribes us itself) or its master dies, the channel is subscribed again on
// the new owner and reported with afterReconnect: messages in between may have been missed.
class ShardedSubscriber : public QObject
{
    Q_OBJECT
public:
    // router: the slot map of the host's command Connection, so that each node has one command
    // link; null: a router of its own.
    ShardedSubscriber(Options options, ClusterRouter *router, QObject *parent = nullptr);
    ~ShardedSubscriber() override;

    void open();
    void close();
    bool isConnected() const { return m_connected; }
    void subscribe(const QByteArray &channel);
    void unsubscribe(const QByteArray &channel);
    bool isActive(const QByteArray &channel) const;
    QList<QByteArray> channels() const { return m_channels.keys(); }

Q_SIGNALS:
    void connected();
    void disconnected(const QString &reason);
    void subscribed(const QByteArray &channel, bool afterReconnect);
    void message(const QByteArray &channel, const QByteArray &payload);

private:
    struct Channel
    {
        QString placedOn; // the node its SSUBSCRIBE went to; empty: not placed
        bool active = false;
        bool missed = false; // was active on a link or slot it lost: say so when back
    };
    struct Sent
    {
        bool subscribe;
        QByteArray channel;
    };

    PushLink *linkTo(const NodeAddress &node);
    void place();
    bool placeOne(const QByteArray &name, Channel &channel);
    void unplace(Channel &channel);
    void onReceived(PushLink *link, const Reply &reply);
    void onLinkDown(PushLink *link);
    void updateConnected(const QString &reason);

    Options m_options;
    ClusterRouter *m_router; // the slot map
    std::unique_ptr<ClusterRouter> m_ownRouter;
    std::map<QString, std::unique_ptr<PushLink>> m_links;
    QHash<QByteArray, Channel> m_channels;   // wanted
    QHash<QString, std::deque<Sent>> m_sent; // per node: replies still due, in order
    QTimer m_retry;                          // places channels that could not be placed
    bool m_open = false;
    bool m_connected = false;
};

} // namespace pc::redis
