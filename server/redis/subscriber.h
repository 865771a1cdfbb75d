#pragma once

#include "options.h"
#include "reply.h"

#include <QHash>
#include <QObject>
#include <QSet>

#include <memory>

namespace pc::redis {

class Connection;
class Link;
class ShardedSubscriber;

// Pub/sub on its own connection (a subscribed connection can run no other command).
// Remembers its channels and subscribes them again after every reconnect.
// With a redis+cluster:// URL the channels are sharded (SSUBSCRIBE on the master of each
// channel's slot, ShardedSubscriber), and a slot that moves counts as a reconnect.
class Subscriber : public QObject
{
    Q_OBJECT
public:
    explicit Subscriber(Options options, QObject *parent = nullptr);
    // On a Redis Cluster it learns the slot map from commands (which must outlive it), so
    // that each node has one command connection; otherwise as above.
    Subscriber(Options options, Connection *commands, QObject *parent = nullptr);
    ~Subscriber() override;

    void open();
    void close();
    bool isConnected() const;

    void subscribe(const QByteArray &channel);   // idempotent
    void unsubscribe(const QByteArray &channel); // idempotent
    // True once Redis confirmed the subscription on the current link.
    bool isActive(const QByteArray &channel) const;
    QSet<QByteArray> channels() const;

Q_SIGNALS:
    void connected();
    void disconnected(const QString &reason);
    // Redis confirmed a SUBSCRIBE. afterReconnect: the channel had been active on an earlier
    // link that dropped, so messages published in between may have been missed.
    void subscribed(const QByteArray &channel, bool afterReconnect);
    void message(const QByteArray &channel, const QByteArray &payload);

private:
    void sendSubscribe(const QList<QByteArray> &channels);
    void onLinkUp();
    void onLinkDown(const QString &reason);
    void onPush(const Reply &reply);

    Options m_options;
    std::unique_ptr<Link> m_link;
    std::unique_ptr<ShardedSubscriber> m_sharded; // instead of m_link on a Redis Cluster
    QSet<QByteArray> m_channels;                  // wanted
    QSet<QByteArray> m_active;                    // confirmed on the current link
    QSet<QByteArray> m_missed;        // were active on a dropped link, not yet confirmed again
    QHash<QByteArray, int> m_pending; // SUBSCRIBE replies still due on the current link
};

} // namespace pc::redis
