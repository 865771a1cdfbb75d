#pragma once

// Private to server/redis: never include from a public header.

#include "connection.h"
#include "options.h"
#include "reply.h"

#include <QList>
#include <QLoggingCategory>
#include <QObject>
#include <QTimer>

#include <deque>
#include <functional>

struct redisAsyncContext;
class QSocketNotifier;

namespace pc::redis {

Q_DECLARE_LOGGING_CATEGORY(lcRedis)

// One hiredis async context at a time, driven by QSocketNotifiers, reconnecting with
// exponential backoff and jitter until close().
//
// No user code ever runs inside a hiredis callback: the callbacks only convert replies into
// m_ready, and settle() hands them out once hiredis has returned. So handlers may issue
// commands, close the link or delete its owner, and hiredis never frees a context under us.
class Link : public QObject
{
    Q_OBJECT
public:
    enum class Role {
        Commands, // SELECT db during the handshake
        PubSub,   // pub/sub channels are global: no SELECT
    };
    using PushHandler = std::function<void(const Reply &)>;

    Link(const Options &options, Role role);
    ~Link() override; // pending handlers are dropped, never called

    void open();  // asynchronous: the first attempt starts from the event loop
    void close(); // pending handlers get Reply::disconnected() from the event loop
    bool isConnected() const { return m_state == State::Ready; }

    // Regular command; false (handler untouched) when not connected.
    bool send(const QList<QByteArray> &args, const ReplyHandler &handler);
    // SUBSCRIBE/UNSUBSCRIBE: their replies and the messages go to the push handler.
    bool sendSubscription(const QList<QByteArray> &args);
    void setPushHandler(PushHandler handler) { m_pushHandler = std::move(handler); }

Q_SIGNALS:
    void connected();
    // When a connected link drops, and once when attempts fail after open() or a drop.
    void disconnected(const QString &reason);

private:
    enum class State { Idle, Waiting, Connecting, Ready };
    struct Request;
    struct Delivery
    {
        std::function<void(const Reply &)> handler; // empty: goes to the push handler
        Reply reply;
    };

    void attempt();
    void attachAdapter();
    void retireNotifiers();
    bool sendRaw(const QList<QByteArray> &args, void (*fn)(redisAsyncContext *, void *, void *),
        void *privdata);
    void startHandshake(quint64 generation);
    void onHandshake(quint64 generation, const QByteArray &command, const Reply &reply);
    void onConnectTimeout();
    void freeContext();
    void linkEnded(const QString &reason);
    void scheduleReconnect();
    void onNotifier(bool writable);
    void settle();

    // hiredis hooks (ev.data / ac->data is the Link)
    static void hookAddRead(void *privdata);
    static void hookDelRead(void *privdata);
    static void hookAddWrite(void *privdata);
    static void hookDelWrite(void *privdata);
    static void hookCleanup(void *privdata);
    static void onConnectCallback(const redisAsyncContext *ac, int status);
    static void onDisconnectCallback(const redisAsyncContext *ac, int status);
    static void onReplyCallback(redisAsyncContext *ac, void *reply, void *privdata);
    static void onPushCallback(redisAsyncContext *ac, void *reply, void *privdata);

    Options m_options;
    Role m_role;
    State m_state = State::Idle;
    redisAsyncContext *m_ctx = nullptr;
    QSocketNotifier *m_read = nullptr;
    QSocketNotifier *m_write = nullptr;
    QTimer m_reconnectTimer;
    QTimer m_connectTimer;
    quint64 m_generation = 0; // one per context, so late handshake replies are recognised
    int m_attempt = 0;        // failed attempts since the last successful handshake
    int m_dispatching = 0;    // > 0 while inside a notifier's activated() handler
    bool m_closed = true;
    bool m_dropping = false;     // destructor running: ignore every callback
    bool m_gone = false;         // hiredis dropped the context on its own (cleanup hook ran)
    bool m_reportedDown = false; // the current outage was already signalled
    bool m_reportPending = false;
    QString m_reportReason;
    QString m_lastError; // hiredis' error text for the current context
    std::deque<Delivery> m_ready;
    PushHandler m_pushHandler;
};

} // namespace pc::redis
