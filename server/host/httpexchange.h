#pragma once

#include "protocol/errors.h"

#include <QByteArray>
#include <QHttpServerResponder>
#include <QList>
#include <QPointer>
#include <QTcpSocket>

#include <utility>

namespace pc::host {

// One HTTP request's answer: a status and a JSON body, written once. The connection closes
// after it (one request per connection, so every request passes the handshake gate's limits):
// a FIN once it is written, then the socket goes when the client closes too, or 1 s later.
class HttpExchange
{
public:
    using Headers = QList<std::pair<QByteArray, QByteArray>>;

    HttpExchange(QHttpServerResponder &&responder, QTcpSocket *socket);
    ~HttpExchange(); // never answered (cannot happen): the connection is dropped
    HttpExchange(const HttpExchange &) = delete;
    HttpExchange &operator=(const HttpExchange &) = delete;

    void respond(int status, const QByteArray &body, const Headers &headers = {},
        const QByteArray &contentType = "application/json");
    // {"error": the same object as a WebSocket reply's}, with the code's status and headers.
    // status: the code's own unless given.
    void respondError(const protocol::Error &error, const Headers &headers = {}, int status = 0);
    bool isAnswered() const { return m_answered; }

    static int statusOf(protocol::ErrorCode code);

private:
    QHttpServerResponder m_responder;
    QPointer<QTcpSocket> m_socket; // QHttpServer deletes it when the client goes
    bool m_answered = false;
};

} // namespace pc::host
