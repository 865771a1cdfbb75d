#include "replyto.h"

#include "hostcounters.h"
#include "httpexchange.h"
#include "session.h"
#include "textframe.h"

#include "protocol/frames.h"

#include <QJsonDocument>

namespace pc::host {

ReplyTo::ReplyTo(HostCounters *counters, Session *session, QJsonValue id)
    : m_counters(counters), m_session(session), m_id(std::move(id))
{
}

ReplyTo::ReplyTo(HostCounters *counters, std::shared_ptr<HttpExchange> http)
    : m_counters(counters), m_http(std::move(http))
{
}

void ReplyTo::succeed(const QJsonObject &data) const
{
    if (m_http)
        m_http->respond(200, QJsonDocument(data).toJson(QJsonDocument::Compact));
    else if (m_session)
        m_session->reply(protocol::encodeReply(m_id, data));
}

void ReplyTo::succeed(const QByteArray &data) const
{
    if (m_http)
        m_http->respond(200, data);
    else if (m_session)
        m_session->replyFrame(textFrame({ protocol::replyDataHead(m_id), data, "}" }));
}

void ReplyTo::fail(const protocol::Error &error) const
{
    m_counters->countError(error.code, m_http ? Transport::Http : Transport::WebSocket);
    if (m_http)
        m_http->respondError(error);
    else if (m_session)
        m_session->reply(protocol::encodeErrorReply(m_id, error));
}

} // namespace pc::host
