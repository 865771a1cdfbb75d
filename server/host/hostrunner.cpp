#include "hostrunner.h"

#include "embeddedredis.h"
#include "hostlog.h"
#include "roomhost.h"

#include "redis/options.h"

namespace pc::host {

HostRunner::HostRunner(QObject *parent)
    : QObject(parent), m_giveUp(this) // a child, so it moves threads with us
{
    m_giveUp.setSingleShot(true);
    connect(&m_giveUp, &QTimer::timeout, this, [this] {
        fail(m_embedded ? tr("The room host could not reach its private Redis.")
                        : tr("cannot reach Redis at %1: start it, or run without --redis to use "
                             "a private one")
                              .arg(m_options.redis->toString()));
    });
}

HostRunner::~HostRunner()
{
    tearDown();
}

QString HostRunner::url() const
{
    return m_listening ? m_host->url() : QString();
}

QString HostRunner::listeningLines() const
{
    return m_listening ? listeningLines(m_host->url(), m_host->tlsFingerprint()) : QString();
}

QString HostRunner::listeningLines(const QString &url, const QString &fingerprint)
{
    QString lines = QStringLiteral("listening on %1\n").arg(url);
    if (!fingerprint.isEmpty())
        lines += QStringLiteral("fingerprint: %1\n").arg(fingerprint);
    return lines;
}

void HostRunner::start(const HostOptions &host, const Options &options)
{
    tearDown();
    m_hostOptions = host;
    m_options = options;
    if (!m_options.redis) {
        m_embedded = std::make_unique<EmbeddedRedis>();
        // Blocks this thread (in the app: the hosting thread, not the UI) until it answers.
        if (!m_embedded->start(m_options.redisTimeoutMs)) {
            fail(tr("Could not start the private Redis: %1").arg(m_embedded->errorString()));
            return;
        }
        connect(m_embedded.get(), &EmbeddedRedis::unexpectedExit, this,
            [this](const QString &why) { fail(tr("The private Redis stopped: %1").arg(why)); });
    }
    createHost(m_hostOptions.port);
}

void HostRunner::createHost(quint16 port)
{
    HostOptions options = m_hostOptions;
    options.port = port;
    redis::Options redisOptions;
    redisOptions.url = m_embedded ? m_embedded->url() : *m_options.redis;
    m_listening = false;
    m_host = std::make_unique<RoomHost>(options, redisOptions);
    connect(m_host.get(), &RoomHost::redisReady, this, &HostRunner::onRedisReady);
    m_host->connectRedis();
    m_giveUp.start(m_options.redisTimeoutMs);
}

void HostRunner::onRedisReady()
{
    m_giveUp.stop();
    if (m_listening)
        return; // Redis came back after a blip: nothing to do
    QString error;
    if (m_host->listen(&error)) {
        m_listening = true;
        Q_EMIT started(m_host->address(), m_host->port());
        return;
    }
    if (m_options.fallbackToFreePort) {
        qCInfo(lcHost) << "port taken, using a free one:" << error;
        m_options.fallbackToFreePort = false;
        // Not from inside the host's own signal: replace it on the next turn of the loop.
        QMetaObject::invokeMethod(
            this,
            [this] {
                m_host.reset();
                createHost(0);
            },
            Qt::QueuedConnection);
        return;
    }
    fail(error);
}

void HostRunner::fail(const QString &error)
{
    m_giveUp.stop();
    // Tear down on the next turn: fail() may run inside a signal of what it destroys.
    QMetaObject::invokeMethod(this, &HostRunner::tearDown, Qt::QueuedConnection);
    Q_EMIT failed(error);
}

void HostRunner::stop()
{
    m_giveUp.stop();
    if (!m_host) {
        tearDown();
        Q_EMIT stopped();
        return;
    }
    m_host->shutdown();
    QTimer::singleShot(m_options.closeGraceMs, this, [this] {
        tearDown();
        Q_EMIT stopped();
    });
}

void HostRunner::stopNow()
{
    m_giveUp.stop();
    tearDown();
}

void HostRunner::tearDown()
{
    // The host's sessions and Redis links go before the Redis they talk to.
    m_host.reset();
    m_listening = false;
    if (m_embedded) {
        m_embedded->disconnect(this);
        m_embedded->stop();
        m_embedded.reset();
    }
}

} // namespace pc::host
