#pragma once

#include "gateway.h"

#include <QObject>
#include <QThread>
#include <QTimer>

#include <optional>

namespace pc::reach {

// Asks the router to forward a TCP port to this computer, UPnP-IGD first, then NAT-PMP,
// keeps the lease renewed, and removes the mapping on stop() or destruction. The router is
// talked to on a thread of its own: hosting never waits for it.
//
//   Idle ─start→ Mapping ─mapped→ Mapped ─renewal refused→ Mapping (again) …
//                        ─no router / refused / time limit→ Unavailable
//   any ─stop→ Idle (the mapping removed first)
class PortMapper : public QObject
{
    Q_OBJECT
public:
    enum class State { Idle, Mapping, Mapped, Unavailable };
    Q_ENUM(State)

    struct Options
    {
        int leaseSeconds = 3600; // asked of the router; renewed at half of what it grants
        int timeLimitMs
            = 8000; // for the whole search: then unavailable() (a late answer still counts)
        int upnpDiscoverMs = 1000; // per kind of device miniupnpc asks for (up to three)
        int natpmpTimeoutMs = 3000;
    };

    explicit PortMapper(QObject *parent = nullptr);
    // Ends the thread (each router call is bounded), then removes the mapping.
    ~PortMapper() override;

    void start(quint16 port, const Options &options);
    void start(quint16 port) { start(port, Options {}); }
    // Removes the mapping, then stopped(); at once when there is none.
    void stop();

    State state() const { return m_state; }
    const std::optional<Mapping> &mapping() const { return m_mapping; }
    QString why() const { return m_why; } // of Unavailable

Q_SIGNALS:
    void mapped(const pc::reach::Mapping &mapping);
    void unavailable(const QString &why);
    void stopped();

private:
    class Worker;

    void setMapped(const Mapping &mapping);
    void setUnavailable(const QString &why);
    void search();
    void renew();

    State m_state = State::Idle;
    Options m_options;
    quint16 m_port = 0;
    quint64 m_generation = 0; // results of an earlier start() are dropped
    std::optional<Mapping> m_mapping;
    QString m_why;
    QThread m_thread;
    Worker *m_worker = nullptr; // lives on m_thread
    QTimer m_timeLimit;
    QTimer m_renewal;
};

} // namespace pc::reach
