#pragma once

#include "invitelink.h"
#include "messagesmodel.h"
#include "participantsmodel.h"
#include "sealedroom.h"

#include "protocol/errors.h"

#include <QObject>
#include <QPointer>
#include <QQmlEngine>
#include <QTimer>

#include <functional>

namespace pc::client {

class RealtimeClient;

// One room as the UI sees it: joining, its state, countdown, messages and participants.
// QML drives it with join()/send()/destroyRoom()/leave() and binds to its properties. It
// reports what went wrong as the contract's typed error; the words for people are the app's
// (pc::desktop::UserTexts).
class RoomSession : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(pc::client::RealtimeClient *client READ client WRITE setClient NOTIFY clientChanged)
    Q_PROPERTY(State state READ state NOTIFY stateChanged)
    Q_PROPERTY(QString roomId READ roomId NOTIFY roomChanged)
    Q_PROPERTY(QString inviteLink READ inviteLink NOTIFY roomChanged)
    Q_PROPERTY(QString name READ name NOTIFY roomChanged)
    Q_PROPERTY(QString participantId READ participantId NOTIFY roomChanged)
    Q_PROPERTY(int maxParticipants READ maxParticipants NOTIFY roomChanged)
    Q_PROPERTY(qint64 expiresAt READ expiresAt NOTIFY roomChanged)
    Q_PROPERTY(int secondsLeft READ secondsLeft NOTIFY secondsLeftChanged)
    // The last minute before the room self-destructs.
    Q_PROPERTY(bool endingSoon READ isEndingSoon NOTIFY endingSoonChanged)
    Q_PROPERTY(bool historyTrimmed READ historyTrimmed NOTIFY historyTrimmedChanged)
    // "NAME is typing…" while someone else is (chat.typing, 5 s each), else empty.
    Q_PROPERTY(QString typingText READ typingText NOTIFY typingChanged)
    // End to end (the host says so on join): names and texts leave only sealed with the key.
    Q_PROPERTY(bool endToEnd READ endToEnd NOTIFY roomChanged)
    // An end-to-end room entered without its key: nothing can be read or written.
    Q_PROPERTY(bool keyMissing READ keyMissing NOTIFY roomChanged)
    Q_PROPERTY(bool canWrite READ canWrite NOTIFY roomChanged)
    // A hosted room (ours, made by this app): only its host may destroy it, remove members
    // and lock it; isHost says whether we are that host.
    Q_PROPERTY(bool hosted READ isHosted NOTIFY roomChanged)
    Q_PROPERTY(bool isHost READ isHost NOTIFY roomChanged)
    Q_PROPERTY(bool canDestroy READ canDestroy NOTIFY roomChanged)
    // Its host lets no one new in (members who are in may still rejoin).
    Q_PROPERTY(bool locked READ isLocked NOTIFY lockedChanged)
    // 4 groups of 4 digits from the room key and the host's fingerprint, to compare.
    Q_PROPERTY(QString safetyCode READ safetyCode NOTIFY roomChanged)
    Q_PROPERTY(pc::client::MessagesModel *messages READ messages CONSTANT)
    Q_PROPERTY(pc::client::ParticipantsModel *participants READ participants CONSTANT)

public:
    enum class State {
        Idle,
        Creating, // asking the host for a new room
        Joining,
        Joined,
        Full,
        NotFound,
        Unreachable,
        Destroyed,
        Expired,
        Left,
        Removed,       // the host no longer knows us as a member (our place ended elsewhere)
        RemovedByHost, // the room's host removed us
        Locked,        // a join refused: the room's host lets no one new in
        // The host's certificate is not the invite's (or, unpinned, no CA vouches for it):
        // refused before a byte of ours went out, and not tried again.
        NotTheHost,
        Untrusted,
        Failed, // anything else; error() says what
    };
    Q_ENUM(State)

    explicit RoomSession(QObject *parent = nullptr);
    ~RoomSession() override;

    RealtimeClient *client() const { return m_client; }
    void setClient(RealtimeClient *client);
    State state() const { return m_state; }
    QString roomId() const { return m_roomId; }
    QString inviteLink() const;
    QString name() const { return m_name; }
    QString participantId() const { return m_participantId; }
    int maxParticipants() const { return m_maxParticipants; }
    qint64 expiresAt() const { return m_expiresAt; }
    int secondsLeft() const { return m_secondsLeft; }
    static constexpr int kEndingSoonSeconds = 60;
    bool isEndingSoon() const
    {
        return m_state == State::Joined && m_secondsLeft > 0 && m_secondsLeft <= kEndingSoonSeconds;
    }
    bool historyTrimmed() const { return m_historyTrimmed; }
    QString typingText() const;
    bool endToEnd() const { return m_sealed.isEndToEnd(); }
    bool keyMissing() const { return m_sealed.isEndToEnd() && !m_sealed.hasKey(); }
    bool canWrite() const { return m_sealed.canWrite(); }
    bool isHosted() const { return m_hosted; }
    bool isHost() const { return m_isHost; }
    bool canDestroy() const { return !m_hosted || m_isHost; }
    bool isLocked() const { return m_locked; }
    QString safetyCode() const { return m_sealed.safetyCode(m_link.fingerprint); }
    // Why the last create or join failed (Full, NotFound, Unreachable, Failed): the contract's
    // code and the host's message (Unreachable: unavailable).
    protocol::Error error() const { return m_error; }
    MessagesModel *messages() { return &m_messages; }
    ParticipantsModel *participants() { return &m_participants; }

