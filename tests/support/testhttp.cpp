#include "testhttp.h"

#include <QJsonDocument>
#include <QTcpSocket>
#include <QTest>

namespace pc::test {

QByteArray HttpAnswer::header(const QByteArray &name) const
{
    for (const QByteArray &line : head.split('\n')) {
        const qsizetype colon = line.indexOf(':');
        if (colon > 0 && line.first(colon).trimmed().compare(name, Qt::CaseInsensitive) == 0)
            return line.sliced(colon + 1).trimmed();
    }
    return {};
}

QJsonObject HttpAnswer::json() const
{
    return QJsonDocument::fromJson(body).object();
}

QString HttpAnswer::errorCode() const
{
    return json()
        .value(QLatin1StringView("error"))
        .toObject()
        .value(QLatin1StringView("code"))
        .toString();
}

HttpAnswer httpRaw(quint16 port, const QByteArray &bytes, int timeoutMs)
{
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, port);
    if (!socket.waitForConnected(timeoutMs))
        return {};
    socket.write(bytes);
    QByteArray received;
    QObject::connect(&socket, &QIODevice::readyRead, [&] { received += socket.readAll(); });
    QTest::qWaitFor([&] { return socket.state() == QAbstractSocket::UnconnectedState; }, timeoutMs);
    received += socket.readAll();
    HttpAnswer answer;
    // A 100 Continue may come first: the answer is the last head.
    qsizetype at = 0;
    while (received.sliced(at).startsWith("HTTP/1.1 100")) {
        const qsizetype end = received.indexOf("\r\n\r\n", at);
        if (end < 0)
            break;
        at = end + 4;
    }
    const qsizetype end = received.indexOf("\r\n\r\n", at);
    if (end < 0)
        return answer;
    answer.head = received.sliced(at, end - at);
    answer.body = received.sliced(end + 4);
    const QList<QByteArray> statusLine = answer.head.first(answer.head.indexOf('\r')).split(' ');
    answer.status = statusLine.size() > 1 ? statusLine[1].toInt() : 0;
    return answer;
}

HttpAnswer httpRequest(quint16 port, const QByteArray &method, const QByteArray &target,
    const QByteArray &body, const HttpHeaders &headers, int timeoutMs)
{
    QByteArray request = method + ' ' + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    for (const auto &[name, value] : headers)
        request += name + ": " + value + "\r\n";
    if (!body.isEmpty() || method == "POST")
        request += "Content-Type: application/json\r\nContent-Length: "
            + QByteArray::number(body.size()) + "\r\n";
    request += "\r\n" + body;
    return httpRaw(port, request, timeoutMs);
}

HttpHeaders bearer(const QString &token)
{
    return { { "Authorization", "Bearer " + token.toUtf8() } };
}

} // namespace pc::test
