#include "testcluster.h"

#include "testhost.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTest>
#include <QThread>

#include <csignal>

namespace pc::test {

namespace {

    // A port free for a node and for its cluster bus (port + 10000).
    quint16 freeNodePort(const QList<quint16> &taken)
    {
        for (int attempt = 0; attempt < 200; ++attempt) {
            QTcpServer probe;
            if (!probe.listen(QHostAddress::LocalHost, 0))
                return 0;
            const quint16 port = probe.serverPort();
            if (port > 55000 || taken.contains(port))
                continue;
            QTcpServer bus;
            if (bus.listen(QHostAddress::LocalHost, quint16(port + 10000)))
                return port;
        }
        return 0;
    }

    QString redisServer()
    {
        const QString configured = qEnvironmentVariable("PC_REDIS_SERVER");
        return configured.isEmpty() ? QStandardPaths::findExecutable(QStringLiteral("redis-server"))
                                    : configured;
    }

} // namespace

TestCluster::TestCluster(int masters, int replicasPerMaster)
    : m_masters(masters), m_replicas(replicasPerMaster)
{
}

TestCluster::~TestCluster()
{
    for (const auto &node : std::as_const(m_nodes)) {
        if (node->process) {
            node->process->kill();
            node->process->waitForFinished(2000);
        }
    }
}

bool TestCluster::launch(Node &node)
{
    const QString dir = m_dir.filePath(QString::number(node.port));
    QDir().mkpath(dir);
    node.process = std::make_unique<QProcess>();
    node.process->setProcessChannelMode(QProcess::MergedChannels);
    node.process->setStandardOutputFile(dir + QStringLiteral("/log"));
    node.process->setChildProcessModifier(dieWithParent);
    node.process->start(redisServer(),
        { QStringLiteral("--port"), QString::number(node.port), QStringLiteral("--bind"),
            QStringLiteral("127.0.0.1"), QStringLiteral("--cluster-enabled"), QStringLiteral("yes"),
            QStringLiteral("--cluster-config-file"), dir + QStringLiteral("/nodes.conf"),
            QStringLiteral("--cluster-node-timeout"), QStringLiteral("1000"),
            QStringLiteral("--save"), QString(), QStringLiteral("--appendonly"),
            QStringLiteral("no"), QStringLiteral("--dir"), dir });
    return node.process->waitForStarted(5000);
}

bool TestCluster::alive(quint16 port) const
{
    return cli(port, { QStringLiteral("PING") }) == "PONG";
}

bool TestCluster::start(int timeoutMs)
{
    const QDeadlineTimer deadline(timeoutMs);
    if (!m_dir.isValid() || redisServer().isEmpty())
        return false;
    QList<quint16> taken;
    const int count = m_masters * (1 + m_replicas);
    for (int i = 0; i < count; ++i) {
        auto node = std::make_shared<Node>();
        node->port = freeNodePort(taken);
        if (node->port == 0 || !launch(*node))
            return false;
        taken.append(node->port);
        m_nodes.append(node);
    }
    for (const auto &node : std::as_const(m_nodes)) {
        while (!alive(node->port)) {
            if (deadline.hasExpired())
                return false;
            // Another program took the port between our probe and redis-server's bind.
            if (node->process->state() == QProcess::NotRunning) {
                node->port = freeNodePort(taken);
                taken.append(node->port);
                if (node->port == 0 || !launch(*node))
                    return false;
            }
            QTest::qWait(20);
        }
    }
    QStringList create { QStringLiteral("--cluster"), QStringLiteral("create") };
    for (quint16 port : ports())
        create.append(QStringLiteral("127.0.0.1:%1").arg(port));
    create << QStringLiteral("--cluster-replicas") << QString::number(m_replicas)
           << QStringLiteral("--cluster-yes");
    QProcess cli;
    cli.setProcessChannelMode(QProcess::MergedChannels);
    cli.start(QStringLiteral("redis-cli"), create);
    if (!cli.waitForFinished(int(deadline.remainingTime())) || cli.exitCode() != 0) {
        qWarning() << "redis-cli --cluster create failed:" << cli.readAll();
        return false;
    }
    return waitHealthy(int(deadline.remainingTime()))
        && waitReplicasInSync(int(deadline.remainingTime()));
}

redis::Url TestCluster::url() const
{
    redis::Url url;
    url.kind = redis::Url::Kind::Cluster;
    for (const auto &node : m_nodes)
        url.seeds.append({ QStringLiteral("127.0.0.1"), node->port });
    url.host = url.seeds.value(0).host;
    url.port = url.seeds.value(0).port;
    return url;
}

QList<quint16> TestCluster::ports() const
{
    QList<quint16> ports;
    for (const auto &node : m_nodes)
        ports.append(node->port);
    return ports;
}

QByteArray TestCluster::cli(quint16 port, const QStringList &args) const
{
    QProcess cli;
    cli.start(QStringLiteral("redis-cli"),
        QStringList { QStringLiteral("-p"), QString::number(port) } + args);
    cli.waitForFinished(5000);
    return cli.readAllStandardOutput().trimmed();
}

QList<quint16> TestCluster::masters() const
{
    QList<quint16> masters;
    for (const auto &node : m_nodes) {
        if (!node->process || node->process->state() != QProcess::Running)
            continue;
        const QByteArray nodes
            = cli(node->port, { QStringLiteral("CLUSTER"), QStringLiteral("NODES") });
        for (const QByteArray &line : nodes.split('\n')) {
            const QList<QByteArray> f = line.split(' ');
            // id addr flags master ping pong epoch link slot...
            if (f.size() < 9 || !f[2].contains("master") || f[2].contains("fail"))
                continue;
            const QByteArray addr = f[1].left(f[1].indexOf('@'));
            masters.append(quint16(addr.mid(addr.lastIndexOf(':') + 1).toUInt()));
        }
        break;
    }
    std::sort(masters.begin(), masters.end());
    return masters;
}

quint16 TestCluster::ownerOf(int slot) const
{
    for (const auto &node : m_nodes) {
        if (!node->process || node->process->state() != QProcess::Running)
            continue;
        const QByteArray slots
            = cli(node->port, { QStringLiteral("CLUSTER"), QStringLiteral("SLOTS") });
        // redis-cli prints the nested reply flat: start, end, host, port, id, (replica...)...
        const QList<QByteArray> lines = slots.split('\n');
        for (qsizetype i = 0; i + 3 < lines.size(); ++i) {
            bool okStart = false, okEnd = false;
            const int start = lines[i].toInt(&okStart);
            const int end = lines[i + 1].toInt(&okEnd);
            if (okStart && okEnd && lines[i + 2] == "127.0.0.1" && start <= slot && slot <= end)
                return quint16(lines[i + 3].toUInt());
        }
        return 0;
    }
    return 0;
}

int TestCluster::keySlot(const QByteArray &key) const
{
    for (const auto &node : m_nodes) {
        if (node->process && node->process->state() == QProcess::Running)
            return cli(node->port,
                { QStringLiteral("CLUSTER"), QStringLiteral("KEYSLOT"), QString::fromUtf8(key) })
                .toInt();
    }
    return -1;
}

QString TestCluster::nodeId(quint16 port) const
{
    return QString::fromLatin1(cli(port, { QStringLiteral("CLUSTER"), QStringLiteral("MYID") }));
}

bool TestCluster::migrateSlot(int slot, quint16 to, int pauseMs)
{
    const quint16 from = ownerOf(slot);
    if (from == 0 || from == to)
        return false;
    const QString s = QString::number(slot);
    const QString fromId = nodeId(from);
    const QString toId = nodeId(to);
    const QString setslot = QStringLiteral("SETSLOT");
    const QString cluster = QStringLiteral("CLUSTER");
    if (cli(to, { cluster, setslot, s, QStringLiteral("IMPORTING"), fromId }) != "OK"
        || cli(from, { cluster, setslot, s, QStringLiteral("MIGRATING"), toId }) != "OK")
        return false;
    QThread::msleep(pauseMs);
    for (;;) {
        const QByteArray keys
            = cli(from, { cluster, QStringLiteral("GETKEYSINSLOT"), s, QStringLiteral("100") });
        if (keys.isEmpty())
            break;
        QStringList migrate { QStringLiteral("MIGRATE"), QStringLiteral("127.0.0.1"),
            QString::number(to), QString(), QStringLiteral("0"), QStringLiteral("5000"),
            QStringLiteral("KEYS") };
        for (const QByteArray &key : keys.split('\n'))
            migrate.append(QString::fromLatin1(key));
        const QByteArray answer = cli(from, migrate);
        if (answer != "OK" && answer != "NOKEY") {
            qWarning() << "MIGRATE:" << answer;
            return false;
        }
    }
    QThread::msleep(pauseMs);
    // The new owner first, then the old one, then everyone (as redis-cli does).
    for (quint16 port : { to, from }) {
        if (cli(port, { cluster, setslot, s, QStringLiteral("NODE"), toId }) != "OK")
            return false;
    }
    for (quint16 port : masters()) {
        if (port != to && port != from)
            cli(port, { cluster, setslot, s, QStringLiteral("NODE"), toId });
    }
    return true;
}

void TestCluster::kill(quint16 port)
{
    for (const auto &node : std::as_const(m_nodes)) {
        if (node->port == port && node->process) {
            node->process->kill();
            node->process->waitForFinished(2000);
            node->process.reset();
        }
    }
}

bool TestCluster::waitHealthy(int timeoutMs) const
{
    const QDeadlineTimer deadline(timeoutMs);
    for (;;) {
        bool healthy = true;
        for (const auto &node : m_nodes) {
            if (!node->process || node->process->state() != QProcess::Running)
                continue;
            const QByteArray info
                = cli(node->port, { QStringLiteral("CLUSTER"), QStringLiteral("INFO") });
            if (!info.contains("cluster_state:ok") || !info.contains("cluster_slots_ok:16384")) {
                healthy = false;
                break;
            }
        }
        if (healthy)
            return true;
        if (deadline.hasExpired())
            return false;
        QTest::qWait(50);
    }
}

bool TestCluster::waitReplicasInSync(int timeoutMs) const
{
    const QDeadlineTimer deadline(timeoutMs);
    for (;;) {
        int inSync = 0;
        for (const auto &node : m_nodes) {
            if (!node->process || node->process->state() != QProcess::Running)
                continue;
            const QByteArray info
                = cli(node->port, { QStringLiteral("INFO"), QStringLiteral("replication") });
            if (info.contains("role:slave") && info.contains("master_link_status:up"))
                ++inSync;
        }
        if (inSync >= m_masters * m_replicas)
            return true;
        if (deadline.hasExpired())
            return false;
        QTest::qWait(50);
    }
}

} // namespace pc::test