    // Joins a room by invite link (privatechat://HOST:PORT/ID or HOST:PORT/ID); points the
    // client at that host.
    Q_INVOKABLE void join(const QString &invite, const QString &name);
    // Creates a hosted room on the client's host (its URL and pin), then joins it as its host
    // (the host key stays in this object). endToEnd: with a new room key, in the invite's
    // fragment only.
    Q_INVOKABLE void create(
        int ttlSeconds, int maxParticipants, const QString &name, bool endToEnd = true);
    // Shown at once as pending; sent now or when the link is back (its clientMsgId makes a
    // resend safe); marked not sent after sendTimeoutMs, never dropped without a word.
    Q_INVOKABLE void send(const QString &text);
    // We are typing: tells the room, at most every 3 s (the host allows bursts of 3, 1 per 2 s).
    Q_INVOKABLE void typing();
    // A message marked not sent, sent again (the same clientMsgId: it cannot appear twice).
    Q_INVOKABLE void retry(const QString &clientMsgId);
    void setSendTimeoutMs(int ms) { m_sendTimeoutMs = ms; }
    Q_INVOKABLE void destroyRoom();
    Q_INVOKABLE void leave();
    // The host's controls (hostActionFailed says why one was refused).
    Q_INVOKABLE void removeMember(const QString &participantId);
    Q_INVOKABLE void setLocked(bool locked);
    // Stops creating or joining (the user's Cancel): back to Idle, the host no longer tried.
    Q_INVOKABLE void cancel();
    // The host part invites use (e.g. a LAN address instead of 127.0.0.1).
    Q_INVOKABLE void setInviteHost(const QString &hostAndPort);

Q_SIGNALS:
    void clientChanged();
    void stateChanged();
    void roomChanged();
    void secondsLeftChanged();
    // Once per room, as its countdown passes one minute (not for a room joined later than that).
    void endingSoonWarning();
    void endingSoonChanged();
    void historyTrimmedChanged();
    void typingChanged();
    // A message from someone else arrived (for notifications).
    void messageArrived(const QString &sender, const QString &text);
    void sendFailed(const pc::protocol::Error &error);
    void destroyFailed(const pc::protocol::Error &error);
    void hostActionFailed(const pc::protocol::Error &error);
    void lockedChanged();
    // The host has answered our leave (or cannot any more): nothing of ours is in flight.
    void leaveDelivered();

private:
    void setState(State state);
    void failWith(const protocol::Error &error);
    void updateCountdown();
    // The room is over for this app: followed no more, its messages wiped.
    void endRoom(State state);
    static constexpr qint64 kHostNoticeGraceMs = 2500;
    void connectClient();
    void transmit(const QString &clientMsgId, const QString &text);
    void joinWith(const QString &invite, const QString &name, const QString &hostKey);
    void requestJoin(const QString &roomId, const QString &name, bool sealed);
    // A member's name as shown, opened in an end-to-end room.
    QString shownName(const QString &name, const std::optional<QString> &sealedName) const;
    void setParticipants(QList<protocol::Participant> members);
    void announceChanges(const QList<protocol::Participant> &members);
    void setLockedState(bool locked);
    // A host's op (remove, lock): a refusal is hostActionFailed, done() follows its success.
    template<protocol::Op O>
    void hostAction(
        const typename protocol::OpTypes<O>::Params &params, std::function<void()> done = {});
    // A change of the lock, from its event or its reply (whichever comes first): said once.
    void announceLock(bool locked);
    void failOverdueSends();

    QPointer<RealtimeClient> m_client;
    State m_state = State::Idle;
    QString m_roomId;
    InviteLink m_link; // the room's invite: its host, pin and key
    SealedRoom m_sealed;
    QString m_name;
    QString m_token;
    QString m_participantId;
    int m_maxParticipants = 0;
    QString m_hostKey; // the room we created, until we join it as its host
    bool m_hosted = false;
    bool m_isHost = false;
    bool m_locked = false;
    qint64 m_expiresAt = 0;
    int m_secondsLeft = 0;
    bool m_endingSoonDue = false; // endingSoonWarning() still to come for this room
    bool m_historyTrimmed = false;
    protocol::Error m_error;
    QTimer m_countdown;
    MessagesModel m_messages;
    ParticipantsModel m_participants;
    QList<QMetaObject::Connection> m_clientConnections;
    int m_sendTimeoutMs = 20'000;
    QHash<QString, qint64> m_sendDeadlines; // pending messages by clientMsgId
    QTimer m_sendSweep;
    struct Typist
    {
        QString name;
        qint64 until; // ms since the epoch, our clock
    };
    QList<std::pair<QString, Typist>> m_typists; // by participantId, in the order they began
    QTimer m_typingSweep;
    qint64 m_typingSentAt = 0;
    void setTyping(const QString &participantId, const std::optional<Typist> &typist);
};

} // namespace pc::client
