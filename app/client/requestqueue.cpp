#include "requestqueue.h"

#include "clientlog.h"
#include "link.h"

#include "protocol/json.h"

namespace pc::client {

using namespace pc::protocol;

namespace {

    constexpr int kAnswerTimeoutMs = 15'000; // a host that is up answers in milliseconds

    QLatin1StringView key(const char *k)
    {
        return QLatin1StringView(k);
    }

    Error errorOfReply(const QJsonObject &reply)
    {
        const QJsonObject e = reply.value(key("error")).toObject();
        Error error;
        error.code
            = errorCodeFromName(e.value(key("code")).toString()).value_or(ErrorCode::Internal);
        error.message = e.value(key("message")).toString();
        error.retryAfterMs = qint64(e.value(key("retryAfterMs")).toDouble(-1));
        return error;
    }

} // namespace

RequestQueue::RequestQueue(Link &link, QObject *parent)
    : QObject(parent), m_link(link), m_answerTimeoutMs(kAnswerTimeoutMs)
{
    m_deadlines.setInterval(250);
    connect(&m_deadlines, &QTimer::timeout, this, &RequestQueue::failOverdue);
    connect(&m_link, &Link::connected, this, &RequestQueue::flushWaiting);
    connect(&m_link, &Link::lost, this, &RequestQueue::onLost);
    connect(&m_link, &Link::replyReceived, this, &RequestQueue::onReply);
}

RequestQueue::~RequestQueue() = default;

Error RequestQueue::undecodable()
{
    return { ErrorCode::Internal,
        QStringLiteral("The host sent a reply this client does not understand.") };
}

void RequestQueue::finish(const PendingPtr &pending, Outcome<QJsonObject> outcome)
{
    // The guard: an owner that is gone is not called.
    if (pending->handler && pending->context)
        pending->handler(std::move(outcome));
}

void RequestQueue::enqueue(
    Op op, const QJsonObject &params, Retry retry, QObject *context, Handler handler)
{
    Q_ASSERT_X(context || !handler, "RequestQueue::request", "a callback needs a context");
    auto pending
        = std::make_shared<Pending>(Pending { op, params, retry, context, std::move(handler) });
    if (retry == Retry::No) {
        pending->deadline = QDeadlineTimer(m_answerTimeoutMs);
        if (!m_deadlines.isActive())
            m_deadlines.start();
    }
    if (m_link.isConnected()) {
        transmit(pending);
        return;
    }
    m_waiting.append(pending);
    m_link.open();
}

void RequestQueue::transmit(const PendingPtr &pending)
{
    // A fresh id on every sending: a reply to an earlier link cannot be taken for this one.
    const qint64 id = m_nextId++;
    QJsonObject frame = pending->params;
    frame.insert(key("id"), id);
    frame.insert(key("op"), opName(pending->op).toString());
    m_inFlight.emplace(id, pending);
    m_link.sendFrame(frame);
}

void RequestQueue::flushWaiting()
{
    const auto waiting = std::exchange(m_waiting, {});
    for (const auto &pending : waiting)
        transmit(pending);
}

void RequestQueue::onReply(const QJsonObject &reply)
{
    const bool ok = reply.value(key("ok")).toBool();
    const auto id = json::toSafeInteger(reply.value(key("id")));
    auto it = id ? m_inFlight.find(*id) : m_inFlight.end();
    if (it == m_inFlight.end()) {
        if (!ok)
            qCWarning(lcClient) << "host rejected a frame:" << errorOfReply(reply).message;
        return;
    }
    const PendingPtr pending = it->second;
    m_inFlight.erase(it);
    if (ok)
        return finish(pending, reply.value(key("data")).toObject());
    const Error error = errorOfReply(reply);
    if (error.code == ErrorCode::RateLimited && pending->retry == Retry::AfterReconnect) {
        // Nothing was done; the host says when to ask again.
        QTimer::singleShot(
            int(std::clamp<qint64>(error.retryAfterMs, 1, 60'000)), this, [this, pending] {
                m_waiting.append(pending);
                if (m_link.isConnected())
                    flushWaiting();
            });
        return;
    }
    finish(pending, error);
}

void RequestQueue::onLost()
{
    // The safe ones go again after the reconnect, ahead of what waits; the others fail.
    const Error lost { ErrorCode::Unavailable,
        QStringLiteral("The connection to the room host was lost.") };
    QList<PendingPtr> again;
    const auto inFlight = std::exchange(m_inFlight, {});
    for (const auto &[id, pending] : inFlight) {
        if (pending->retry == Retry::AfterReconnect)
            again.append(pending);
    }
    m_waiting = again + m_waiting;
    for (const auto &[id, pending] : inFlight) {
        if (pending->retry == Retry::No)
            finish(pending, lost);
    }
}

// Requests someone waits for fail as unavailable once their time is up, whether they wait to
// be sent or for their reply (a late reply finds no one and is dropped).
void RequestQueue::failOverdue()
{
    const auto overdue = [](const PendingPtr &p) { return p->deadline.hasExpired(); };
    QList<PendingPtr> failed;
    for (auto it = m_inFlight.begin(); it != m_inFlight.end();) {
        if (overdue(it->second)) {
            failed.append(it->second);
            it = m_inFlight.erase(it);
        } else {
            ++it;
        }
    }
    for (const auto &pending : std::as_const(m_waiting)) {
        if (overdue(pending))
            failed.append(pending);
    }
    m_waiting.removeIf(overdue);
    const auto timed = [](const PendingPtr &p) { return !p->deadline.isForever(); };
    const bool anyLeft = std::any_of(m_inFlight.begin(), m_inFlight.end(), [&](const auto &entry) {
        return timed(entry.second);
    }) || std::any_of(m_waiting.begin(), m_waiting.end(), timed);
    if (!anyLeft)
        m_deadlines.stop();
    const Error noAnswer { ErrorCode::Unavailable,
        QStringLiteral("The host did not answer in %1 s.").arg((m_answerTimeoutMs + 999) / 1000) };
    for (const auto &pending : std::as_const(failed))
        finish(pending, noAnswer);
}

} // namespace pc::client
