#include "portmapper.h"

#include <QLoggingCategory>

#include <algorithm>
#include <limits>

namespace pc::reach {

Q_LOGGING_CATEGORY(lcReach, "pc.reach")

namespace {
    constexpr int kRemoveTimeoutMs = 2000;
    constexpr int kMinRenewalMs = 1000;
} // namespace

// The router's side, one call at a time in the order asked: a remove queued during a search
// runs after it and removes what it found.
class PortMapper::Worker : public QObject
{
public:
    Attempt search(quint16 port, const Options &options)
    {
        remove();
        Attempt upnp = mapWithUpnp(port, options.leaseSeconds, options.upnpDiscoverMs);
        if (upnp.mapping) {
            current = upnp.mapping;
            return upnp;
        }
        Attempt natpmp = mapWithNatPmp(port, options.leaseSeconds, options.natpmpTimeoutMs);
        if (natpmp.mapping) {
            current = natpmp.mapping;
            return natpmp;
        }
        return { {}, QStringLiteral("%1; %2").arg(upnp.why, natpmp.why) };
    }

    Attempt renew(int timeoutMs)
    {
        if (!current)
            return { {}, QStringLiteral("no mapping to renew") };
        QString why;
        if (renewMapping(*current, timeoutMs, &why))
            return { current, {} };
        current.reset();
        return { {}, why };
    }

    void remove()
    {
        if (!current)
            return;
        QString why;
        if (!removeMapping(*current, kRemoveTimeoutMs, &why))
            qCWarning(lcReach) << "the port mapping was not removed:" << why;
        current.reset();
    }

    std::optional<Mapping> current;
};

PortMapper::PortMapper(QObject *parent)
    : QObject(parent), m_worker(new Worker), m_timeLimit(this), m_renewal(this)
{
    m_thread.setObjectName(QStringLiteral("port mapping"));
    m_worker->moveToThread(&m_thread); // deleted by us, once its thread has ended
    m_timeLimit.setSingleShot(true);
    connect(&m_timeLimit, &QTimer::timeout, this, [this] {
        setUnavailable(
            QStringLiteral("no router answered within %1 s").arg(m_options.timeLimitMs / 1000.0));
    });
    m_renewal.setSingleShot(true);
    connect(&m_renewal, &QTimer::timeout, this, &PortMapper::renew);
}

PortMapper::~PortMapper()
{
    // The worker ends the router call it is in (each is bounded), not the ones queued after
    // it; then whatever it holds is removed here, its thread being gone.
    m_thread.quit();
    m_thread.wait();
    m_worker->remove();
    delete m_worker;
}

void PortMapper::start(quint16 port, const Options &options)
{
    m_options = options;
    m_port = port;
    m_mapping.reset();
    if (!m_thread.isRunning()) // not at construction: an app that never hosts needs none
        m_thread.start();
    search();
}

void PortMapper::search()
{
    m_state = State::Mapping;
    m_renewal.stop();
    m_timeLimit.start(m_options.timeLimitMs);
    const quint64 generation = ++m_generation;
    QMetaObject::invokeMethod(
        m_worker, [this, w = m_worker, port = m_port, options = m_options, generation] {
            const Attempt attempt = w->search(port, options);
            QMetaObject::invokeMethod(this, [this, attempt, generation] {
                if (generation != m_generation)
                    return;
                if (attempt.mapping)
                    setMapped(*attempt.mapping);
                else
                    setUnavailable(attempt.why);
            });
        });
}

void PortMapper::renew()
{
    const quint64 generation = m_generation;
    QMetaObject::invokeMethod(
        m_worker, [this, w = m_worker, timeoutMs = m_options.natpmpTimeoutMs, generation] {
            const Attempt attempt = w->renew(timeoutMs);
            QMetaObject::invokeMethod(this, [this, attempt, generation] {
                if (generation != m_generation)
                    return;
                if (attempt.mapping) {
                    setMapped(*attempt.mapping);
                    return;
                }
                qCWarning(lcReach) << "the router did not renew the port mapping:" << attempt.why;
                search(); // the router may have restarted: ask again from the start
            });
        });
}

void PortMapper::setMapped(const Mapping &mapping)
{
    m_timeLimit.stop();
    const bool changed = !m_mapping || m_mapping->externalHostPort() != mapping.externalHostPort()
        || m_state != State::Mapped;
    m_mapping = mapping;
    m_state = State::Mapped;
    m_why.clear();
    if (mapping.leaseSeconds > 0) // at half the lease (a NAT-PMP grant may be days long)
        m_renewal.start(int(std::clamp<qint64>(qint64(mapping.leaseSeconds) * 1000 / 2,
            kMinRenewalMs, std::numeric_limits<int>::max())));
    if (changed)
        Q_EMIT mapped(mapping);
}

void PortMapper::setUnavailable(const QString &why)
{
    m_timeLimit.stop();
    if (m_state == State::Unavailable)
        return; // the time limit came first: the search's own reason adds nothing for the user
    m_mapping.reset();
    m_state = State::Unavailable;
    m_why = why;
    qCInfo(lcReach) << "the port is not mapped:" << why;
    Q_EMIT unavailable(why);
}

void PortMapper::stop()
{
    ++m_generation;
    m_timeLimit.stop();
    m_renewal.stop();
    m_mapping.reset();
    m_state = State::Idle;
    if (!m_thread.isRunning()) { // never started: nothing to remove
        Q_EMIT stopped();
        return;
    }
    QMetaObject::invokeMethod(m_worker, [this, w = m_worker] {
        w->remove();
        QMetaObject::invokeMethod(this, &PortMapper::stopped);
    });
}

} // namespace pc::reach
