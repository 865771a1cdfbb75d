#include "subscriber.h"

#include "connection.h"
#include "link.h"
#include "shardedsubscriber.h"

#include <algorithm>

namespace pc::redis {

Subscriber::Subscriber(Options options, QObject *parent)
    : Subscriber(std::move(options), nullptr, parent)
{
}

Subscriber::Subscriber(Options options, Connection *commands, QObject *parent)
    : QObject(parent), m_options(std::move(options))
{
    if (m_options.url.isCluster()) {
        m_sharded = std::make_unique<ShardedSubscriber>(
            m_options, commands ? commands->clusterRouter() : nullptr);
        connect(m_sharded.get(), &ShardedSubscriber::connected, this, &Subscriber::connected);
        connect(m_sharded.get(), &ShardedSubscriber::disconnected, this, &Subscriber::disconnected);
        connect(m_sharded.get(), &ShardedSubscriber::subscribed, this, &Subscriber::subscribed);
        connect(m_sharded.get(), &ShardedSubscriber::message, this, &Subscriber::message);
        return;
    }
    m_link = std::make_unique<Link>(m_options, Link::Role::PubSub);
    m_link->setPushHandler([this](const Reply &reply) { onPush(reply); });
    connect(m_link.get(), &Link::connected, this, &Subscriber::onLinkUp);
    connect(m_link.get(), &Link::disconnected, this, &Subscriber::onLinkDown);
}

Subscriber::~Subscriber() = default;

void Subscriber::open()
{
    if (m_sharded)
        return m_sharded->open();
    m_link->open();
}

void Subscriber::close()
{
    if (m_sharded)
        return m_sharded->close();
    m_link->close(); // a connected link reports disconnected() now: onLinkDown
}

bool Subscriber::isConnected() const
{
    return m_sharded ? m_sharded->isConnected() : m_link->isConnected();
}

QSet<QByteArray> Subscriber::channels() const
{
    if (!m_sharded)
        return m_channels;
    const QList<QByteArray> names = m_sharded->channels();
    return QSet<QByteArray>(names.cbegin(), names.cend());
}

void Subscriber::subscribe(const QByteArray &channel)
{
    if (m_sharded)
        return m_sharded->subscribe(channel);
    if (m_channels.contains(channel))
        return;
    m_channels.insert(channel);
    if (m_link->isConnected())
        sendSubscribe({ channel });
}

void Subscriber::unsubscribe(const QByteArray &channel)
{
    if (m_sharded)
        return m_sharded->unsubscribe(channel);
    if (!m_channels.remove(channel))
        return;
    m_active.remove(channel);
    m_missed.remove(channel);
    if (m_link->isConnected())
        m_link->sendSubscription({ QByteArrayLiteral("UNSUBSCRIBE"), channel });
}

bool Subscriber::isActive(const QByteArray &channel) const
{
    if (m_sharded)
        return m_sharded->isActive(channel);
    return m_active.contains(channel);
}

void Subscriber::sendSubscribe(const QList<QByteArray> &channels)
{
    QList<QByteArray> args { QByteArrayLiteral("SUBSCRIBE") };
    args += channels;
    if (!m_link->sendSubscription(args))
        return;
    for (const QByteArray &channel : channels)
        ++m_pending[channel];
}

void Subscriber::onLinkUp()
{
    QList<QByteArray> channels(m_channels.cbegin(), m_channels.cend());
    std::sort(channels.begin(), channels.end());
    if (!channels.isEmpty())
        sendSubscribe(channels);
    Q_EMIT connected();
}

void Subscriber::onLinkDown(const QString &reason)
{
    // Messages published while we are away are lost: tell subscribed() once we are back.
    m_missed.unite(m_active);
    m_active.clear();
    m_pending.clear();
    Q_EMIT disconnected(reason);
}

void Subscriber::onPush(const Reply &reply)
{
    if (reply.type != Reply::Type::Array || reply.elements.size() < 3)
        return;
    const QByteArray &kind = reply.elements.at(0).string;
    const QByteArray &channel = reply.elements.at(1).string;
    if (kind == "message") {
        // Late messages for a channel we already left are not ours any more.
        if (m_channels.contains(channel))
            Q_EMIT message(channel, reply.elements.at(2).string);
    } else if (kind == "subscribe") {
        const auto it = m_pending.find(channel);
        if (it == m_pending.end())
            return;
        // hiredis 0.14 keeps a channel's callback while SUBSCRIBEs are pending (pending_subs),
        // so leave + join in one pass works; we only call it active on the last reply.
        if (--it.value() > 0)
            return;
        m_pending.erase(it);
        if (!m_channels.contains(channel) || m_active.contains(channel))
            return;
        m_active.insert(channel);
        const bool afterReconnect = m_missed.remove(channel);
        Q_EMIT subscribed(channel, afterReconnect);
    }
    // "unsubscribe": nothing to do, unsubscribe() already forgot the channel.
}

} // namespace pc::redis
