#include "hostcontroller.h"

#include "eventloop/preferreddispatcher.h"

#include "host/hostidentity.h"
#include "host/hostrunner.h"
#include "host/listenaddress.h"
#include "reach/portmapper.h"

#include <QNetworkInterface>
#include <QStandardPaths>
#include <QThread>

namespace pc::hosting {

namespace {

    QString hostPort(const QHostAddress &address, int port)
    {
        return host::ListenAddress { address, quint16(port) }.toString();
    }

} // namespace

HostController::HostController(QObject *parent)
    : QObject(parent), m_mapper(new reach::PortMapper(this))
{
    connect(m_mapper, &reach::PortMapper::mapped, this, [this](const reach::Mapping &mapping) {
        m_externalAddress = mapping.externalHostPort();
        Q_EMIT addressChanged();
        setReach(Reach::Internet);
    });
    connect(m_mapper, &reach::PortMapper::unavailable, this, [this] {
        if (!m_externalAddress.isEmpty()) {
            m_externalAddress.clear();
            Q_EMIT addressChanged();
        }
        setReach(Reach::NotOpened);
    });
}

HostController::~HostController()
{
    // The router's mapping goes first (m_mapper's destructor, bounded); then the host.
    delete m_mapper;
    if (!m_thread)
        return;
    // Redis must stop before the thread that started it ends (PR_SET_PDEATHSIG).
    QMetaObject::invokeMethod(m_worker, &host::HostRunner::stopNow, Qt::BlockingQueuedConnection);
    m_thread->quit();
    m_thread->wait();
}

void HostController::ensureThread()
{
    if (m_thread)
        return;
    m_thread = new QThread(this);
    m_thread->setObjectName(QStringLiteral("room host"));
    // Its cost then follows active connections, not open ones.
    pc::eventloop::installPreferredDispatcher(m_thread);
    m_worker = new host::HostRunner;
    m_worker->moveToThread(m_thread);
    connect(m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    connect(m_worker, &host::HostRunner::started, this,
        [this](const QHostAddress &address, quint16 port) {
            if (m_state != State::Starting)
                return;
            m_port = port;
            m_listenAddress = hostPort(address, port);
            const bool any = address == QHostAddress::AnyIPv4 || address == QHostAddress::Any
                || address == QHostAddress::AnyIPv6;
            m_lanAddresses.clear();
            if (any) {
                const QStringList hosts = interfaceAddresses(
                    address != QHostAddress::AnyIPv6, address != QHostAddress::AnyIPv4);
                for (const QString &host : hosts)
                    m_lanAddresses << host + QLatin1Char(':') + QString::number(port);
            } else if (!address.isLoopback()) {
                m_lanAddresses << m_listenAddress;
            }
            // This app talks to its own host over loopback when it listens on every address.
            QHostAddress local = address;
            if (address == QHostAddress::AnyIPv4 || address == QHostAddress::Any)
                local = QHostAddress::LocalHost;
            else if (address == QHostAddress::AnyIPv6)
                local = QHostAddress::LocalHostIPv6;
            // Over TLS even on loopback: the app checks its own host's pin like any guest.
            m_localUrl = QUrl(QStringLiteral("wss://%1/api/realtime").arg(hostPort(local, port)));
            Q_EMIT addressChanged();
            setState(State::Running);
            if (m_state == State::Running) // what runs on Running may have stopped it again
                startPortMapping();
        });
    connect(m_worker, &host::HostRunner::failed, this, [this](const QString &error) {
        if (m_state != State::Starting && m_state != State::Running)
            return;
        m_mapper->stop();
        setReach(Reach::None);
        setState(State::Failed, error);
    });
    connect(m_worker, &host::HostRunner::stopped, this, [this] {
        if (m_state == State::Stopping)
            setState(State::Stopped);
    });
    m_thread->start();
}

QString HostController::inviteHost() const
{
    if (!m_externalAddress.isEmpty())
        return m_externalAddress;
    if (!m_lanAddresses.isEmpty())
        return m_lanAddresses.first();
    if (m_localUrl.isValid())
        return hostPort(QHostAddress(m_localUrl.host()), m_port);
    return {};
}

void HostController::start(const QString &listen)
{
    if (isActive() || m_state == State::Stopping)
        return;
    QString error;
    const auto address = host::ListenAddress::parse(listen, &error);
    if (!address) {
        setState(State::Failed, error);
        return;
    }
    // The identity outlives the room: the same fingerprint in every invite of this computer.
    const auto identity = host::loadOrCreateIdentity(
        QStandardPaths::writableLocation(QStandardPaths::AppDataLocation)
            + QStringLiteral("/identity"),
        &error);
    if (!identity) {
        setState(State::Failed, error);
        return;
    }
    m_fingerprint = identity->fingerprint();
    ensureThread();
    m_port = 0;
    m_listenAddress.clear();
    m_lanAddresses.clear();
    m_localUrl.clear();
    m_externalAddress.clear();
    Q_EMIT addressChanged();
    setReach(Reach::None);
    setState(State::Starting);
    const bool fallback = address->port == kDefaultPort;
    QMetaObject::invokeMethod(m_worker, [worker = m_worker, a = *address, fallback, identity] {
        host::HostOptions options;
        options.address = a.address;
        options.port = a.port;
        options.tls = identity;
        host::HostRunner::Options run;
        run.fallbackToFreePort = fallback;
        worker->start(options, run);
    });
}

void HostController::stop()
{
    if (!m_thread || m_state == State::Stopped || m_state == State::Stopping)
        return;
    m_mapper->stop();
    if (!m_externalAddress.isEmpty()) {
        m_externalAddress.clear();
        Q_EMIT addressChanged();
    }
    setReach(Reach::None);
    if (m_state == State::Failed) {
        setState(State::Stopped);
        QMetaObject::invokeMethod(m_worker, &host::HostRunner::stopNow);
        return;
    }
    setState(State::Stopping);
    QMetaObject::invokeMethod(m_worker, &host::HostRunner::stop);
}

void HostController::setMapPort(bool on)
{
    if (on == m_mapPort)
        return;
    m_mapPort = on;
    Q_EMIT mapPortChanged();
}

void HostController::startPortMapping()
{
    if (m_lanAddresses.isEmpty())
        return setReach(Reach::ThisComputer); // loopback: no router would reach it
    if (!m_mapPort)
        return setReach(Reach::Network);
    setReach(Reach::Checking);
    m_mapper->start(quint16(m_port));
}

void HostController::setReach(Reach reach)
{
    if (reach == m_reach)
        return;
    m_reach = reach;
    Q_EMIT reachChanged();
}

void HostController::setState(State state, const QString &errorText)
{
    if (m_state == state && m_errorText == errorText)
        return;
    m_state = state;
    m_errorText = errorText;
    Q_EMIT stateChanged();
}

QStringList HostController::interfaceAddresses(bool ipv4, bool ipv6)
{
    QStringList v4;
    QStringList v6;
    const auto interfaces = QNetworkInterface::allInterfaces();
    for (const QNetworkInterface &interface : interfaces) {
        const auto flags = interface.flags();
        if (!flags.testFlag(QNetworkInterface::IsUp)
            || !flags.testFlag(QNetworkInterface::IsRunning)
            || flags.testFlag(QNetworkInterface::IsLoopBack))
            continue;
        const auto entries = interface.addressEntries();
        for (const QNetworkAddressEntry &entry : entries) {
            const QHostAddress ip = entry.ip();
            if (ip.isLoopback() || ip.isLinkLocal())
                continue;
            if (ip.protocol() == QAbstractSocket::IPv4Protocol && ipv4)
                v4 << ip.toString();
            else if (ip.protocol() == QAbstractSocket::IPv6Protocol && ipv6)
                v6 << QLatin1Char('[') + ip.toString() + QLatin1Char(']');
        }
    }
    return v4 + v6; // IPv4 first: what people type and recognise
}

} // namespace pc::hosting
