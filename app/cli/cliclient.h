#pragma once

#include "invitelink.h"
#include "realtimeclient.h"
#include "sealedroom.h"

#include <QObject>
#include <QSocketNotifier>

namespace pc::client {

// privatechat-cli's session: creates a room, or joins one and bridges it to the terminal —
// events and status changes out as JSON lines on stdout, stdin lines in as messages.
class CliClient : public QObject
{
    Q_OBJECT
public:
    enum ExitCode { Ok = 0, Failed = 1, BadUsage = 2, CannotJoin = 3 };

    explicit CliClient(QObject *parent = nullptr);

    // qr: the invite also as a QR code in the terminal, after the link line.
    // host: the room host (roomId empty); the printed invite names it as given. endToEnd: a
    // new room key in the invite's fragment.
    void create(const InviteLink &host, int ttl, int maxParticipants, bool qr = false,
        bool endToEnd = true);
    void join(const InviteLink &link, const QString &name);
    // How long to wait for the host to answer before giving up (exit 3).
    void setTimeoutSeconds(int seconds) { m_client.setAnswerTimeoutMs(seconds * 1000); }
    // Whether the end of input ends the session (once every line is acknowledged, it leaves
    // the room) or it follows the room until the room ends.
    void setStayAfterInput(bool stay) { m_stay = stay; }

private:
    void printLine(const QJsonObject &line);
    void finish(int code, const QString &message = {});
    void readStdin();
    void sendNext();
    void endOfInput();
    void requestJoin(const QString &name, bool sealed);
    // An event's data as printed: an end-to-end room's names and text opened.
    QVariantMap opened(const QString &event, QVariantMap data) const;

    RealtimeClient m_client;
    QSocketNotifier *m_stdin = nullptr;
    QByteArray m_pendingInput;
    QString m_roomId;
    QString m_token;
    QString m_participantId;
    QString m_name;
    InviteLink m_link;
    SealedRoom m_sealed;
    // Lines waiting to be sent, in input order: one in flight at a time, so a line refused
    // as rate-limited is sent again (after retryAfterMs) before any later one.
    struct Line
    {
        QString text;
        QString clientMsgId; // the same for every attempt: a retry cannot post it twice
    };
    QList<Line> m_outbox;
    bool m_sending = false;
    bool m_inputEnded = false;
    bool m_stay = false;
    bool m_joined = false;
    bool m_finished = false;
    RealtimeClient::Status m_printedStatus = RealtimeClient::Status::Disconnected;
};

} // namespace pc::client
