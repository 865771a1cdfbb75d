#include "appsettings.h"

#include "namegenerator.h"
#include "protocol/limits.h"

namespace pc::desktop {

namespace {
    const QString kName = QStringLiteral("identity/name");
    const QString kNotifications = QStringLiteral("notifications/enabled");
    const QString kPrivate = QStringLiteral("notifications/private");
    const QString kTtl = QStringLiteral("hosting/ttlSeconds");
    const QString kMax = QStringLiteral("hosting/maxParticipants");
    const QString kMapPort = QStringLiteral("hosting/mapPort");
    const QString kServers = QStringLiteral("servers/used");
} // namespace

AppSettings::AppSettings(QObject *parent) : QObject(parent)
{
    m_name = m_settings.value(kName).toString().trimmed().left(protocol::limits::kMaxNameLength);
    if (m_name.isEmpty()) {
        m_name = client::generateName();
        m_settings.setValue(kName, m_name);
    }
    m_notifications = m_settings.value(kNotifications, true).toBool();
    m_privateNotifications = m_settings.value(kPrivate, false).toBool();
    m_mapPort = m_settings.value(kMapPort, true).toBool();
    m_servers = m_settings.value(kServers).toStringList().mid(0, kMaxServers);
    m_ttlSeconds = std::clamp(m_settings.value(kTtl, protocol::limits::kDefaultTtl).toInt(),
        protocol::limits::kMinTtl, protocol::limits::kMaxTtl);
    m_maxParticipants
        = std::clamp(m_settings.value(kMax, protocol::limits::kDefaultParticipants).toInt(),
            protocol::limits::kMinParticipants, protocol::limits::kMaxParticipants);
}

void AppSettings::setName(const QString &name)
{
    const QString trimmed = name.trimmed().left(protocol::limits::kMaxNameLength);
    if (trimmed.isEmpty() || trimmed == m_name)
        return;
    m_name = trimmed;
    m_settings.setValue(kName, m_name);
    Q_EMIT nameChanged();
}

void AppSettings::setNotifications(bool on)
{
    if (on == m_notifications)
        return;
    m_notifications = on;
    m_settings.setValue(kNotifications, on);
    Q_EMIT notificationsChanged();
}

void AppSettings::setPrivateNotifications(bool on)
{
    if (on == m_privateNotifications)
        return;
    m_privateNotifications = on;
    m_settings.setValue(kPrivate, on);
    Q_EMIT privateNotificationsChanged();
}

void AppSettings::rememberServer(const QString &server, const QString &fingerprint)
{
    const QString entry = fingerprint.isEmpty() ? server : server + QLatin1Char(' ') + fingerprint;
    QStringList servers { entry };
    for (const QString &known : std::as_const(m_servers)) {
        if (known.section(QLatin1Char(' '), 0, 0) != server)
            servers << known;
    }
    servers = servers.mid(0, kMaxServers);
    if (servers == m_servers)
        return;
    m_servers = servers;
    m_settings.setValue(kServers, m_servers);
    Q_EMIT serversChanged();
}

void AppSettings::setMapPort(bool on)
{
    if (on == m_mapPort)
        return;
    m_mapPort = on;
    m_settings.setValue(kMapPort, on);
    Q_EMIT mapPortChanged();
}

void AppSettings::setTtlSeconds(int seconds)
{
    seconds = std::clamp(seconds, protocol::limits::kMinTtl, protocol::limits::kMaxTtl);
    if (seconds == m_ttlSeconds)
        return;
    m_ttlSeconds = seconds;
    m_settings.setValue(kTtl, seconds);
    Q_EMIT ttlSecondsChanged();
}

void AppSettings::setMaxParticipants(int count)
{
    count
        = std::clamp(count, protocol::limits::kMinParticipants, protocol::limits::kMaxParticipants);
    if (count == m_maxParticipants)
        return;
    m_maxParticipants = count;
    m_settings.setValue(kMax, count);
    Q_EMIT maxParticipantsChanged();
}

} // namespace pc::desktop
