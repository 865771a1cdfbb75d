#include "connection.h"

#include "clusterrouter.h"
#include "link.h"

#include <chrono>

namespace pc::redis {

namespace {

    // These would put the link into pub/sub or RESP3 mode, which a command connection (and
    // hiredis 0.14, which aborts on SSUBSCRIBE) cannot handle.
    bool isForbidden(const QByteArray &command)
    {
        static const QList<QByteArray> forbidden = {
            "subscribe",
            "psubscribe",
            "ssubscribe",
            "unsubscribe",
            "punsubscribe",
            "sunsubscribe",
            "monitor",
            "hello",
            "reset",
        };
        return forbidden.contains(command.toLower());
    }

} // namespace

Connection::Connection(Options options, QObject *parent)
    : QObject(parent), m_options(std::move(options))
{
    if (m_options.url.isCluster()) {
        m_cluster = std::make_unique<ClusterRouter>(m_options);
        connect(m_cluster.get(), &ClusterRouter::ready, this, &Connection::connected);
        connect(m_cluster.get(), &ClusterRouter::lost, this, &Connection::disconnected);
        return;
    }
    m_link = std::make_unique<Link>(m_options, Link::Role::Commands);
    connect(m_link.get(), &Link::connected, this, [this] {
        for (const Script &script : std::as_const(m_preloaded))
            m_link->send({ "SCRIPT", "LOAD", script.source() }, {});
        Q_EMIT connected();
    });
    connect(m_link.get(), &Link::disconnected, this, &Connection::disconnected);
}

// ~Link drops pending handlers; queued ones die with this object as their context.
Connection::~Connection() = default;

const Script &Connection::variantOf(const Script &script)
{
    if (!m_variant)
        return script;
    auto it = m_variants.find(script.sha1());
    if (it == m_variants.end())
        it = m_variants.insert(script.sha1(), m_variant(script));
    return *it;
}

void Connection::preload(const Script &written)
{
    const Script &script = variantOf(written);
    m_preloaded.append(script);
    if (m_cluster)
        return m_cluster->addPreload({ "SCRIPT", "LOAD", script.source() });
    if (isConnected())
        m_link->send({ "SCRIPT", "LOAD", script.source() }, {});
}

void Connection::open()
{
    if (m_cluster)
        return m_cluster->open();
    m_link->open();
}

void Connection::close()
{
    if (m_cluster)
        return m_cluster->close();
    m_link->close();
}

bool Connection::isConnected() const
{
    return m_cluster ? m_cluster->isReady() : m_link->isConnected();
}

void Connection::command(const QList<QByteArray> &args, ReplyHandler handler)
{
    Reply refusal;
    if (args.isEmpty()) {
        refusal = Reply::error(QByteArrayLiteral("ERR empty command"));
    } else if (isForbidden(args.first())) {
        qCWarning(lcRedis) << "refused" << args.first().toUpper().constData()
                           << "on a command connection: use a Subscriber";
        refusal = Reply::error(QByteArrayLiteral("ERR not allowed on a command connection"));
    } else if (m_cluster) {
        return m_cluster->send(commandSlot(args), args, std::move(handler));
    } else if (m_link->send(args, handler)) {
        return;
    } else {
        refusal = Reply::disconnected();
    }
    // Never synchronously: callers must not see their handler run inside command().
    if (handler) {
        QMetaObject::invokeMethod(
            this, [handler = std::move(handler), refusal] { handler(refusal); },
            Qt::QueuedConnection);
    }
}

void Connection::eval(const Script &written, const QList<QByteArray> &keys,
    const QList<QByteArray> &args, ReplyHandler handler)
{
    const Script &script = variantOf(written);
    QList<QByteArray> command;
    command.reserve(3 + keys.size() + args.size());
    command << QByteArrayLiteral("EVALSHA") << script.sha1() << QByteArray::number(keys.size())
            << keys << args;
    // The handler runs only while this Connection lives (the Link drops it otherwise).
    auto retry = [this, command, source = script.source(), handler = std::move(handler),
                     started = std::chrono::steady_clock::now()](const Reply &reply) mutable {
        if (m_roundTrip && !reply.isError())
            m_roundTrip(std::chrono::steady_clock::now() - started);
        if (reply.type == Reply::Type::Error && reply.string.startsWith("NOSCRIPT")) {
            // Redis restarted or SCRIPT FLUSH ran: EVAL runs the script and caches it again.
            qCDebug(lcRedis) << "script" << command[1].left(12).constData()
                             << "not cached by Redis; sending EVAL";
            command[0] = QByteArrayLiteral("EVAL");
            command[1] = source;
            this->command(command, std::move(handler));
            return;
        }
        if (handler)
            handler(reply);
    };
    this->command(command, std::move(retry));
}

} // namespace pc::redis
