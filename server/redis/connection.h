#pragma once

#include "options.h"
#include "reply.h"
#include "script.h"

#include <QObject>

#include <chrono>
#include <functional>
#include <memory>

namespace pc::redis {

using ReplyHandler = std::function<void(const Reply &)>;

class Link;

// A command connection on hiredis' async API, driven by QSocketNotifier. Commands issued in
// one event-loop pass are written to the socket together (hiredis buffers them until the
// write notifier fires). Reconnects with exponential backoff until close().
class Connection : public QObject
{
    Q_OBJECT
public:
    explicit Connection(Options options, QObject *parent = nullptr);
    ~Connection() override; // pending handlers are dropped, never called

    void open();
    void close();
    bool isConnected() const;
    const Options &options() const { return m_options; }

    // While disconnected, the handler gets Reply::disconnected() from the event loop (never
    // synchronously). A NULL hiredis reply (link lost) also arrives as Reply::disconnected().
    void command(const QList<QByteArray> &args, ReplyHandler handler = {});
    // Loads the script with SCRIPT LOAD first thing on every (re)connect, before any other
    // command: pipelined EVALSHAs then never meet NOSCRIPT, whose fallback could reorder them.
    void preload(const Script &script);
    // EVALSHA; on NOSCRIPT, EVAL with the source. keys and args as Redis expects them.
    void eval(const Script &script, const QList<QByteArray> &keys, const QList<QByteArray> &args,
        ReplyHandler handler);
    // Told the round trip of every script that got an answer (for the host's metrics).
    void setRoundTripObserver(std::function<void(std::chrono::nanoseconds)> observer)
    {
        m_roundTrip = std::move(observer);
    }

Q_SIGNALS:
    void connected();
    void disconnected(const QString &reason);

private:
    Options m_options;
    std::unique_ptr<Link> m_link;
    QList<Script> m_preloaded;
    std::function<void(std::chrono::nanoseconds)> m_roundTrip;
};

} // namespace pc::redis
