#pragma once

#include <QObject>
#include <QQmlEngine>
#include <QSettings>

namespace pc::desktop {

// The few things the app remembers between runs (QSettings, ~/.config/PrivateChat/…).
// Never messages, rooms or invites.
class AppSettings : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(QString name READ name WRITE setName NOTIFY nameChanged)
    Q_PROPERTY(
        bool notifications READ notifications WRITE setNotifications NOTIFY notificationsChanged)
    Q_PROPERTY(bool privateNotifications READ privateNotifications WRITE setPrivateNotifications
            NOTIFY privateNotificationsChanged)
    Q_PROPERTY(int ttlSeconds READ ttlSeconds WRITE setTtlSeconds NOTIFY ttlSecondsChanged)
    Q_PROPERTY(int maxParticipants READ maxParticipants WRITE setMaxParticipants NOTIFY
            maxParticipantsChanged)
    Q_PROPERTY(bool mapPort READ mapPort WRITE setMapPort NOTIFY mapPortChanged)
    // QList<QString>, not QStringList: qmllint (6.4) takes only that for a list<string>.
    Q_PROPERTY(QList<QString> servers READ servers NOTIFY serversChanged)

public:
    explicit AppSettings(QObject *parent = nullptr);

    // A generated name on first use, remembered from then on.
    QString name() const { return m_name; }
    void setName(const QString &name);
    bool notifications() const { return m_notifications; }
    void setNotifications(bool on);
    // Notifications say only "New message", never who or what.
    bool privateNotifications() const { return m_privateNotifications; }
    void setPrivateNotifications(bool on);
    int ttlSeconds() const { return m_ttlSeconds; }
    void setTtlSeconds(int seconds);
    int maxParticipants() const { return m_maxParticipants; }
    void setMaxParticipants(int count);
    // When hosting, ask the router to let people from the internet in (UPnP-IGD, NAT-PMP).
    bool mapPort() const { return m_mapPort; }
    void setMapPort(bool on);
    // The servers rooms were created on, last used first: "HOST:PORT" or "HOST:PORT FP" (the
    // pin it was created with). Servers only, never rooms or invites.
    QStringList servers() const { return m_servers; }
    Q_INVOKABLE void rememberServer(const QString &server, const QString &fingerprint);
    static constexpr int kMaxServers = 8;

Q_SIGNALS:
    void nameChanged();
    void notificationsChanged();
    void privateNotificationsChanged();
    void ttlSecondsChanged();
    void maxParticipantsChanged();
    void mapPortChanged();
    void serversChanged();

private:
    QSettings m_settings;
    QString m_name;
    bool m_notifications = true;
    bool m_privateNotifications = false;
    int m_ttlSeconds = 600;
    int m_maxParticipants = 2;
    bool m_mapPort = true;
    QStringList m_servers;
};

} // namespace pc::desktop
