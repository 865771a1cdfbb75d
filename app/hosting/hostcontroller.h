#pragma once

#include <QObject>
#include <QQmlEngine>
#include <QStringList>
#include <QUrl>

class QThread;

namespace pc::host {
class HostRunner;
} // namespace pc::host
namespace pc::reach {
class PortMapper;
} // namespace pc::reach

namespace pc::hosting {

// Runs a room host with its own embedded Redis inside the app, on a worker thread so the UI
// never waits for Redis or the network. The worker thread forks redis-server and stays alive
// while hosting: redis-server gets PR_SET_PDEATHSIG, which fires when that *thread* exits.
class HostController : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(State state READ state NOTIFY stateChanged)
    Q_PROPERTY(bool active READ isActive NOTIFY stateChanged)
    Q_PROPERTY(int port READ port NOTIFY addressChanged)
    Q_PROPERTY(QString listenAddress READ listenAddress NOTIFY addressChanged)
    Q_PROPERTY(QStringList lanAddresses READ lanAddresses NOTIFY addressChanged)
    Q_PROPERTY(QString inviteHost READ inviteHost NOTIFY addressChanged)
    Q_PROPERTY(QUrl localUrl READ localUrl NOTIFY addressChanged)
    // The pin of this host's identity (kept in the app's data folder): invites carry it.
    Q_PROPERTY(QString fingerprint READ fingerprint NOTIFY addressChanged)
    Q_PROPERTY(QString errorText READ errorText NOTIFY stateChanged)
    // Ask the router to forward the port while hosting (UPnP-IGD, NAT-PMP). Off unless set: the
    // app turns it on from its settings; it talks to the router, never beyond.
    Q_PROPERTY(bool mapPort READ mapPort WRITE setMapPort NOTIFY mapPortChanged)
    Q_PROPERTY(Reach reach READ reach NOTIFY reachChanged)
    // IP:PORT the router forwards to us (Reach::Internet), else empty.
    Q_PROPERTY(QString externalAddress READ externalAddress NOTIFY addressChanged)

public:
    enum class State { Stopped, Starting, Running, Stopping, Failed };
    Q_ENUM(State)
    // Who can use the invite of a room we host.
    enum class Reach {
        None,         // not hosting
        ThisComputer, // listening on loopback only
        Network,      // people on this network (no router asked)
        Checking,     // asking the router to open the port
        Internet,     // the router forwards externalAddress to us
        NotOpened,    // no router answered, or it refused: this network only
    };
    Q_ENUM(Reach)

    static constexpr quint16 kDefaultPort = 7878;

    explicit HostController(QObject *parent = nullptr);
    ~HostController() override; // stops the host and its Redis, then the thread

    State state() const { return m_state; }
    bool isActive() const { return m_state == State::Starting || m_state == State::Running; }
    int port() const { return m_port; }
    QString listenAddress() const { return m_listenAddress; } // HOST:PORT actually bound
    // HOST:PORT others can use: the non-loopback addresses of the interfaces that are up
    // (every one for 0.0.0.0 / [::]; just the listen address otherwise).
    QStringList lanAddresses() const { return m_lanAddresses; }
    // The best one for an invite: the router's forwarded address, else the first LAN address,
    // else local.
    QString inviteHost() const;
    QUrl localUrl() const { return m_localUrl; } // how this app reaches its own host
    QString fingerprint() const { return m_fingerprint; }
    QString errorText() const { return m_errorText; }
    bool mapPort() const { return m_mapPort; }
    void setMapPort(bool on);
    Reach reach() const { return m_reach; }
    QString externalAddress() const { return m_externalAddress; }

    // HOST:PORT; when the default port 7878 is taken a free one is used instead.
    Q_INVOKABLE void start(const QString &listen = QStringLiteral("0.0.0.0:7878"));
    Q_INVOKABLE void stop();

    // Non-loopback, non-link-local addresses of up interfaces, "[v6]" bracketed.
    static QStringList interfaceAddresses(bool ipv4, bool ipv6);

Q_SIGNALS:
    void stateChanged();
    void addressChanged();
    void mapPortChanged();
    void reachChanged();

private:
    void setState(State state, const QString &errorText = {});
    void onStarted(const QString &address, int port, bool anyAddress, bool anyIpv6);
    void ensureThread();
    void setReach(Reach reach);
    void startPortMapping();

    State m_state = State::Stopped;
    int m_port = 0;
    QString m_listenAddress;
    QStringList m_lanAddresses;
    QString m_fingerprint;
    QUrl m_localUrl;
    QString m_errorText;
    QThread *m_thread = nullptr;
    host::HostRunner *m_worker = nullptr; // lives on m_thread
    reach::PortMapper *m_mapper = nullptr;
    bool m_mapPort = false;
    Reach m_reach = Reach::None;
    QString m_externalAddress;
};

} // namespace pc::hosting
