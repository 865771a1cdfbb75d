#include "cliclient.h"

#include "guarded.h"
#include "invitelink.h"
#include "qrcode.h"

#include "protocol/ids.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QMetaEnum>
#include <QTimer>

#include <cstdio>
#include <unistd.h>

namespace pc::client {

using namespace pc::protocol;

CliClient::CliClient(QObject *parent) : QObject(parent)
{
    connect(&m_client, &RealtimeClient::connectionFailed, this, [this](const QString &reason) {
        if (!m_joined)
            finish(CannotJoin, QStringLiteral("cannot reach the room host: %1").arg(reason));
    });
}

void CliClient::printLine(const QJsonObject &line)
{
    std::fputs(QJsonDocument(line).toJson(QJsonDocument::Compact).constData(), stdout);
    std::fputc('\n', stdout);
    std::fflush(stdout);
}

void CliClient::finish(int code, const QString &message)
{
    // The first reason to stop is the one: a failed link and the request it fails may both say so.
    if (std::exchange(m_finished, true))
        return;
    if (!message.isEmpty())
        std::fprintf(stderr, "privatechat-cli: %s\n", qPrintable(message));
    std::fflush(stdout);
    QCoreApplication::exit(code);
}

void CliClient::create(const InviteLink &host, int ttl, int maxParticipants, bool qr)
{
    m_client.setServer(host.serverUrl(), host.fingerprint);
    m_client.createRoom(
        { ttl, maxParticipants }, guarded(this, [this, host, qr](Outcome<RoomCreated> outcome) {
            if (const auto *error = std::get_if<Error>(&outcome))
                return finish(
                    error->code == ErrorCode::Unavailable ? CannotJoin : Failed, error->message);
            const QString link = host.forRoom(std::get<RoomCreated>(outcome).roomId).toString();
            std::printf("%s\n", qPrintable(link));
            if (qr) {
                if (const auto code = QrCode::encode(link))
                    std::fputs(code->toTerminal().toUtf8().constData(), stdout);
            }
            finish(Ok);
        }));
}

void CliClient::join(const InviteLink &link, const QString &name)
{
    const QString &roomId = link.roomId;
    m_roomId = roomId;
    connect(&m_client, &RealtimeClient::statusChanged, this, [this] {
        if (m_client.status() == m_printedStatus)
            return;
        m_printedStatus = m_client.status();
        const char *name
            = QMetaEnum::fromType<RealtimeClient::Status>().valueToKey(int(m_printedStatus));
        printLine({ { QLatin1StringView("status"), QString::fromLatin1(name).toLower() } });
    });
    m_client.setServer(link.serverUrl(), link.fingerprint);
    connect(&m_client, &RealtimeClient::event, this,
        [this](const QString &channel, const QString &name, const QVariantMap &data) {
            // Written by hand to keep the documented key order: event, channel, data.
            const auto quoted = [](const QString &text) {
                return QJsonDocument(QJsonArray { text })
                    .toJson(QJsonDocument::Compact)
                    .mid(1)
                    .chopped(1);
            };
            const QByteArray line = "{\"event\":" + quoted(name) + ",\"channel\":" + quoted(channel)
                + ",\"data\":"
                + QJsonDocument(QJsonObject::fromVariantMap(data)).toJson(QJsonDocument::Compact)
                + "}\n";
            std::fputs(line.constData(), stdout);
            std::fflush(stdout);
            if (name == eventName(Event::ChatDestroy))
                finish(Ok);
        });
    connect(
        &m_client, &RealtimeClient::historyTrimmed, this, [this](const QString &, qint64 missed) {
            printLine({ { QLatin1StringView("status"), QStringLiteral("history-trimmed") },
                { QLatin1StringView("missed"), missed } });
        });
    connect(
        &m_client, &RealtimeClient::channelLost, this, [this](const QString &, const Error &error) {
            printLine({ { QLatin1StringView("status"), QStringLiteral("room-gone") } });
            finish(Ok, error.message);
        });
    m_client.joinRoom(
        { roomId, name, std::nullopt }, guarded(this, [this](Outcome<RoomJoined> outcome) {
            if (const auto *error = std::get_if<Error>(&outcome)) {
                const bool cannotJoin = error->code == ErrorCode::RoomFull
                    || error->code == ErrorCode::RoomNotFound
                    || error->code == ErrorCode::Unavailable;
                return finish(cannotJoin ? CannotJoin : Failed, error->message);
            }
            const RoomJoined &joined = std::get<RoomJoined>(outcome);
            m_joined = true;
            m_token = joined.token;
            std::fprintf(stderr, "privatechat-cli: joined as %s; %d of %d here; %d s left\n",
                qPrintable(joined.name), int(joined.room.participants.size()),
                joined.room.maxParticipants, joined.room.ttl);
            m_client.addChannel(m_roomId, m_token);
            m_stdin = new QSocketNotifier(STDIN_FILENO, QSocketNotifier::Read, this);
            connect(m_stdin, &QSocketNotifier::activated, this, &CliClient::readStdin);
        }));
}

void CliClient::readStdin()
{
    char buffer[4096];
    const ssize_t n = ::read(STDIN_FILENO, buffer, sizeof buffer);
    if (n <= 0) {
        m_stdin->setEnabled(false);
        m_inputEnded = true;
        if (!m_sending)
            endOfInput();
        return;
    }
    m_pendingInput.append(buffer, n);
    qsizetype newline;
    while ((newline = m_pendingInput.indexOf('\n')) >= 0) {
        const QString text
            = QString::fromUtf8(m_pendingInput.left(newline)).remove(QLatin1Char('\r'));
        m_pendingInput.remove(0, newline + 1);
        if (!text.trimmed().isEmpty())
            m_outbox.append({ text, ids::newMessageId() });
    }
    if (!m_sending)
        sendNext();
}

void CliClient::sendNext()
{
    if (m_outbox.isEmpty()) {
        m_sending = false;
        if (m_inputEnded)
            endOfInput();
        return;
    }
    m_sending = true;
    MessagesSendParams params;
    params.member = { m_roomId, m_token };
    params.text = m_outbox.first().text;
    params.clientMsgId = m_outbox.first().clientMsgId;
    m_client.send(params, guarded(this, [this](Outcome<ChatMessage> outcome) {
        if (const auto *error = std::get_if<Error>(&outcome)) {
            if (error->code == ErrorCode::RateLimited) {
                // As the host says: wait, then the same line again (nothing was stored).
                QTimer::singleShot(
                    std::max<qint64>(error->retryAfterMs, 1), this, &CliClient::sendNext);
                return;
            }
            std::fprintf(stderr, "privatechat-cli: not sent: %s\n", qPrintable(error->message));
        }
        m_outbox.removeFirst();
        sendNext();
    }));
}

void CliClient::endOfInput()
{
    if (m_stay || m_finished)
        return;
    // Every line is acknowledged: leave the room (its slot is free again) and stop.
    m_client.leaveRoom(
        { m_roomId, m_token }, guarded(this, [this](Outcome<Empty>) { finish(Ok); }));
}

} // namespace pc::client
