#include "testhost.h"

#include <QTest>

#include <csignal>
#include <sys/prctl.h>
#include <sys/resource.h>

namespace pc::test {

void dieWithParent()
{
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
}

TestHost::TestHost(host::HostOptions options, host::EmbeddedRedis *redis)
    : m_options(std::move(options)), m_redis(redis)
{
    m_options.address = QHostAddress::LocalHost;
    m_options.port = 0;
    if (!m_redis) {
        m_ownRedis = std::make_unique<host::EmbeddedRedis>();
        m_redis = m_ownRedis.get();
    }
}

TestHost::TestHost(host::HostOptions options, const redis::Url &redis)
    : m_options(std::move(options)), m_redisUrl(redis)
{
    m_options.address = QHostAddress::LocalHost;
    m_options.port = 0;
}

TestHost::~TestHost()
{
    m_host.reset();
}

bool TestHost::start()
{
    if (m_redis && !m_redis->isRunning() && !m_redis->start()) {
        qWarning() << "redis:" << m_redis->errorString();
        return false;
    }
    return restartHost();
}

void TestHost::stopHost()
{
    m_host.reset();
}

bool TestHost::restartHost()
{
    redis::Options redisOptions;
    redisOptions.url = m_redisUrl ? *m_redisUrl : m_redis->url();
    if (m_redisUrl) { // a cluster's failover: the promoted replica is reached fast
        redisOptions.minReconnectDelayMs = 50;
        redisOptions.maxReconnectDelayMs = 500;
    }
    host::HostOptions options = m_options;
    options.port = m_port;
    m_host = std::make_unique<host::RoomHost>(options, redisOptions);
    m_host->connectRedis();
    if (!QTest::qWaitFor([this] { return m_host->isRedisConnected(); }, 5000))
        return false;
    QString error;
    if (!m_host->listen(&error)) {
        qWarning() << error;
        return false;
    }
    m_port = m_host->port();
    return true;
}

QUrl TestHost::url() const
{
    return QUrl(QStringLiteral("ws://127.0.0.1:%1/api/realtime").arg(m_port));
}

QByteArray TestHost::redisCli(const QStringList &args) const
{
    QProcess cli;
    cli.start(QStringLiteral("redis-cli"),
        QStringList { QStringLiteral("-s"), m_redis->socketPath() } + args);
    cli.waitForFinished(5000);
    return cli.readAllStandardOutput();
}

QStringList TestHost::keysContaining(const QString &text) const
{
    const QByteArray out = redisCli({ QStringLiteral("--scan"), QStringLiteral("--pattern"),
        QStringLiteral("*") + text + QStringLiteral("*") });
    QStringList keys = QString::fromUtf8(out).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    keys.sort();
    return keys;
}

ServerProcess::ServerProcess(const QStringList &arguments) : m_arguments(arguments)
{
    m_process.setChildProcessModifier(dieWithParent);
}

void ServerProcess::setFileLimit(int soft, int hard)
{
    m_process.setChildProcessModifier([soft, hard] {
        dieWithParent();
        const rlimit limit { rlim_t(soft), rlim_t(hard) };
        ::setrlimit(RLIMIT_NOFILE, &limit);
    });
}

ServerProcess::~ServerProcess()
{
    if (m_process.state() != QProcess::NotRunning) {
        m_process.terminate();
        if (!m_process.waitForFinished(5000))
            m_process.kill();
        m_process.waitForFinished(1000);
    }
}

bool ServerProcess::start(int timeoutMs)
{
    QProcessEnvironment environment = m_process.processEnvironment();
    if (environment.isEmpty())
        environment = QProcessEnvironment::systemEnvironment();
    if (!environment.contains(QStringLiteral("XDG_STATE_HOME"))) {
        environment.insert(QStringLiteral("XDG_STATE_HOME"), m_state.path());
        environment.remove(QStringLiteral("STATE_DIRECTORY"));
    }
    m_process.setProcessEnvironment(environment);
    m_process.start(qEnvironmentVariable("PC_SERVER_BINARY"), m_arguments);
    if (!m_process.waitForStarted(timeoutMs))
        return false;
    const auto nextLine = [this, timeoutMs] {
        if (!QTest::qWaitFor([this] { return m_process.canReadLine(); }, timeoutMs))
            return QString();
        return QString::fromUtf8(m_process.readLine()).trimmed();
    };
    m_line = nextLine();
    const QString prefix = QStringLiteral("listening on ");
    if (!m_line.startsWith(prefix))
        return false;
    m_url = QUrl(m_line.mid(prefix.size()));
    if (m_url.scheme() == QLatin1StringView("wss")) {
        const QString line = nextLine();
        const QString fingerprintPrefix = QStringLiteral("fingerprint: ");
        if (!line.startsWith(fingerprintPrefix))
            return false;
        m_fingerprint = line.mid(fingerprintPrefix.size());
    }
    return m_url.isValid();
}

QUrl ServerProcess::url() const
{
    return plainUrl(m_url);
}

QUrl plainUrl(QUrl url)
{
    if (url.scheme() == QLatin1StringView("wss"))
        url.setScheme(QStringLiteral("ws"));
    return url;
}

} // namespace pc::test
