#pragma once

#include "protocol/outcome.h"
#include "protocol/replies.h"
#include "protocol/schema.h"

#include <QDeadlineTimer>
#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QTimer>

#include <functional>
#include <map>
#include <memory>

namespace pc::client {

class Link;

// Requests over a Link and their replies: an id each, sent at once or once the link is up,
// matched to its reply, given up on at a deadline, sent again after a reconnect when that
// is safe, failed with "unavailable" when the link is lost with it unanswered.
//
// Every callback comes with a context object and runs only while that object lives: a reply
// that arrives after its owner is gone is dropped. The request itself still goes out (a
// room.leave must reach the host whoever asked for it).
class RequestQueue : public QObject
{
    Q_OBJECT
public:
    // Whether a request may be sent again after the link was lost before its reply. Such
    // requests wait for the link for ever; the others fail once the answer time is up.
    enum class Retry { No, AfterReconnect };

    explicit RequestQueue(Link &link, QObject *parent = nullptr);
    ~RequestQueue() override; // what is pending is dropped without a call

    // done gets the op's result or the contract's error, once, and only while context lives
    // (a request without done needs no context).
    template<typename T>
    void request(protocol::Op op, const QJsonObject &params, Retry retry, QObject *context,
        protocol::Done<T> done);

    // How long a request that is not retried may wait, to be sent and for its reply.
    void setAnswerTimeoutMs(int ms) { m_answerTimeoutMs = ms; }
    int answerTimeoutMs() const { return m_answerTimeoutMs; }
    int inFlightCount() const { return int(m_inFlight.size()); } // sent, not answered
    int waitingCount() const { return int(m_waiting.size()); }   // for the link

    // Reply data -> the op's result type (messages.send answers with the message).
    template<typename T> static std::optional<T> decode(const QJsonObject &data)
    {
        return T::fromJson(data);
    }

private:
    using Handler = std::function<void(protocol::Outcome<QJsonObject>)>; // data or error
    struct Pending
    {
        protocol::Op op;
        QJsonObject params;
        Retry retry = Retry::No;
        QPointer<QObject> context;
        Handler handler;
        QDeadlineTimer deadline = QDeadlineTimer::Forever;
    };
    using PendingPtr = std::shared_ptr<Pending>;

    void enqueue(
        protocol::Op op, const QJsonObject &params, Retry retry, QObject *context, Handler handler);
    void transmit(const PendingPtr &pending);
    void flushWaiting();
    void onReply(const QJsonObject &reply);
    void onLost();
    void failOverdue();
    static void finish(const PendingPtr &pending, protocol::Outcome<QJsonObject> outcome);
    static protocol::Error undecodable();

    Link &m_link;
    int m_answerTimeoutMs;
    QTimer m_deadlines; // fails requests nobody answered in time
    qint64 m_nextId = 1;
    std::map<qint64, PendingPtr> m_inFlight; // by request id
    QList<PendingPtr> m_waiting;             // until connected
};

template<>
inline std::optional<protocol::Empty> RequestQueue::decode<protocol::Empty>(const QJsonObject &)
{
    return protocol::Empty {};
}

template<>
inline std::optional<protocol::ChatMessage> RequestQueue::decode<protocol::ChatMessage>(
    const QJsonObject &data)
{
    const auto sent = protocol::MessageSent::fromJson(data);
    return sent ? std::optional<protocol::ChatMessage>(sent->message) : std::nullopt;
}

template<typename T>
void RequestQueue::request(protocol::Op op, const QJsonObject &params, Retry retry,
    QObject *context, protocol::Done<T> done)
{
    Handler handler;
    if (done) {
        handler = [done = std::move(done)](protocol::Outcome<QJsonObject> outcome) {
            if (const auto *error = std::get_if<protocol::Error>(&outcome))
                return done(*error);
            if (auto value = decode<T>(std::get<QJsonObject>(outcome)))
                return done(std::move(*value));
            done(undecodable());
        };
    }
    enqueue(op, params, retry, context, std::move(handler));
}

} // namespace pc::client
