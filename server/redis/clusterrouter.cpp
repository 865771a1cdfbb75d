#include "clusterrouter.h"

#include "link.h"

namespace pc::redis {

namespace {

    constexpr int kTickMs = 50;
    constexpr int kMaxRedirects = 16;
    constexpr int kTryAgainMs = 50;
    constexpr int kPeriodicRefreshMs = 5000; // topology changes nobody told us about

    // "MOVED 3999 127.0.0.1:6381" / "ASK 3999 127.0.0.1:6381": the slot and the node.
    std::optional<std::pair<int, NodeAddress>> redirection(const QByteArray &error)
    {
        const QList<QByteArray> words = error.split(' ');
        if (words.size() != 3)
            return std::nullopt;
        const qsizetype colon = words[2].lastIndexOf(':');
        if (colon <= 0)
            return std::nullopt;
        bool slotOk = false, portOk = false;
        const int slot = words[1].toInt(&slotOk);
        const int port = words[2].mid(colon + 1).toInt(&portOk);
        if (!slotOk || !portOk || slot < 0 || slot >= kClusterSlots || port <= 0 || port > 65535)
            return std::nullopt;
        QByteArray host = words[2].left(colon);
        if (host.startsWith('[') && host.endsWith(']'))
            host = host.mid(1, host.size() - 2);
        return std::pair { slot, NodeAddress { QString::fromUtf8(host), quint16(port) } };
    }

} // namespace

ClusterRouter::ClusterRouter(Options options, QObject *parent)
    : QObject(parent), m_options(std::move(options))
{
    m_tick.setInterval(kTickMs);
    connect(&m_tick, &QTimer::timeout, this, &ClusterRouter::tick);
}

ClusterRouter::~ClusterRouter() = default;

void ClusterRouter::open()
{
    if (m_open)
        return;
    m_open = true;
    for (auto &[name, link] : m_links)
        link->open(); // after close(): the nodes we knew
    for (const NodeAddress &seed : std::as_const(m_options.url.seeds))
        linkTo(seed);
    m_refreshWanted = true;
    m_tick.start();
}

void ClusterRouter::close()
{
    m_open = false;
    m_tick.stop();
    for (auto &[name, link] : m_links)
        link->close(); // in-flight handlers get Reply::disconnected() from the event loop
    for (Request &request : std::exchange(m_parked, {})) {
        QMetaObject::invokeMethod(
            this, [handler = std::move(request.handler)] { handler(Reply::disconnected()); },
            Qt::QueuedConnection);
    }
    updateReady(tr("closed"));
}

Link *ClusterRouter::linkTo(const NodeAddress &node)
{
    auto &slot = m_links[node.toString()];
    if (!slot) {
        Options options = m_options;
        options.url = Url {};
        options.url.kind = Url::Kind::Tcp;
        options.url.host = node.host;
        options.url.port = node.port;
        slot = std::make_unique<Link>(options, Link::Role::Commands);
        Link *link = slot.get();
        connect(link, &Link::connected, this, [this, link] {
            for (const QList<QByteArray> &preload : std::as_const(m_preloads))
                link->send(preload, {});
            if (!m_haveMap)
                m_refreshWanted = true;
            updateReady(QString());
            flushParked();
        });
        connect(link, &Link::disconnected, this, [this, node](const QString &reason) {
            m_refreshWanted = true; // its slots may have a new master soon
            updateReady(tr("%1: %2").arg(node.toString(), reason));
        });
        if (m_open)
            link->open();
    }
    return slot.get();
}

void ClusterRouter::addPreload(const QList<QByteArray> &args)
{
    m_preloads.append(args);
    for (auto &[name, link] : m_links) {
        if (link->isConnected())
            link->send(args, {});
    }
}

void ClusterRouter::send(int slot, const QList<QByteArray> &args, ReplyHandler handler)
{
    Request request;
    request.slot = slot;
    request.args = args;
    request.handler = handler ? std::move(handler) : ReplyHandler([](const Reply &) {});
    request.deadline = QDeadlineTimer(qMax(0, m_options.clusterWaitMs));
    dispatch(std::move(request), true);
}

Link *ClusterRouter::readyLinkFor(const Request &request)
{
    if (request.askTarget) {
        Link *link = linkTo(*request.askTarget);
        return link->isConnected() ? link : nullptr;
    }
    if (request.slot < 0) {
        for (const NodeAddress &master : m_map.masters()) {
            auto it = m_links.find(master.toString());
            if (it != m_links.end() && it->second->isConnected())
                return it->second.get();
        }
        for (auto &[name, link] : m_links) { // no map yet: a seed
            if (link->isConnected())
                return link.get();
        }
        return nullptr;
    }
    const int owner = m_map.ownerIndex(request.slot);
    if (owner < 0)
        return nullptr;
    Link *link = m_masterLinks.value(owner);
    return link && link->isConnected() ? link : nullptr;
}

void ClusterRouter::indexMasterLinks()
{
    m_masterLinks.clear();
    for (const NodeAddress &master : m_map.masters())
        m_masterLinks.append(linkTo(master));
}

void ClusterRouter::dispatch(Request request, bool fresh)
{
    // A slot's commands keep their order: a new one waits behind those already waiting.
    const bool queueBehind = fresh
        && std::any_of(m_parked.cbegin(), m_parked.cend(),
            [&](const Request &parked) { return parked.slot == request.slot; });
    Link *link = queueBehind || !m_open || !request.notBefore.hasExpired() ? nullptr
                                                                           : readyLinkFor(request);
    if (!link) {
        m_parked.push_back(std::move(request));
        return;
    }
    if (request.askTarget)
        link->send({ QByteArrayLiteral("ASKING") }, {}); // for the next command on this link only
    const QList<QByteArray> args = request.args;
    link->send(args, [this, request = std::move(request)](const Reply &reply) mutable {
        onReply(std::move(request), reply);
    });
}

void ClusterRouter::onReply(Request request, const Reply &reply)
{
    if (reply.type == Reply::Type::Error && request.redirects < kMaxRedirects) {
        const QByteArray &error = reply.string;
        if (error.startsWith("MOVED ")) {
            if (const auto moved = redirection(error)) {
                noteMoved(moved->first, moved->second);
                ++request.redirects;
                request.askTarget.reset();
                dispatch(std::move(request), false);
                return;
            }
        } else if (error.startsWith("ASK ")) {
            if (const auto ask = redirection(error)) {
                ++request.redirects;
                request.askTarget = ask->second;
                dispatch(std::move(request), false);
                return;
            }
        } else if (error.startsWith("TRYAGAIN") || error.startsWith("CLUSTERDOWN")) {
            // A slot half-migrated (a script's keys on both sides) or a cluster electing a
            // master: the same command succeeds shortly, within the request's deadline.
            if (!request.deadline.hasExpired()) {
                request.askTarget.reset();
                request.notBefore = QDeadlineTimer(kTryAgainMs);
                m_parked.push_back(std::move(request));
                if (error.startsWith("CLUSTERDOWN"))
                    m_refreshWanted = true;
                return;
            }
        }
    }
    request.handler(reply);
}

void ClusterRouter::noteMoved(int slot, const NodeAddress &node)
{
    m_map.setOwner(slot, node);
    indexMasterLinks();
    m_refreshWanted = true;
}

void ClusterRouter::refreshSoon()
{
    m_refreshWanted = true;
}

void ClusterRouter::tick()
{
    if (!m_open)
        return;
    if (m_nextPeriodicRefresh.hasExpired()) {
        m_nextPeriodicRefresh = QDeadlineTimer(kPeriodicRefreshMs);
        m_refreshWanted = true;
    }
    if (m_refreshWanted || !m_ready)
        refresh();
    flushParked();
}

void ClusterRouter::flushParked()
{
    std::deque<Request> parked = std::exchange(m_parked, {});
    QList<ReplyHandler> expired;
    for (Request &request : parked) {
        if (request.deadline.hasExpired()) {
            expired.append(std::move(request.handler));
            continue;
        }
        dispatch(std::move(request), true);
    }
    for (const ReplyHandler &handler : expired)
        handler(Reply::disconnected()); // never sent: it did not run
}

void ClusterRouter::refresh()
{
    if (m_refreshing)
        return;
    // Ask a master we know first: a seed may since have become a replica that lags.
    std::optional<NodeAddress> asked;
    Link *link = nullptr;
    for (const NodeAddress &master : m_map.masters()) {
        auto it = m_links.find(master.toString());
        if (it != m_links.end() && it->second->isConnected()) {
            asked = master;
            link = it->second.get();
            break;
        }
    }
    if (!link) {
        for (const NodeAddress &seed : std::as_const(m_options.url.seeds)) {
            Link *candidate = linkTo(seed);
            if (candidate->isConnected()) {
                asked = seed;
                link = candidate;
                break;
            }
        }
    }
    if (!link) {
        for (auto &[name, candidate] : m_links) {
            if (candidate->isConnected()) {
                const qsizetype colon = name.lastIndexOf(u':');
                asked = NodeAddress { name.left(colon).remove(u'[').remove(u']'),
                    quint16(name.mid(colon + 1).toUInt()) };
                link = candidate.get();
                break;
            }
        }
    }
    if (!link)
        return;
    m_refreshing = true;
    m_refreshWanted = false;
    link->send({ QByteArrayLiteral("CLUSTER"), QByteArrayLiteral("SLOTS") },
        [this, asked = *asked](const Reply &reply) { onSlots(asked, reply); });
}

void ClusterRouter::onSlots(const NodeAddress &asked, const Reply &reply)
{
    m_refreshing = false;
    auto map = SlotMap::fromClusterSlots(reply, asked);
    if (!map) {
        m_refreshWanted = true;
        return;
    }
    const bool changed = !m_haveMap || map->masters() != m_map.masters() || [&] {
        for (int slot = 0; slot < kClusterSlots; ++slot) {
            if (map->owner(slot) != m_map.owner(slot))
                return true;
        }
        return false;
    }();
    m_map = std::move(*map);
    m_haveMap = true;
    indexMasterLinks();
    updateReady(tr("not every slot has a reachable master"));
    if (changed)
        Q_EMIT mapChanged();
    flushParked();
}

void ClusterRouter::updateReady(const QString &reason)
{
    bool nowReady = m_open && m_haveMap && m_map.coversAllSlots();
    for (const NodeAddress &master : m_map.masters()) {
        if (!nowReady)
            break;
        auto it = m_links.find(master.toString());
        nowReady = it != m_links.end() && it->second->isConnected();
    }
    if (nowReady == m_ready)
        return;
    m_ready = nowReady;
    if (nowReady) {
        qCInfo(lcRedis) << "cluster ready:" << m_map.masters().size() << "masters";
        Q_EMIT ready();
    } else {
        qCWarning(lcRedis) << "cluster not ready:" << reason;
        Q_EMIT lost(reason.isEmpty() ? tr("not every slot has a reachable master") : reason);
    }
}

} // namespace pc::redis
