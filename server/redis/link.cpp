#include "link.h"

#include "backoff.h"
#include "hiredisreply.h"

#include <QCoreApplication>
#include <QFile>
#include <QPointer>
#include <QSocketNotifier>

#include <hiredis/async.h>
#include <hiredis/hiredis.h>

#include <csignal>
#include <mutex>
#include <vector>

namespace pc::redis {

Q_LOGGING_CATEGORY(lcRedis, "pc.redis")

namespace {

    QString tr(const char *text)
    {
        return QCoreApplication::translate("pc::redis::Link", text);
    }

    // hiredis writes with write(2): a peer that went away would raise SIGPIPE and kill us.
    // Only replace the default action, never a handler the program installed.
    void ignoreSigpipe()
    {
        static std::once_flag once;
        std::call_once(once, [] {
            struct sigaction current = {};
            if (sigaction(SIGPIPE, nullptr, &current) == 0 && current.sa_handler == SIG_DFL)
                std::signal(SIGPIPE, SIG_IGN);
        });
    }

    QString errorText(const redisAsyncContext *ac)
    {
        // ac->c.errstr, not ac->errstr: hiredis copies the latter only after onConnect ran.
        const QString text = QString::fromLocal8Bit(ac->c.errstr);
        return text.isEmpty() ? tr("connection lost") : text;
    }

} // namespace

struct Link::Request
{
    ReplyHandler handler;
};

Link::Link(const Options &options, Role role) : m_options(options), m_role(role)
{
    ignoreSigpipe();
    m_reconnectTimer.setSingleShot(true);
    m_connectTimer.setSingleShot(true);
    connect(&m_reconnectTimer, &QTimer::timeout, this, &Link::attempt);
    connect(&m_connectTimer, &QTimer::timeout, this, &Link::onConnectTimeout);
}

Link::~Link()
{
    m_dropping = true;
    m_reconnectTimer.stop();
    m_connectTimer.stop();
    // Not inside a hiredis callback (user code never runs there), so freeing is safe. Pending
    // callbacks come back with NULL and are ignored, as m_dropping says.
    if (m_ctx)
        redisAsyncFree(m_ctx);
    m_ready.clear();
    // We may be inside a notifier's activated() handler right now: never delete it there.
    if (m_dispatching > 0) {
        const auto notifiers = findChildren<QSocketNotifier *>(Qt::FindDirectChildrenOnly);
        for (QSocketNotifier *n : notifiers) {
            n->setEnabled(false);
            n->setParent(nullptr);
            n->deleteLater();
        }
    }
}

void Link::open()
{
    m_closed = false;
    if (m_ctx || m_reconnectTimer.isActive())
        return;
    m_reconnectTimer.start(0);
}

void Link::close()
{
    m_closed = true;
    m_reconnectTimer.stop();
    m_connectTimer.stop();
    const bool wasReady = m_state == State::Ready;
    if (m_ctx)
        freeContext();
    m_state = State::Idle;
    m_attempt = 0;
    m_reportedDown = false;
    // Pending handlers got NULL replies: hand them out from the event loop, not from close().
    if (!m_ready.empty())
        QMetaObject::invokeMethod(this, &Link::settle, Qt::QueuedConnection);
    if (wasReady) {
        qCInfo(lcRedis) << "closed the link to" << m_options.url.toString();
        Q_EMIT disconnected(tr("closed"));
    }
}

void Link::attempt()
{
    if (m_closed || m_ctx)
        return;
    ++m_generation;
    m_lastError.clear();
    const Url &url = m_options.url;
    qCDebug(lcRedis) << "connecting to" << url.toString();
    redisAsyncContext *ac = url.kind == Url::Kind::Unix
        ? redisAsyncConnectUnix(QFile::encodeName(url.path).constData())
        : redisAsyncConnect(url.host.toUtf8().constData(), url.port);
    if (!ac) {
        linkEnded(tr("out of memory"));
        settle();
        return;
    }
    if (ac->c.err) {
        // Failed before any callback or adapter was set (e.g. no socket file): free right away.
        const QString reason = errorText(ac);
        redisAsyncFree(ac);
        linkEnded(reason);
        settle();
        return;
    }
    if (url.kind == Url::Kind::Tcp)
        redisEnableKeepAlive(&ac->c); // notice a peer that vanished without a FIN
    useReplyFunctions(ac->c.reader);
    m_ctx = ac;
    m_state = State::Connecting;
    ac->data = this;
    // The adapter first: redisAsyncSetConnectCallback adds a write event, which is how hiredis
    // learns that the non-blocking connect finished.
    attachAdapter();
    redisAsyncSetConnectCallback(ac, &Link::onConnectCallback);
    redisAsyncSetDisconnectCallback(ac, &Link::onDisconnectCallback);
    m_connectTimer.start(qMax(1, m_options.connectTimeoutMs));
}

void Link::attachAdapter()
{
    const int fd = m_ctx->c.fd;
    m_read = new QSocketNotifier(fd, QSocketNotifier::Read, this);
    m_read->setEnabled(false);
    connect(m_read, &QSocketNotifier::activated, this, [this] { onNotifier(false); });
    m_write = new QSocketNotifier(fd, QSocketNotifier::Write, this);
    m_write->setEnabled(false);
    connect(m_write, &QSocketNotifier::activated, this, [this] { onNotifier(true); });

    m_ctx->ev.data = this;
    m_ctx->ev.addRead = &Link::hookAddRead;
    m_ctx->ev.delRead = &Link::hookDelRead;
    m_ctx->ev.addWrite = &Link::hookAddWrite;
    m_ctx->ev.delWrite = &Link::hookDelWrite;
    m_ctx->ev.cleanup = &Link::hookCleanup;
}

void Link::retireNotifiers()
{
    // deleteLater: the context may be going away inside one of these notifiers' handlers.
    for (QSocketNotifier *n : { m_read, m_write }) {
        if (n) {
            n->setEnabled(false);
            n->deleteLater();
        }
    }
    m_read = nullptr;
    m_write = nullptr;
}

void Link::hookAddRead(void *privdata)
{
    auto *link = static_cast<Link *>(privdata);
    if (link->m_read)
        link->m_read->setEnabled(true);
}

void Link::hookDelRead(void *privdata)
{
    auto *link = static_cast<Link *>(privdata);
    if (link->m_read)
        link->m_read->setEnabled(false);
}

// Enabled only while hiredis has output: every command of one event-loop pass goes out in the
// one write that follows.
void Link::hookAddWrite(void *privdata)
{
    auto *link = static_cast<Link *>(privdata);
    if (link->m_write)
        link->m_write->setEnabled(true);
}

void Link::hookDelWrite(void *privdata)
{
    auto *link = static_cast<Link *>(privdata);
    if (link->m_write)
        link->m_write->setEnabled(false);
}

// The context is being freed (hiredis 0.14 calls this twice). Touch only our own state.
void Link::hookCleanup(void *privdata)
{
    auto *link = static_cast<Link *>(privdata);
    if (!link->m_ctx)
        return;
    link->m_ctx = nullptr;
    link->m_gone = true;
    link->retireNotifiers();
}

void Link::onConnectCallback(const redisAsyncContext *ac, int status)
{
    auto *link = static_cast<Link *>(ac->data);
    if (!link || link->m_dropping)
        return;
    if (status != REDIS_OK) {
        // hiredis frees the context right after this returns; the cleanup hook follows.
        link->m_lastError = errorText(ac);
        return;
    }
    const quint64 generation = link->m_generation;
    link->m_ready.push_back(
        { [link, generation](const Reply &) { link->startHandshake(generation); }, Reply() });
}

void Link::onDisconnectCallback(const redisAsyncContext *ac, int status)
{
    auto *link = static_cast<Link *>(ac->data);
    if (!link || link->m_dropping)
        return;
    if (status != REDIS_OK)
        link->m_lastError = errorText(ac);
}

void Link::onReplyCallback(redisAsyncContext *ac, void *reply, void *privdata)
{
    std::unique_ptr<Request> request(static_cast<Request *>(privdata));
    auto *link = static_cast<Link *>(ac->data);
    if (!link || link->m_dropping)
        return;
    // NULL: the context is being freed with this command still pending.
    link->m_ready.push_back(
        { std::move(request->handler), reply ? takeReply(reply) : Reply::disconnected() });
}

void Link::onPushCallback(redisAsyncContext *, void *reply, void *privdata)
{
    auto *link = static_cast<Link *>(privdata);
    // NULL: hiredis calls every channel's callback once while freeing the context.
    if (!reply || link->m_dropping)
        return;
    link->m_ready.push_back({ {}, takeReply(reply) });
}

bool Link::sendRaw(
    const QList<QByteArray> &args, void (*fn)(redisAsyncContext *, void *, void *), void *privdata)
{
    if (!m_ctx || args.isEmpty())
        return false;
    std::vector<const char *> argv;
    std::vector<size_t> argvlen;
    argv.reserve(size_t(args.size()));
    argvlen.reserve(size_t(args.size()));
    for (const QByteArray &arg : args) {
        argv.push_back(arg.constData());
        argvlen.push_back(size_t(arg.size()));
    }
    return redisAsyncCommandArgv(m_ctx, fn, privdata, int(argv.size()), argv.data(), argvlen.data())
        == REDIS_OK;
}

bool Link::send(const QList<QByteArray> &args, const ReplyHandler &handler)
{
    if (m_state != State::Ready)
        return false;
    if (!handler)
        return sendRaw(args, nullptr, nullptr);
    auto *request = new Request { handler };
    if (!sendRaw(args, &Link::onReplyCallback, request)) {
        delete request;
        return false;
    }
    return true;
}

bool Link::sendSubscription(const QList<QByteArray> &args)
{
    if (m_state != State::Ready)
        return false;
    return sendRaw(args, &Link::onPushCallback, this);
}

void Link::startHandshake(quint64 generation)
{
    if (generation != m_generation || !m_ctx)
        return;
    // A reply proves a Redis is there and ready (not LOADING, no AUTH needed); for commands the
    // right database must be selected before anyone may send.
    QList<QByteArray> args;
    if (m_role == Role::Commands && m_options.url.db != 0)
        args = { QByteArrayLiteral("SELECT"), QByteArray::number(m_options.url.db) };
    else
        args = { QByteArrayLiteral("PING") };
    const QByteArray command = args.first();
    auto *request = new Request { [this, generation, command](const Reply &reply) {
        onHandshake(generation, command, reply);
    } };
    if (!sendRaw(args, &Link::onReplyCallback, request))
        delete request;
}

void Link::onHandshake(quint64 generation, const QByteArray &command, const Reply &reply)
{
    if (generation != m_generation || reply.type == Reply::Type::Disconnected
        || m_state != State::Connecting)
        return; // that context is gone: its end was handled already
    if (reply.isError()) {
        // Redis' own error text (e.g. "ERR DB index is out of range", "NOAUTH ..."): no secrets.
        const QString reason
            = tr("Redis refused %1: %2")
                  .arg(QString::fromLatin1(command), QString::fromUtf8(reply.string));
        freeContext();
        linkEnded(reason);
        return; // settle() is running: it reports
    }
    m_connectTimer.stop();
    m_state = State::Ready;
    m_attempt = 0;
    m_reportedDown = false;
    m_reportPending = false;
    qCInfo(lcRedis) << "connected to" << m_options.url.toString();
    Q_EMIT connected();
}

void Link::onConnectTimeout()
{
    if (!m_ctx || m_state != State::Connecting)
        return;
    const QString reason = tr("no answer within %1 ms").arg(m_options.connectTimeoutMs);
    freeContext();
    linkEnded(reason);
    settle();
}

void Link::freeContext()
{
    // The cleanup hook clears m_ctx and retires the notifiers; our caller reports the end.
    redisAsyncFree(m_ctx);
    m_ctx = nullptr;
    m_gone = false;
}

void Link::linkEnded(const QString &reason)
{
    const bool wasReady = m_state == State::Ready;
    m_connectTimer.stop();
    m_state = m_closed ? State::Idle : State::Waiting;
    if (!m_closed)
        scheduleReconnect();
    if (wasReady || !m_reportedDown) {
        m_reportedDown = true;
        m_reportPending = true;
        m_reportReason = reason;
        qCWarning(lcRedis).nospace()
            << "link to " << m_options.url.toString() << (wasReady ? " lost: " : " failed: ")
            << reason << "; retrying in " << m_reconnectTimer.remainingTime() << " ms";
    } else {
        qCDebug(lcRedis).nospace()
            << "attempt to " << m_options.url.toString() << " failed: " << reason
            << "; retrying in " << m_reconnectTimer.remainingTime() << " ms";
    }
}

void Link::scheduleReconnect()
{
    m_reconnectTimer.start(reconnectDelayMs(m_attempt, m_options));
    if (m_attempt < 64)
        ++m_attempt;
}

void Link::onNotifier(bool writable)
{
    if (!m_ctx)
        return;
    QPointer<Link> self(this);
    ++m_dispatching;
    if (writable)
        redisAsyncHandleWrite(m_ctx);
    else
        redisAsyncHandleRead(m_ctx);
    settle(); // may delete this
    if (self)
        --m_dispatching;
}

// Runs outside hiredis: notes a context hiredis dropped, hands out replies in order, then
// reports the outage. Any handler may delete this Link.
void Link::settle()
{
    QPointer<Link> self(this);
    if (m_gone) {
        m_gone = false;
        linkEnded(m_lastError.isEmpty() ? tr("connection lost") : m_lastError);
    }
    while (self && !m_ready.empty()) {
        Delivery item = std::move(m_ready.front());
        m_ready.pop_front();
        if (item.handler) {
            item.handler(item.reply);
        } else if (m_pushHandler) {
            const PushHandler push = m_pushHandler; // survives the Link being deleted by it
            push(item.reply);
        }
    }
    if (self && m_reportPending) {
        m_reportPending = false;
        Q_EMIT disconnected(m_reportReason);
    }
}

} // namespace pc::redis
