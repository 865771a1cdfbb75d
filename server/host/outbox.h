#pragma once

#include <QList>
#include <QObject>

namespace pc::host {

class Session;

// Writes each connection's frames once per event-loop pass: a member who gets a reply and an
// event in the same pass gets one send(), and under load every send carries more. Frames wait
// in their Session; the flush is a queued call, so it runs right after the pass that queued.
class Outbox : public QObject
{
    Q_OBJECT
public:
    using QObject::QObject;

    void add(Session *session);    // it has frames to write
    void remove(Session *session); // it goes away
    void flush();

private:
    QList<Session *> m_waiting;
};

} // namespace pc::host
