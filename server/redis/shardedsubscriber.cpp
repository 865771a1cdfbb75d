#include "shardedsubscriber.h"

#include "link.h"
#include "pushlink.h"

namespace pc::redis {

namespace {

    constexpr int kRetryMs = 100;

} // namespace

ShardedSubscriber::ShardedSubscriber(Options options, ClusterRouter *router, QObject *parent)
    : QObject(parent), m_options(std::move(options)), m_router(router)
{
    if (!m_router) {
        m_ownRouter = std::make_unique<ClusterRouter>(m_options);
        m_router = m_ownRouter.get();
    }
    m_retry.setSingleShot(true);
    connect(&m_retry, &QTimer::timeout, this, &ShardedSubscriber::place);
    connect(m_router, &ClusterRouter::mapChanged, this, [this] {
        place();
        updateConnected(QString());
    });
    connect(m_router, &ClusterRouter::ready, this, [this] {
        place();
        updateConnected(QString());
    });
    connect(m_router, &ClusterRouter::lost, this,
        [this](const QString &reason) { updateConnected(reason); });
}

ShardedSubscriber::~ShardedSubscriber() = default;

void ShardedSubscriber::open()
{
    m_open = true;
    m_router->open(); // a shared router is its Connection's to close, but opening it is harmless
    for (auto &[name, link] : m_links)
        link->open(); // after close(): the nodes we knew
    if (m_router->isReady()) {
        place();
        updateConnected(QString());
    }
}

void ShardedSubscriber::close()
{
    m_open = false;
    if (m_ownRouter)
        m_ownRouter->close();
    for (auto &[name, link] : m_links)
        link->close(); // onLinkDown: channels unplaced
}

PushLink *ShardedSubscriber::linkTo(const NodeAddress &node)
{
    auto &slot = m_links[node.toString()];
    if (!slot) {
        slot = std::make_unique<PushLink>(node, m_options);
        PushLink *link = slot.get();
        connect(link, &PushLink::connected, this, [this] {
            place();
            updateConnected(QString());
        });
        connect(link, &PushLink::disconnected, this, [this, link] { onLinkDown(link); });
        connect(link, &PushLink::received, this,
            [this, link](const Reply &reply) { onReceived(link, reply); });
        if (m_open)
            link->open();
    }
    return slot.get();
}

void ShardedSubscriber::subscribe(const QByteArray &channel)
{
    if (m_channels.contains(channel))
        return;
    auto it = m_channels.insert(channel, Channel {});
    if (m_open && !placeOne(channel, *it) && !m_retry.isActive())
        m_retry.start(kRetryMs);
}

void ShardedSubscriber::unsubscribe(const QByteArray &channel)
{
    const auto it = m_channels.find(channel);
    if (it == m_channels.end())
        return;
    const QString node = it->placedOn;
    m_channels.erase(it);
    auto link = m_links.find(node);
    if (!node.isEmpty() && link != m_links.end()
        && link->second->send({ QByteArrayLiteral("SUNSUBSCRIBE"), channel }))
        m_sent[node].push_back({ false, channel });
}

bool ShardedSubscriber::isActive(const QByteArray &channel) const
{
    const auto it = m_channels.constFind(channel);
    return it != m_channels.cend() && it->active;
}

void ShardedSubscriber::unplace(Channel &channel)
{
    channel.missed = channel.missed || channel.active;
    channel.active = false;
    channel.placedOn.clear();
}

// Every wanted channel on the master of its slot (after the map or a link changed).
void ShardedSubscriber::place()
{
    if (!m_open)
        return;
    bool waiting = false;
    for (auto it = m_channels.begin(); it != m_channels.end(); ++it)
        waiting = !placeOne(it.key(), it.value()) || waiting;
    if (waiting && !m_retry.isActive())
        m_retry.start(kRetryMs);
}

// False: it waits for the map or for its master's link.
bool ShardedSubscriber::placeOne(const QByteArray &name, Channel &channel)
{
    const auto owner = m_router->map().owner(keySlot(name));
    if (!channel.placedOn.isEmpty()) {
        if (owner && owner->toString() == channel.placedOn)
            return true;
        // The map says the slot moved: leave the old node (Redis may have done it already).
        auto old = m_links.find(channel.placedOn);
        if (old != m_links.end() && old->second->send({ QByteArrayLiteral("SUNSUBSCRIBE"), name }))
            m_sent[channel.placedOn].push_back({ false, name });
        unplace(channel);
    }
    if (!owner)
        return false;
    PushLink *link = linkTo(*owner);
    if (!link->send({ QByteArrayLiteral("SSUBSCRIBE"), name }))
        return false; // placed once the link connects
    channel.placedOn = link->name();
    m_sent[channel.placedOn].push_back({ true, name });
    return true;
}

void ShardedSubscriber::onReceived(PushLink *link, const Reply &reply)
{
    const QString &node = link->name();
    if (reply.type == Reply::Type::Array && reply.elements.size() == 3
        && reply.elements[0].string == "smessage") {
        const QByteArray &name = reply.elements[1].string;
        const auto it = m_channels.constFind(name);
        if (it != m_channels.cend() && it->placedOn == node)
            Q_EMIT message(name, reply.elements[2].string);
        return;
    }
    std::deque<Sent> &sent = m_sent[node];
    if (reply.type == Reply::Type::Error) {
        // An error answers the oldest command: MOVED (our map is behind), CLUSTERDOWN, ...
        if (sent.empty())
            return;
        const Sent command = sent.front();
        sent.pop_front();
        const auto it = m_channels.find(command.channel);
        if (command.subscribe && it != m_channels.end() && it->placedOn == node) {
            qCDebug(lcRedis) << "SSUBSCRIBE refused:" << reply.string.constData();
            unplace(*it);
            m_router->refreshSoon();
            if (!m_retry.isActive())
                m_retry.start(kRetryMs);
        }
        return;
    }
    if (reply.type != Reply::Type::Array || reply.elements.size() < 3)
        return;
    const QByteArray &kind = reply.elements[0].string;
    const QByteArray &name = reply.elements[1].string;
    const auto it = m_channels.find(name);
    const bool subscribing = kind == "ssubscribe";
    if (!subscribing && kind != "sunsubscribe")
        return;
    const bool answersUs
        = !sent.empty() && sent.front().subscribe == subscribing && sent.front().channel == name;
    if (answersUs)
        sent.pop_front();
    if (it == m_channels.end() || it->placedOn != node)
        return; // a channel we left, or moved elsewhere since
    if (subscribing) {
        if (!answersUs || it->active)
            return;
        it->active = true;
        const bool afterReconnect = std::exchange(it->missed, false);
        Q_EMIT subscribed(name, afterReconnect);
    } else if (!answersUs) {
        // Redis unsubscribed us itself: the slot left this node (migrated, or a failover made
        // this node a replica). Find the new owner.
        qCInfo(lcRedis) << "a sharded channel's slot left" << node << "; subscribing again";
        unplace(*it);
        m_router->refreshSoon();
        if (!m_retry.isActive())
            m_retry.start(kRetryMs);
    }
}

void ShardedSubscriber::onLinkDown(PushLink *link)
{
    const QString &node = link->name();
    m_sent.remove(node);
    for (Channel &channel : m_channels) {
        if (channel.placedOn == node)
            unplace(channel);
    }
    m_router->refreshSoon();
    if (m_open && !m_retry.isActive())
        m_retry.start(kRetryMs);
    updateConnected(tr("the sharded pub/sub link to %1 dropped").arg(node)); // may delete us
}

void ShardedSubscriber::updateConnected(const QString &reason)
{
    bool now = m_open && m_router->isReady();
    for (const NodeAddress &master : m_router->map().masters()) {
        if (!now)
            break;
        auto it = m_links.find(master.toString());
        now = it != m_links.end() && it->second->isConnected();
        if (it == m_links.end())
            linkTo(master);
    }
    if (now == m_connected)
        return;
    m_connected = now;
    if (now)
        Q_EMIT connected();
    else
        Q_EMIT disconnected(reason.isEmpty() ? tr("not every master has a pub/sub link") : reason);
}

} // namespace pc::redis
