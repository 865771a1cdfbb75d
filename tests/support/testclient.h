#pragma once

#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QUrl>
#include <QWebSocket>

namespace pc::test {

// A real WebSocket client for the tests, speaking raw protocol frames. Every frame any test
// client receives is recorded, so a test can assert that no token reached anyone but its owner.
class TestClient : public QObject
{
    Q_OBJECT
public:
    explicit TestClient(const QUrl &url, QObject *parent = nullptr);
    ~TestClient() override;

    bool open(int timeoutMs = 5000); // connected and hello received
    bool isOpen() const { return m_socket.state() == QAbstractSocket::ConnectedState; }
    bool waitClosed(int timeoutMs = 5000);
    int closeCode() const { return m_socket.closeCode(); }
    QWebSocket &socket() { return m_socket; }

    // Sends an op with a fresh integer id and waits for its reply (the whole reply frame).
    QJsonObject request(const QString &op, const QJsonObject &params = {}, int timeoutMs = 5000);
    // Sends any text and waits for the next reply frame that arrives.
    QJsonObject requestRaw(const QByteArray &text, int timeoutMs = 5000);
    void sendRaw(const QByteArray &text);
    QJsonObject waitReply(const QJsonValue &id, int timeoutMs = 5000);
    QJsonObject nextReply(int timeoutMs = 5000);

    QList<QJsonObject> events(const QString &name = {}) const;
    bool waitForEvents(const QString &name, int count, int timeoutMs = 5000);
    void clearEvents() { m_events.clear(); }
    const QList<QJsonObject> &hello() const { return m_hello; }

    // Convenience: room.create / room.join returning the reply's data (empty on error).
    QString createRoom(int ttl = 600, int maxParticipants = 2);
    QJsonObject join(const QString &roomId, const QString &name);
    QJsonObject subscribe(const QString &roomId, const QString &token);

    // Fails (returns the offending frame) if a token appeared in a frame to another client.
    static QString tokenLeak();

private:
    void onText(const QString &text);

    QWebSocket m_socket;
    QUrl m_url;
    int m_serial;
    qint64 m_nextId = 1;
    QList<QJsonObject> m_replies; // not yet consumed
    QList<QJsonObject> m_events;
    QList<QJsonObject> m_hello;
};

// A JSON key, short: the tests spell many.
inline QLatin1StringView k(const char *key)
{
    return QLatin1StringView(key);
}

// A member's params: roomId and token.
inline QJsonObject memberParams(const QString &roomId, const QString &token)
{
    return { { k("roomId"), roomId }, { k("token"), token } };
}

// o with key set to value.
inline QJsonObject with(QJsonObject o, const char *key, const QJsonValue &value)
{
    o.insert(k(key), value);
    return o;
}

// data of a reply, error code of a failed reply
QJsonObject dataOf(const QJsonObject &reply);
QString errorCodeOf(const QJsonObject &reply);

} // namespace pc::test
