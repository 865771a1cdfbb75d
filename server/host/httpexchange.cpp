#include "httpexchange.h"

#include "gracefulclose.h"

#include "protocol/frames.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

namespace pc::host {

namespace {

    void setCork(QTcpSocket *socket, int on)
    {
        ::setsockopt(int(socket->socketDescriptor()), IPPROTO_TCP, TCP_CORK, &on, sizeof on);
    }

} // namespace

int HttpExchange::statusOf(protocol::ErrorCode code)
{
    switch (code) {
#define PC_CASE(name, status)                                                                      \
    case protocol::ErrorCode::name:                                                                \
        return status;
        PC_HTTP_STATUSES(PC_CASE)
#undef PC_CASE
    }
    return 500;
}

HttpExchange::HttpExchange(QHttpServerResponder &&responder, QTcpSocket *socket)
    : m_responder(std::move(responder)), m_socket(socket)
{
}

HttpExchange::~HttpExchange()
{
    if (!m_answered && m_socket)
        m_socket->abort();
}

void HttpExchange::respond(
    int status, const QByteArray &body, const Headers &headers, const QByteArray &contentType)
{
    if (std::exchange(m_answered, true) || !m_socket
        || m_socket->state() != QAbstractSocket::ConnectedState)
        return;
    // Qt writes the status line and each header on their own: one segment for all of it.
    setCork(m_socket, 1);
    m_responder.writeStatusLine(QHttpServerResponder::StatusCode(status));
    m_responder.writeHeader("Content-Type", contentType);
    m_responder.writeHeader("Content-Length", QByteArray::number(body.size()));
    m_responder.writeHeader("Cache-Control", "no-store"); // a join's answer holds a token
    m_responder.writeHeader("Connection", "close");
    for (const auto &[name, value] : headers)
        m_responder.writeHeader(name, value);
    m_responder.writeBody(body);
    setCork(m_socket, 0);
    closeGracefully(m_socket);
}

void HttpExchange::respondError(const protocol::Error &error, const Headers &headers, int status)
{
    Headers all = headers;
    if (error.code == protocol::ErrorCode::RateLimited)
        all.append(
            { QByteArray("Retry-After"), QByteArray::number((error.retryAfterMs + 999) / 1000) });
    else if (error.code == protocol::ErrorCode::Unauthorized)
        all.append({ QByteArray("WWW-Authenticate"), QByteArray("Bearer") });
    respond(status ? status : statusOf(error.code),
        "{\"error\":" + protocol::encodeError(error) + '}', all);
}

} // namespace pc::host
