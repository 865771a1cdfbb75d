#include "outbox.h"

#include "session.h"

namespace pc::host {

void Outbox::add(Session *session)
{
    if (m_waiting.isEmpty())
        QMetaObject::invokeMethod(this, &Outbox::flush, Qt::QueuedConnection);
    m_waiting.append(session);
}

void Outbox::remove(Session *session)
{
    m_waiting.removeOne(session);
}

void Outbox::flush()
{
    const QList<Session *> waiting = std::exchange(m_waiting, {});
    for (Session *session : waiting)
        session->flush();
}

} // namespace pc::host
