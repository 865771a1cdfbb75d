#include "link.h"

#include "clientlog.h"

#include "protocol/schema.h"
#include "tls/fingerprint.h"

#include <QJsonDocument>
#include <QRandomGenerator>
#include <QSslCertificate>
#include <QSslConfiguration>

namespace pc::client {

namespace {

    constexpr int kPingIntervalMs = 15'000; // the contract's keep-alive
    constexpr int kPongDeadlineMs = 5'000;  // a pong later than this: the host is silent
    constexpr int kOpenTimeoutMs = 15'000;  // a host that is up answers in milliseconds

} // namespace

Link::Link(QObject *parent) : QObject(parent)
{
    m_openTimeout.setSingleShot(true);
    m_openTimeout.setInterval(kOpenTimeoutMs);
    connect(&m_openTimeout, &QTimer::timeout, this, [this] {
        qCDebug(lcClient) << "the host did not finish the WebSocket handshake in time";
        m_openTimedOut = true;
        m_socket.abort();
    });
    m_reconnectTimer.setSingleShot(true);
    connect(&m_reconnectTimer, &QTimer::timeout, this, &Link::connectSocket);
    m_pingTimer.setInterval(kPingIntervalMs);
    connect(&m_pingTimer, &QTimer::timeout, this, [this] {
        if (m_missedPongs >= 2) {
            qCInfo(lcClient) << "two pings unanswered; the link is dead";
            m_socket.abort();
            return;
        }
        ++m_missedPongs;
        m_socket.ping();
        if (!m_pongDeadline.isActive())
            m_pongDeadline.start();
    });
    m_pongDeadline.setSingleShot(true);
    m_pongDeadline.setInterval(kPongDeadlineMs);
    connect(&m_pongDeadline, &QTimer::timeout, this, [this] {
        qCInfo(lcClient) << "a ping is unanswered; the host is silent";
        setSilent(true);
    });
    connect(&m_socket, &QWebSocket::pong, this, [this] {
        m_missedPongs = 0;
        m_pongDeadline.stop();
        setSilent(false);
    });
    connect(&m_socket, &QWebSocket::connected, this, &Link::onConnected);
    connect(&m_socket, &QWebSocket::disconnected, this, &Link::onDisconnected);
    connect(&m_socket, &QWebSocket::textMessageReceived, this, &Link::onText);
    connect(&m_socket, &QWebSocket::sslErrors, this, &Link::onSslErrors);
    connect(&m_socket, qOverload<QAbstractSocket::SocketError>(&QWebSocket::error), this,
        [this] { setLastError(m_socket.errorString()); });
}

Link::~Link()
{
    closeForGood();
}

void Link::closeForGood()
{
    m_reconnectTimer.stop();
    m_pingTimer.stop();
    m_pongDeadline.stop();
    m_openTimeout.stop();
    m_socket.disconnect(this);
    if (m_socket.state() == QAbstractSocket::ConnectedState) {
        m_socket.flush();
        m_socket.close(QWebSocketProtocol::CloseCodeNormal);
    }
}

void Link::setUrl(const QUrl &url, const QString &pin)
{
    if (url == m_url && pin == m_pin)
        return;
    m_url = url;
    m_pin = pin;
    m_refusal = Refusal::None;
    m_reconnectTimer.stop();
    m_everConnected = false;
    m_attempt = 0;
    if (m_socket.state() != QAbstractSocket::UnconnectedState) {
        m_socket.abort(); // onDisconnected tells of the old link
        // The new host is tried at once, not after a backoff meant for the old one.
        m_reconnectTimer.stop();
        m_attempt = 0;
    }
    if (m_url.isEmpty())
        setState(State::Disconnected);
    else
        open();
}

int Link::retryInMs() const
{
    return m_reconnectTimer.isActive() ? m_reconnectTimer.remainingTime() : 0;
}

void Link::setState(State state)
{
    if (state == m_state)
        return;
    m_state = state;
    Q_EMIT stateChanged();
}

void Link::setSilent(bool silent)
{
    if (silent == m_silent)
        return;
    m_silent = silent;
    Q_EMIT silentChanged();
}

void Link::setLastError(const QString &error)
{
    if (error == m_lastError)
        return;
    m_lastError = error;
    Q_EMIT lastErrorChanged();
}

void Link::open()
{
    if (m_url.isEmpty() || m_refusal != Refusal::None || m_reconnectTimer.isActive()
        || m_socket.state() != QAbstractSocket::UnconnectedState)
        return;
    connectSocket();
}

void Link::connectSocket()
{
    if (m_url.isEmpty())
        return;
    setState(m_everConnected ? State::Reconnecting : State::Connecting);
    m_openTimedOut = false;
    m_openTimeout.start();
    if (m_url.scheme() == QLatin1StringView("wss")) {
        QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
        tls.setProtocol(QSsl::TlsV1_2OrLater);
        // With a pin no CA vouches for anyone: every certificate raises sslErrors, and only
        // the pinned one is let through there.
        if (!m_pin.isEmpty())
            tls.setCaCertificates({});
        m_socket.setSslConfiguration(tls);
    }
    m_socket.open(m_url);
}

// Runs as the TLS handshake ends, before the WebSocket's request is written: a refused host
// gets no byte of ours.
void Link::onSslErrors(const QList<QSslError> &errors)
{
    QSslCertificate certificate = m_socket.sslConfiguration().peerCertificate();
    if (certificate.isNull() && !errors.isEmpty())
        certificate = errors.first().certificate();
    if (!m_pin.isEmpty() && tls::certificateFingerprint(certificate) == m_pin) {
        m_socket.ignoreSslErrors();
        return;
    }
    m_refusal = m_pin.isEmpty() ? Refusal::UntrustedCertificate : Refusal::NotPinnedHost;
    qCWarning(lcClient) << "refused the host's certificate:"
                        << (m_pin.isEmpty() ? errors.value(0).errorString()
                                            : QStringLiteral("not the pinned one"));
}

void Link::reconnectNow()
{
    m_attempt = 0;
    m_refusal = Refusal::None; // the user's own try: ask the host again, once
    // Connected, or an attempt under way (its own time limit ends it): nothing to hurry.
    if (m_socket.state() != QAbstractSocket::UnconnectedState)
        return;
    m_reconnectTimer.stop();
    connectSocket();
}

void Link::scheduleReconnect()
{
    // Full jitter, so a crowd of clients dropped at once does not come back at once.
    const qint64 ceiling = qint64(m_backoff.firstMs) << std::min(m_attempt, 16);
    const int cap = int(std::min<qint64>(m_backoff.maxMs, ceiling));
    ++m_attempt;
    const int delay = std::max(m_backoff.minMs, int(QRandomGenerator::global()->bounded(cap + 1)));
    m_reconnectTimer.start(delay);
    // One signal for the state and the new retryInMs.
    m_state = m_everConnected ? State::Reconnecting : State::Connecting;
    Q_EMIT stateChanged();
}

void Link::onConnected()
{
    m_openTimeout.stop();
    m_reconnectTimer.stop(); // a try scheduled meanwhile must not reopen a live link
    m_everConnected = true;
    m_attempt = 0;
    m_missedPongs = 0;
    m_pingTimer.start();
    setLastError({});
    setState(State::Connected);
    Q_EMIT connected();
}

void Link::onDisconnected()
{
    m_pingTimer.stop();
    m_pongDeadline.stop();
    setSilent(false); // not silent: gone, which the state says
    m_openTimeout.stop();
    const bool wasConnected = m_state == State::Connected;
    if (m_refusal != Refusal::None) {
        setState(State::Disconnected); // no retry: the same host would be refused again
        if (wasConnected)
            Q_EMIT lost();
        Q_EMIT connectionFailed(m_refusal == Refusal::NotPinnedHost
                ? QStringLiteral("This host is not the one in your invite. Someone may be "
                                 "intercepting the connection.")
                : QStringLiteral("The host's certificate is not trusted by this computer, and "
                                 "the invite does not name the host's own. Ask for a new "
                                 "invite."));
        return;
    }
    if (!wasConnected) {
        const QString why = m_socket.errorString();
        Q_EMIT connectionFailed(m_openTimedOut
                ? QStringLiteral("The host took the connection but did not answer.")
                : why.isEmpty() || why == QLatin1StringView("Unknown error")
                ? QStringLiteral("The host cannot be reached.")
                : why);
    }
    // The state first: whoever hears of the loss and asks again finds the link down.
    if (m_url.isEmpty())
        setState(State::Disconnected);
    else
        scheduleReconnect();
    if (wasConnected)
        Q_EMIT lost();
}

void Link::onText(const QString &text)
{
    // Any frame shows the host alive, as a pong does.
    m_pongDeadline.stop();
    setSilent(false);
    const QJsonObject frame = QJsonDocument::fromJson(text.toUtf8()).object();
    const QString type = frame.value(QLatin1StringView("type")).toString();
    if (type == QLatin1StringView("reply")) {
        Q_EMIT replyReceived(frame);
    } else if (type == QLatin1StringView("event")) {
        Q_EMIT eventReceived(frame);
    } else if (type == QLatin1StringView("hello")) {
        const QJsonValue version = frame.value(QLatin1StringView("protocol"));
        if (version.toInt() != protocol::kProtocolVersion) {
            setLastError(QStringLiteral("The host speaks another protocol version."));
            qCWarning(lcClient) << "host protocol" << version;
        }
    }
}

void Link::sendFrame(const QJsonObject &frame)
{
    if (m_state != State::Connected)
        return;
    m_socket.sendTextMessage(
        QString::fromUtf8(QJsonDocument(frame).toJson(QJsonDocument::Compact)));
}

} // namespace pc::client
