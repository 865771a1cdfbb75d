#pragma once

// Private to server/redis: never include from a public header.

#include "options.h"
#include "reply.h"

#include <QObject>
#include <QTcpSocket>
#include <QTimer>

struct redisReader;

namespace pc::redis {

// A RESP2 connection of our own for sharded pub/sub: hiredis 0.14's async layer aborts on
// SSUBSCRIBE and does not know smessage pushes, so we write the commands ourselves and parse
// every reply with hiredis' reply reader. Each reply or push is handed out in arrival order;
// matching them to commands is the owner's business. Reconnects with backoff until close().
class PushLink : public QObject
{
    Q_OBJECT
public:
    PushLink(const NodeAddress &node, const Options &options, QObject *parent = nullptr);
    ~PushLink() override;

    const NodeAddress &node() const { return m_node; }
    const QString &name() const { return m_name; } // host:port
    void open();
    void close();
    bool isConnected() const { return m_ready; }
    // False when not connected.
    bool send(const QList<QByteArray> &args);

Q_SIGNALS:
    void connected();
    void disconnected(const QString &reason);
    void received(const Reply &reply);

private:
    void attempt();
    void onConnected();
    void onReadyRead();
    void drop(const QString &reason);

    NodeAddress m_node;
    QString m_name;
    Options m_options;
    QTcpSocket m_socket;
    QTimer m_reconnectTimer;
    QTimer m_connectTimer;
    redisReader *m_reader = nullptr;
    bool m_open = false;
    bool m_ready = false;    // the PING of the handshake was answered
    bool m_reported = false; // this outage was signalled
    int m_attempt = 0;
};

} // namespace pc::redis
