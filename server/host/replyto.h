#pragma once

#include "protocol/errors.h"

#include <QByteArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QPointer>

#include <memory>

namespace pc::host {

class HttpExchange;
class Session;
struct HostCounters;

// Where a request's one reply goes: a WebSocket session (a reply frame echoing the request's
// id) or an HTTP exchange (a status and a JSON body). Either may be gone by the time the store
// answers; the reply is dropped then. Every error reply is counted by its code.
class ReplyTo
{
public:
    ReplyTo(HostCounters *counters, Session *session, QJsonValue id);
    ReplyTo(HostCounters *counters, std::shared_ptr<HttpExchange> http);

    void succeed(const QJsonObject &data) const;
    void succeed(const QByteArray &data) const; // a compact JSON object, spliced in as is
    void fail(const protocol::Error &error) const;

private:
    HostCounters *m_counters;
    QPointer<Session> m_session;
    QJsonValue m_id;
    std::shared_ptr<HttpExchange> m_http;
};

} // namespace pc::host
