#pragma once

#include "channelsync.h"
#include "link.h"
#include "requestqueue.h"

#include "protocol/event_signals.h"
#include "protocol/events.h"
#include "protocol/outcome.h"
#include "protocol/replies.h"
#include "protocol/requests.h"

#include <QHash>
#include <QJsonObject>
#include <QObject>
#include <QQmlEngine>
#include <QStringList>
#include <QTimer>
#include <QUrl>
#include <QVariantMap>
#include <QWebSocket>

#include <functional>
#include <map>

namespace pc::client {

// The reference design's useRealtime hook in Qt: one connection to a room host, the channels
// (rooms) it follows with one typed signal per schema event, and a request for every op.
// It connects when it has a URL and something to do, reconnects forever with backoff and
// jitter, subscribes its channels again, and fills any gap in a room's messages from
// history, so each message is emitted exactly once, in seq order.
//
// A facade: the link (Link), the requests (RequestQueue) and the followed rooms
// (ChannelSync) do the work; this class composes them and turns what they deliver into the
// typed signals of the schema. Request callbacks are guarded by this object only: one that
// captures its owner should come wrapped in guarded(owner, ...) (guarded.h).
class RealtimeClient : public EventSignals // one signal per schema event, generated
{
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(QUrl url READ url WRITE setUrl NOTIFY urlChanged)
    Q_PROPERTY(QStringList channels READ channels NOTIFY channelsChanged)
    Q_PROPERTY(QStringList events READ events WRITE setEvents NOTIFY eventsChanged)
    Q_PROPERTY(Status status READ status NOTIFY statusChanged)
    // Connected, but the host has not answered a ping for 5 s (frozen, or its network gone).
    Q_PROPERTY(bool hostSilent READ isHostSilent NOTIFY hostSilentChanged)
    Q_PROPERTY(QString lastError READ lastError NOTIFY lastErrorChanged)
    Q_PROPERTY(int retryInMs READ retryInMs NOTIFY statusChanged)

public:
    enum class Status { Disconnected, Connecting, Connected, Reconnecting };
    Q_ENUM(Status)

    explicit RealtimeClient(QObject *parent = nullptr);
    ~RealtimeClient() override; // unsubscribes and closes cleanly

    QUrl url() const { return m_link.url(); }
    void setUrl(const QUrl &url) { setServer(url, {}); }
    // pin: the fingerprint of the one certificate a wss:// host may show (see Link).
    Q_INVOKABLE void setServer(const QUrl &url, const QString &pin);
    QString pin() const { return m_link.pin(); }
    // Set when the link gave up on the host's identity for good (no retry until the next
    // setUrl or reconnectNow).
    Link::Refusal refusal() const { return m_link.refusal(); }
    QStringList channels() const { return m_sync.channels(); }
    QStringList events() const { return m_eventNames; }
    void setEvents(const QStringList &names); // empty: every event
    Status status() const;
    bool isHostSilent() const { return m_link.isSilent(); }
    QString lastError() const { return m_link.lastError(); }
    int retryInMs() const;

    // Follows a room with a member's token; lastSeq is the last message already seen (0: all
    // of the history is fetched and emitted).
    void addChannel(const QString &roomId, const QString &token, qint64 lastSeq = 0);
    void removeChannel(const QString &roomId);
    qint64 lastSeq(const QString &roomId) const;

    Q_INVOKABLE void reconnectNow();
    // Drops the link at once, as a network failure would; it comes back by itself.
    void abortConnection() { m_link.abort(); }

    // Requests. Results arrive on the event loop with the contract's error code on failure;
    // "unavailable" also stands for a lost connection. Requests wait while (re)connecting.
    void createRoom(
        const protocol::RoomCreateParams &params, protocol::Done<protocol::RoomCreated> done);
    void joinRoom(
        const protocol::RoomJoinParams &params, protocol::Done<protocol::RoomJoined> done);
    void leaveRoom(const protocol::MemberParams &member, protocol::Done<protocol::Empty> done);
    void roomTtl(const protocol::MemberParams &member, protocol::Done<protocol::RoomTtl> done);
    void roomInfo(const protocol::MemberParams &member, protocol::Done<protocol::RoomInfo> done);
    void destroyRoom(const protocol::MemberParams &member, protocol::Done<protocol::Empty> done);
    // Carries a clientMsgId and is retried across reconnects until acknowledged.
    void send(const protocol::MessagesSendParams &params,
        protocol::Done<protocol::ChatMessage> done = {});
    void listMessages(
        const protocol::MessagesListParams &params, protocol::Done<protocol::MessageList> done);
    // Any op of the schema, as it is (not retried after a reconnect).
    template<protocol::Op O>
    void call(const typename protocol::OpTypes<O>::Params &params,
        protocol::Done<typename protocol::OpTypes<O>::Reply> done = {})
    {
        m_requests.request(O, params.toJson(), RequestQueue::Retry::No, this, std::move(done));
    }

    // Milliseconds to add to our clock to get the host's (from message timestamps).
    qint64 hostClockOffsetMs() const { return m_clockOffsetMs; }
    void setHostClockOffsetMs(qint64 offset) { m_clockOffsetMs = offset; }
    // Keep-alive: a ping every interval; two unanswered pings mean a dead link.
    void setPingIntervalMs(int ms) { m_link.setPingIntervalMs(ms); }
    void setPongDeadlineMs(int ms) { m_link.setPongDeadlineMs(ms); }
    // How long opening the link, and a request someone waits for (create, join, leave,
    // destroy), may take before it fails as unavailable. Every wait has an end.
    void setAnswerTimeoutMs(int ms);

Q_SIGNALS:
    void urlChanged();
    void channelsChanged();
    void eventsChanged();
    void statusChanged();
    void hostSilentChanged();
    void lastErrorChanged();

    // Every event, for generic consumers (QML, the CLI); the typed signal of each event comes
    // from EventSignals (generated from the schema).
    void event(const QString &channel, const QString &name, const QVariantMap &data);

    // Older history than the client could fetch was trimmed by the host (missed: how many).
    void historyTrimmed(const QString &channel, qint64 missed);
    // A followed room's events flow from now on (see ChannelSync::subscribed).
    void channelSubscribed(const QString &channel);
    // A followed room answered room-not-found or unauthorized: it is gone for us.
    void channelLost(const QString &channel, const pc::protocol::Error &error);
    // An attempt to connect failed (host down, refused, not a Private Chat host...).
    void connectionFailed(const QString &reason);

private:
    void emitEvent(const QString &channel, const protocol::AnyEvent &event);

    // Declared in this order: each part uses the ones before it.
    Link m_link;
    RequestQueue m_requests;
    ChannelSync m_sync;
    QStringList m_eventNames;
    qint64 m_clockOffsetMs = 0;
};

} // namespace pc::client
