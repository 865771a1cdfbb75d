#include "hostworker.h"

#include "host/embeddedredis.h"
#include "host/roomhost.h"

#include <QLoggingCategory>

Q_LOGGING_CATEGORY(lcHosting, "pc.app.hosting")

namespace pc::hosting {

namespace {
    constexpr int kRedisTimeoutMs = 5000;
    constexpr int kCloseGraceMs = 300;
} // namespace

HostWorker::HostWorker(QObject *parent)
    : QObject(parent), m_giveUp(this) // a child, so it moves to the worker thread with us
{
    m_giveUp.setSingleShot(true);
    connect(&m_giveUp, &QTimer::timeout, this,
        [this] { fail(tr("The room host could not reach its Redis.")); });
}

HostWorker::~HostWorker()
{
    tearDown();
}

void HostWorker::start(const QHostAddress &address, quint16 port, bool fallback)
{
    tearDown();
    m_address = address;
    m_fallback = fallback;
    m_redis = std::make_unique<host::EmbeddedRedis>();
    // Blocks this worker thread (not the UI) until redis-server answers.
    if (!m_redis->start(kRedisTimeoutMs)) {
        fail(tr("Could not start the private Redis: %1").arg(m_redis->errorString()));
        return;
    }
    connect(m_redis.get(), &host::EmbeddedRedis::unexpectedExit, this,
        [this](const QString &why) { fail(tr("The private Redis stopped: %1").arg(why)); });
    createHost(port);
}

void HostWorker::createHost(quint16 port)
{
    host::HostOptions options;
    options.address = m_address;
    options.port = port;
    redis::Options redisOptions;
    redisOptions.url = m_redis->url();
    m_listening = false;
    m_host = std::make_unique<host::RoomHost>(options, redisOptions);
    connect(m_host.get(), &host::RoomHost::redisReady, this, &HostWorker::onRedisReady);
    m_host->connectRedis();
    m_giveUp.start(kRedisTimeoutMs);
}

void HostWorker::onRedisReady()
{
    m_giveUp.stop();
    if (m_listening)
        return; // Redis came back after a blip: nothing to do
    QString error;
    if (m_host->listen(&error)) {
        m_listening = true;
        qCInfo(lcHosting) << "hosting on" << m_host->url();
        Q_EMIT started(m_host->address(), m_host->port());
        return;
    }
    if (m_fallback) {
        qCInfo(lcHosting) << "port taken, using a free one:" << error;
        m_fallback = false;
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

void HostWorker::fail(const QString &error)
{
    qCWarning(lcHosting) << "hosting failed:" << error;
    m_giveUp.stop();
    // Tear down on the next turn: fail() may run inside a signal of what it destroys.
    QMetaObject::invokeMethod(this, &HostWorker::tearDown, Qt::QueuedConnection);
    Q_EMIT failed(error);
}

void HostWorker::stop()
{
    m_giveUp.stop();
    if (!m_host) {
        tearDown();
        Q_EMIT stopped();
        return;
    }
    m_host->shutdown();
    QTimer::singleShot(kCloseGraceMs, this, [this] {
        tearDown();
        Q_EMIT stopped();
    });
}

void HostWorker::stopNow()
{
    m_giveUp.stop();
    tearDown();
}

void HostWorker::tearDown()
{
    // The host's sessions and Redis links go before the Redis they talk to.
    m_host.reset();
    m_listening = false;
    if (m_redis) {
        m_redis->disconnect(this);
        m_redis->stop();
        m_redis.reset();
    }
}

} // namespace pc::hosting
