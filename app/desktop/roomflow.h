#pragma once

#include "hostcontroller.h"
#include "protocol/errors.h"
#include "realtimeclient.h"
#include "roomsession.h"

#include <QObject>
#include <QQmlEngine>
#include <QStringList>
#include <QTimer>

namespace pc::desktop {

// The app's way through rooms: host one (start our host, create the room, join it), join one
// by invite, leave or destroy it, cancel a wait, and quit, where the room we host is
// destroyed and our host stopped before the app exits. It owns the connection, the room
// session and the host; QML binds to its state and calls its methods.
//
//   Lobby ─hostRoom→ StartingHost ─host runs→ Creating ─→ Joining ─joined→ InRoom
//   Lobby ─join→ Joining ─joined→ InRoom
//   Lobby ─createOn (a server's HOST:PORT)→ Creating ─→ Joining ─joined→ InRoom (as a guest)
//   InRoom ─the room ends / leave (guest)→ Lobby (endReason)
//   InRoom ─leave / destroyRoom (host)→ Leaving ─room destroyed, host stopped→ Lobby
//   StartingHost / Creating / Joining ─cancel→ Lobby;  ─failure→ Lobby (failure)
//   any ─quit→ Quitting ─what we host destroyed and stopped, our leave delivered→ Finished
//
// Every wait has a bound: the host's start (kHostStartTimeoutMs), the client's own answer
// timeout for create and join, and each step of leaving and quitting (kRoomStepTimeoutMs,
// kHostStopTimeoutMs).
class RoomFlow : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(State state READ state NOTIFY stateChanged)
    Q_PROPERTY(bool busy READ isBusy NOTIFY stateChanged)
    Q_PROPERTY(bool cancellable READ isCancellable NOTIFY stateChanged)
    Q_PROPERTY(bool inRoom READ isInRoom NOTIFY stateChanged)
    Q_PROPERTY(bool hosting READ isHosting NOTIFY hostingChanged)
    Q_PROPERTY(QString progressText READ progressText NOTIFY stateChanged)
    Q_PROPERTY(EndReason endReason READ endReason NOTIFY outcomeChanged)
    Q_PROPERTY(Failure failure READ failure NOTIFY outcomeChanged)
    Q_PROPERTY(QString alertText READ alertText NOTIFY outcomeChanged)
    Q_PROPERTY(QString alertKind READ alertKind NOTIFY outcomeChanged)
    Q_PROPERTY(QString name READ name WRITE setName NOTIFY nameChanged)
    Q_PROPERTY(
        QString listenAddress READ listenAddress WRITE setListenAddress NOTIFY listenAddressChanged)
    // QList<QString>, not QStringList: qmllint (6.4) takes only that for a list<string>.
    Q_PROPERTY(QList<QString> inviteAddresses READ inviteAddresses NOTIFY inviteAddressesChanged)
    // Who can use the invite of the room we host: the internet, the network, or why not.
    Q_PROPERTY(QString reachText READ reachText NOTIFY reachTextChanged)
    Q_PROPERTY(bool reachRefused READ reachRefused NOTIFY reachTextChanged) // a warning to show
    Q_PROPERTY(pc::client::RealtimeClient *client READ client CONSTANT)
    Q_PROPERTY(pc::client::RoomSession *session READ session CONSTANT)
    Q_PROPERTY(pc::hosting::HostController *host READ host CONSTANT)

public:
    enum class State {
        Lobby,        // no room: host or join from here
        StartingHost, // our host and its Redis are starting (or the last one still stopping)
        Creating,     // asking our host for the new room
        Joining,      // joining by invite, or the room we just created
        InRoom,
        Leaving,  // destroying the room we host, then stopping our host
        Quitting, // as leaving (a guest: our leave delivered), then Finished
        Finished, // nothing of ours is left running: the app may exit
    };
    Q_ENUM(State)

    // Why the last room we were in ended.
    enum class EndReason {
        None,
        Destroyed, // someone pressed Destroy now, or we stopped hosting it
        Expired,
        HostGone,      // the host on this computer stopped under the room
        Removed,       // the host no longer knows us as a member
        RemovedByHost, // the room's host removed us
        NotTheHost,    // on a reconnect, another certificate answered for the room's host
        Left,          // we left
    };
    Q_ENUM(EndReason)

    // Why the last attempt to host or join did not get into a room.
    enum class Failure {
        None,
        HostFailed,  // our host could not start
        Unreachable, // the room's host cannot be reached or does not answer
        NotFound,
        Full,
        Locked,  // its host lets no one new in
        Refused, // the host said no for another reason (error() says which)
        BadInvite,
        NotTheHost,       // the certificate is not the one the invite pins (an interceptor?)
        UntrustedHost,    // an invite without a pin, and no CA vouches for the host
        BadServer,        // createOn: not HOST:PORT, or not a fingerprint
        ServerUnverified, // createOn without a fingerprint, and no CA vouches for the server
    };
    Q_ENUM(Failure)

