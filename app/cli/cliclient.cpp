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

void CliClient::create(const InviteLink &host, int ttl, int maxParticipants, bool qr, bool endToEnd)
{
    m_client.setServer(host.serverUrl(), host.fingerprint);
    RoomCreateParams params { ttl, maxParticipants };
    params.e2e = endToEnd;
    m_client.createRoom(
        params, guarded(this, [this, host, qr, endToEnd](Outcome<RoomCreated> outcome) {
            if (const auto *error = std::get_if<Error>(&outcome))
                return finish(
                    error->code == ErrorCode::Unavailable ? CannotJoin : Failed, error->message);
            // The key exists only here and in the link: the host never learns it.
            const QString link = host.forRoom(std::get<RoomCreated>(outcome).roomId,
                                         endToEnd ? RoomCipher::newKey() : QByteArray())
                                     .toString();
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
                + (m_sealed.isEndToEnd() ? ",\"e2e\":true" : "") + ",\"data\":"
                + QJsonDocument(QJsonObject::fromVariantMap(opened(name, data)))
                      .toJson(QJsonDocument::Compact)
                + "}\n";
            std::fputs(line.constData(), stdout);
            std::fflush(stdout);
            if (name == eventName(Event::ChatDestroy))
                finish(Ok);
            // Removed by the room's host: our token is gone, and so are we.
            if (name == eventName(Event::PresenceLeave)
                && data.value(QStringLiteral("participantId")).toString() == m_participantId)
                finish(Ok,
                    data.value(QStringLiteral("removed")).toBool()
                        ? QStringLiteral("the room's host removed you from the room")
                        : QString());
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
    m_link = link;
    m_sealed.reset(roomId, link.roomKey);
    requestJoin(name, false);
}

void CliClient::requestJoin(const QString &name, bool sealed)
{
    RoomJoinParams params = m_sealed.joinParams(name, sealed);
    params.roomId = m_roomId;
    m_client.joinRoom(params, guarded(this, [this, name, sealed](Outcome<RoomJoined> outcome) {
        if (const auto *error = std::get_if<Error>(&outcome)) {
            // An end-to-end room, and the link lacked its key: in, to show it locked.
            if (!sealed && SealedRoom::refusedForPlainName(*error))
                return requestJoin(name, true);
            const bool cannotJoin = error->code == ErrorCode::RoomFull
                || error->code == ErrorCode::RoomLocked || error->code == ErrorCode::RoomNotFound
                || error->code == ErrorCode::Unavailable;
            return finish(cannotJoin ? CannotJoin : Failed, error->message);
        }
        const RoomJoined &joined = std::get<RoomJoined>(outcome);
        m_joined = true;
        m_token = joined.token;
        m_participantId = joined.participantId;
        m_name = name;
        m_sealed.setEndToEnd(joined.room.e2e.value_or(false));
        QJsonObject status { { QLatin1StringView("status"), QStringLiteral("joined") } };
        if (m_sealed.isEndToEnd()) {
            status.insert(QLatin1StringView("e2e"), true);
            if (m_sealed.hasKey())
                status.insert(
                    QLatin1StringView("safetyCode"), m_sealed.safetyCode(m_link.fingerprint));
        }
        printLine(status);
        std::fprintf(stderr, "privatechat-cli: joined as %s; %d of %d here; %d s left%s\n",
            qPrintable(name), int(joined.room.participants.size()), joined.room.maxParticipants,
            joined.room.ttl,
            !m_sealed.isEndToEnd()  ? "; not end-to-end encrypted"
                : m_sealed.hasKey() ? "; end-to-end encrypted"
                                    : "; end-to-end encrypted, but the link has no key: "
                                      "nothing can be read or sent");
        m_client.addChannel(m_roomId, m_token);
        m_stdin = new QSocketNotifier(STDIN_FILENO, QSocketNotifier::Read, this);
        connect(m_stdin, &QSocketNotifier::activated, this, &CliClient::readStdin);
    }));
}

QVariantMap CliClient::opened(const QString &event, QVariantMap data) const
{
    if (!m_sealed.isEndToEnd())
        return data;
    if (event == eventName(Event::ChatMessage)) {
        auto message = ChatMessage::fromJson(QJsonObject::fromVariantMap(data));
        if (!message)
            return data;
        const bool open = m_sealed.open(*message) == MessagesModel::Seal::Opened;
        data.remove(QStringLiteral("ciphertext"));
        data.insert(QStringLiteral("sender"), message->sender);
        if (open) {
            data.insert(QStringLiteral("text"), message->text);
        } else {
            data.remove(QStringLiteral("text"));
            data.insert(QStringLiteral("error"), QStringLiteral("undecryptable"));
        }
        return data;
    }
    const QString sealedKey = QStringLiteral("sealedName");
    if (data.contains(sealedKey)) {
        const QString name = m_sealed.nameOf(
            data.value(QStringLiteral("name")).toString(), data.value(sealedKey).toString());
        data.remove(sealedKey);
        if (name.isEmpty())
            data.insert(QStringLiteral("error"), QStringLiteral("undecryptable"));
        data.insert(QStringLiteral("name"), name);
    }
    return data;
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
        if (text.trimmed().isEmpty())
            continue;
        if (const auto error = SealedRoom::checkText(text)) {
            std::fprintf(stderr, "privatechat-cli: not sent: %s\n", qPrintable(error->message));
            continue;
        }
        if (!m_sealed.canWrite()) {
            std::fprintf(stderr, "privatechat-cli: not sent: the link has no room key\n");
            continue;
        }
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
    const MessagesSendParams params = m_sealed.sendParams({ m_roomId, m_token },
        m_outbox.first().clientMsgId, m_participantId, m_name, m_outbox.first().text);
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
