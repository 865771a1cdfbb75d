#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QList>

#include <utility>

namespace pc::test {

// What a host answered one HTTP request (the host closes after each answer).
struct HttpAnswer
{
    int status = 0; // 0: no answer (the connection closed or timed out first)
    QByteArray head;
    QByteArray body;

    QByteArray header(const QByteArray &name) const; // first value, case-insensitive
    QJsonObject json() const;
    QString errorCode() const; // error.code of an error answer
};

using HttpHeaders = QList<std::pair<QByteArray, QByteArray>>;

// A plain HTTP/1.1 request over a raw TCP socket to 127.0.0.1:port, so a test says exactly
// what goes on the wire (no proxy, no client library choices).
HttpAnswer httpRequest(quint16 port, const QByteArray &method, const QByteArray &target,
    const QByteArray &body = {}, const HttpHeaders &headers = {}, int timeoutMs = 5000);
// Writes bytes as they are and reads the answer until the host closes.
HttpAnswer httpRaw(quint16 port, const QByteArray &bytes, int timeoutMs = 5000);
// A member's header: Authorization: Bearer TOKEN.
HttpHeaders bearer(const QString &token);

} // namespace pc::test