    static constexpr int kHostStartTimeoutMs = 20000;
    static constexpr int kRoomStepTimeoutMs = 2000; // the destroy or leave before we stop
    static constexpr int kHostStopTimeoutMs = 3000;

    explicit RoomFlow(QObject *parent = nullptr);
    ~RoomFlow() override;

    State state() const { return m_state; }
    // A wait is shown (progressText); only cancellable ones offer Cancel.
    bool isBusy() const;
    bool isCancellable() const;
    bool isInRoom() const { return m_state == State::InRoom; }
    // The room we are in, or are getting into, runs on our own host.
    bool isHosting() const { return m_hosting; }
    QString progressText() const;
    EndReason endReason() const { return m_endReason; }
    Failure failure() const { return m_failure; }
    // The protocol error behind failure() (Refused: what the host answered); only meaningful
    // while failure() is not None.
    protocol::Error error() const { return m_error; }
    // What the lobby says about the last room or attempt (empty: nothing, or dismissed), and
    // how: "warning" for a room that ended as rooms do, "error" for the rest.
    QString alertText() const;
    QString alertKind() const;
    QString name() const { return m_name; }
    void setName(const QString &name);
    QString listenAddress() const { return m_listenAddress; }
    void setListenAddress(const QString &address);
    // HOST:PORT others may use in the invite of the room we host, best first.
    QStringList inviteAddresses() const;
    QString reachText() const;
    bool reachRefused() const;

    client::RealtimeClient *client() const { return m_client; }
    client::RoomSession *session() const { return m_session; }
    hosting::HostController *host() const { return m_host; }

    Q_INVOKABLE void hostRoom(int ttlSeconds, int maxParticipants);
    // A room on another host (any privatechat-server: HOST:PORT, wss:// or ws://), pinned to
    // fingerprint unless it has a CA-issued certificate; we join it as its first member and
    // the invite names that host. serverUsed() once the room is made there.
    Q_INVOKABLE void createOn(
        const QString &server, const QString &fingerprint, int ttlSeconds, int maxParticipants);
    // privatechat://HOST:PORT/ID or HOST:PORT/ID.
    Q_INVOKABLE void join(const QString &invite);
    // Gives up starting the host, creating or joining: nothing half-started stays running.
    Q_INVOKABLE void cancel();
    // Out of the room: a guest leaves it; the room we host is destroyed and our host stopped.
    Q_INVOKABLE void leave();
    // Destroy now: for everyone in the room (ours: as leave()).
    Q_INVOKABLE void destroyRoom();
    // Ends everything before the app exits; true when that is done already (Finished),
    // otherwise finished() follows within the bounds above.
    Q_INVOKABLE bool quit();
    Q_INVOKABLE void dismissAlert();
    // The address the invite of the room we host names, picked by the user.
    Q_INVOKABLE void chooseInviteAddress(const QString &hostAndPort);

Q_SIGNALS:
    void stateChanged();
    void hostingChanged();
    void outcomeChanged();
    void nameChanged();
    void listenAddressChanged();
    void inviteAddressesChanged();
    void reachTextChanged();
    // The room we host exists and is joined: its invite (main.cpp prints it).
    void inviteReady(const QString &link);
    // A room was made on this server (createOn): the lobby remembers it, not the room.
    void serverUsed(const QString &server, const QString &fingerprint);
    // A transient note for the room page, e.g. a message that was not sent.
    void notice(const QString &text);
    void finished();

private:
    enum class Step { None, Room, Host }; // of Leaving and Quitting

    void setState(State state);
    void setHosting(bool hosting);
    void setOutcome(EndReason reason, Failure failure, const QString &detail = {},
        const protocol::Error &error = {});
    void startHost();
    void createRoom();
    void enterRoom();
    void fail(Failure failure, const QString &detail = {}, const protocol::Error &error = {});
    void onSessionState();
    void onHostState();
    void onHostAddress();
    void onRoomEnded(EndReason reason, const QString &detail = {});
    void onDeadline();
    // Leaving and quitting, one step at a time: the room (destroy or leave), then the host.
    void beginWindDown(State state);
    void roomStep();
    void hostStep();
    void windDownDone();
    bool hostIdle() const;

    client::RealtimeClient *m_client;
    client::RoomSession *m_session;
    hosting::HostController *m_host;
    State m_state = State::Lobby;
    Step m_step = Step::None;
    bool m_hosting = false;
    bool m_alertDismissed = false;
    EndReason m_endReason = EndReason::None;
    Failure m_failure = Failure::None;
    protocol::Error m_error;
    QString m_detail; // the host's error, or why an invite is not one
    QString m_name;
    QString m_listenAddress = QStringLiteral("0.0.0.0:7878");
    QString m_offeredHost;       // HOST:PORT in the invite we offered for the room we host
    bool m_inviteChosen = false; // the user picked the invite's address: it stays
    QString m_serverUsed;        // createOn's server and fingerprint, until the room is made there
    QString m_serverFingerprint;
    int m_pendingTtl = 0;
    int m_pendingMax = 0;
    QTimer m_deadline; // the bound of the current wait
};

} // namespace pc::desktop
