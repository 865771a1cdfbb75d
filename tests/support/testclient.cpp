#include "testclient.h"

#include <QHash>
#include <QJsonDocument>
#include <QTest>

namespace pc::test {

namespace {

    struct Ledger
    {
        QMultiHash<QString, int>
            tokenOwner; // token -> the clients its member's join replies went to
        QList<std::pair<int, QByteArray>> frames; // every frame any client received
        int nextSerial = 1;
    };

    Ledger &ledger()
    {
        static Ledger l;
        return l;
    }

} // namespace

QJsonObject dataOf(const QJsonObject &reply)
{
    return reply.value(QLatin1StringView("data")).toObject();
}

QString errorCodeOf(const QJsonObject &reply)
{
    return reply.value(QLatin1StringView("error"))
        .toObject()
        .value(QLatin1StringView("code"))
        .toString();
}

TestClient::TestClient(const QUrl &url, QObject *parent)
    : QObject(parent), m_url(url), m_serial(ledger().nextSerial++)
{
    m_socket.setMaxAllowedIncomingMessageSize(64 * 1024 * 1024);
    connect(&m_socket, &QWebSocket::textMessageReceived, this, &TestClient::onText);
}

TestClient::~TestClient()
{
    m_socket.abort();
}

bool TestClient::open(int timeoutMs)
{
    m_socket.open(m_url);
    return QTest::qWaitFor([this] { return !m_hello.isEmpty(); }, timeoutMs);
}

bool TestClient::waitClosed(int timeoutMs)
{
    return QTest::qWaitFor(
        [this] { return m_socket.state() == QAbstractSocket::UnconnectedState; }, timeoutMs);
}

void TestClient::onText(const QString &text)
{
    const QByteArray bytes = text.toUtf8();
    ledger().frames.append({ m_serial, bytes });
    const QJsonObject frame = QJsonDocument::fromJson(bytes).object();
    const QString type = frame.value(QLatin1StringView("type")).toString();
    if (type == QLatin1StringView("reply")) {
        m_replies.append(frame);
        // A member's token, and a hosted room's host key: secrets of the client they came to.
        // A rejoin on another connection is the same member: its owner too.
        for (const char *secret : { "token", "hostKey" }) {
            const QString value = dataOf(frame).value(QLatin1StringView(secret)).toString();
            if (!value.isEmpty() && !ledger().tokenOwner.contains(value, m_serial))
                ledger().tokenOwner.insert(value, m_serial);
        }
    } else if (type == QLatin1StringView("event")) {
        m_events.append(frame);
    } else if (type == QLatin1StringView("hello")) {
        m_hello.append(frame);
    }
}

void TestClient::sendRaw(const QByteArray &text)
{
    m_socket.sendTextMessage(QString::fromUtf8(text));
}

QJsonObject TestClient::waitReply(const QJsonValue &id, int timeoutMs)
{
    QJsonObject found;
    (void)QTest::qWaitFor(
        [&] {
            for (qsizetype i = 0; i < m_replies.size(); ++i) {
                if (m_replies[i].value(QLatin1StringView("id")) == id) {
                    found = m_replies.takeAt(i);
                    return true;
                }
            }
            return false;
        },
        timeoutMs);
    return found;
}

QJsonObject TestClient::nextReply(int timeoutMs)
{
    if (!QTest::qWaitFor([this] { return !m_replies.isEmpty(); }, timeoutMs))
        return {};
    return m_replies.takeFirst();
}

QJsonObject TestClient::request(const QString &op, const QJsonObject &params, int timeoutMs)
{
    QJsonObject frame = params;
    const qint64 id = m_nextId++;
    frame.insert(QLatin1StringView("id"), id);
    frame.insert(QLatin1StringView("op"), op);
    sendRaw(QJsonDocument(frame).toJson(QJsonDocument::Compact));
    return waitReply(id, timeoutMs);
}

QJsonObject TestClient::requestRaw(const QByteArray &text, int timeoutMs)
{
    sendRaw(text);
    return nextReply(timeoutMs);
}

QList<QJsonObject> TestClient::events(const QString &name) const
{
    QList<QJsonObject> matching;
    for (const QJsonObject &e : m_events) {
        if (name.isEmpty() || e.value(QLatin1StringView("event")).toString() == name)
            matching.append(e);
    }
    return matching;
}

bool TestClient::waitForEvents(const QString &name, int count, int timeoutMs)
{
    return QTest::qWaitFor([&] { return events(name).size() >= count; }, timeoutMs);
}

QString TestClient::createRoom(int ttl, int maxParticipants)
{
    const QJsonObject reply = request(QStringLiteral("room.create"),
        { { QLatin1StringView("ttl"), ttl },
            { QLatin1StringView("maxParticipants"), maxParticipants } });
    return dataOf(reply).value(QLatin1StringView("roomId")).toString();
}

QJsonObject TestClient::join(const QString &roomId, const QString &name)
{
    return dataOf(request(QStringLiteral("room.join"),
        { { QLatin1StringView("roomId"), roomId }, { QLatin1StringView("name"), name } }));
}

QJsonObject TestClient::subscribe(const QString &roomId, const QString &token)
{
    return request(QStringLiteral("subscribe"),
        { { QLatin1StringView("channel"), roomId }, { QLatin1StringView("token"), token } });
}

QString TestClient::tokenLeak()
{
    const Ledger &l = ledger();
    const QList<QString> tokens = l.tokenOwner.uniqueKeys();
    for (const auto &[serial, frame] : l.frames) {
        for (const QString &token : tokens) {
            if (!l.tokenOwner.contains(token, serial) && frame.contains(token.toLatin1()))
                return QString::fromUtf8(frame);
        }
    }
    return {};
}

} // namespace pc::test
