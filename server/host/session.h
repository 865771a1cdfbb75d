#pragma once

#include "clientlimits.h"
#include "directsocket.h"
#include "hostoptions.h"

#include <QElapsedTimer>
#include <QHostAddress>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QTcpSocket>
#include <QTimer>
#include <QWebSocketProtocol>

class QWebSocket;

namespace pc::host {

class Outbox;
class Session;
struct HostCounters;

// What a Session hands on (to RoomHost). An interface, not signals: see DirectSocketObserver.
class SessionHandler
{
public:
    virtual void sessionText(Session *session, const QByteArray &frame) = 0;
    virtual void sessionBinary(Session *session) = 0;
    // The connection is gone; delete the session later. Told from the event loop, never from
    // inside a call on the session: it may finish while a fan-out loop sends to it.
    virtual void sessionFinished(Session *session) = 0;

protected:
    ~SessionHandler() = default;
};

// One client connection: its WebSocket, limits and the rooms it is subscribed to. What the
// requests mean is RoomHost's business.
class Session : public QObject, private DirectSocketObserver
{
    Q_OBJECT
public:
    // tcp: the connection under the WebSocket. Whole frames are written to it, what it reads
    // comes here decoded (QWebSocket's own decoder reads nothing), and any bytes from it count
    // as activity.
    Session(QWebSocket *socket, DirectSocket *tcp, SessionHandler *handler, Outbox *outbox,
        const HostOptions &options, HostCounters *counters, QObject *parent = nullptr);
    ~Session() override;

    quint64 id() const { return m_id; }
    bool isOpen() const { return m_open; }
    ClientLimits &limits() { return m_limits; }
    const QHostAddress &peerAddress() const { return m_peerAddress; }
    // The rooms it is subscribed to, kept by RoomHub: usually one, so a list.
    const QList<QString> &rooms() const { return m_rooms; }
    void addRoom(const QString &roomId);
    void removeRoom(const QString &roomId) { m_rooms.removeOne(roomId); }

    // A request was taken; its reply() is owed. Replies of requests the host ran go out
    // before any close, so a client learns what was done.
    void beginRequest() { ++m_inFlight; }
    void reply(const QByteArray &text);
    void replyFrame(const QByteArray &frame); // the same, already framed (textFrame())
    // Sends a text message (a JSON frame of the protocol).
    void send(const QByteArray &text);
    // Sends a whole WebSocket frame (textFrame()), e.g. one a room's subscribers share. Frames
    // go out in order at the end of the loop pass (Outbox). A client that does not read is
    // closed once its queue passes the limit, so it never costs the others memory or latency.
    void sendFrame(const QByteArray &frame);
    void flush(); // writes the frames of this pass
    // Closes with 1001 when no frame, ping or pong came for timeoutMs; drops a connection whose
    // queue passed the limit. RoomHost checks every session once per cycle, a slice per tick:
    // one timer for all instead of one re-armed per frame and session.
    void sweep(qint64 idleTimeoutMs);
    // Takes no more requests and closes with a code once the replies owed are written (1 s at
    // most). The close frame goes after everything sent before it; then the connection is
    // shut for writing and dropped when the client closes too, or after 1 s.
    void close(QWebSocketProtocol::CloseCode code, const QString &reason);

private:
    void received() override { touch(); }
    void frameRead(ClientFrameReader::Kind kind, QByteArray payload) override;
    void outgoingOverLimit() override { dropSlowReader(); }
    void protocolViolated() override;
    void onMessage(bool text, const QByteArray &message);
    void onClose(QByteArrayView payload);
    void touch();
    void dropSlowReader();
    void closeNow();
    void shutdownWhenWritten();

    QWebSocket *m_socket;
    // The connection under the WebSocket, until the QWebSocket deletes it (nullptr from then on).
    DirectSocket *tcp() const { return m_tcpSocket ? m_tcp : nullptr; }
    DirectSocket *m_tcp;
    QPointer<QTcpSocket> m_tcpSocket;
    SessionHandler *m_handler;
    Outbox *m_outbox;
    HostCounters *m_counters;
    QByteArray m_pending; // frames of this loop pass
    quint64 m_id;
    qint64 m_maxOutgoing;
    ClientLimits m_limits;
    QHostAddress m_peerAddress;
    // The TCP connection, as the WebSocket last said (QWebSocket::state() costs a call into Qt
    // per flush; nothing but the connection's end changes it, since Qt reads no frame).
    bool m_connected;
    QElapsedTimer m_sinceActivity; // restarted per frame
    QList<QString> m_rooms;
    int m_inFlight = 0;
    bool m_open = true;        // takes requests
    bool m_closing = false;    // a close waits for the replies owed
    bool m_closeSent = false;  // nothing more goes out
    bool m_slowReader = false; // closed for not reading: dropped sooner
    QWebSocketProtocol::CloseCode m_closeCode = QWebSocketProtocol::CloseCodeNormal;
    QString m_closeReason;
};

} // namespace pc::host
