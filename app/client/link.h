#pragma once

#include <QJsonObject>
#include <QObject>
#include <QTimer>
#include <QUrl>
#include <QWebSocket>

namespace pc::client {

// The WebSocket to one room host and nothing above it: opening it (with a time limit),
// reconnecting for ever with exponential backoff and full jitter, keep-alive pings, the
// host's hello, and whole frames in and out. It knows no request and no channel.
class Link : public QObject
{
    Q_OBJECT
public:
    enum class State { Disconnected, Connecting, Connected, Reconnecting };
    Q_ENUM(State)

    // Delay before reconnect attempt n (from 0): random in [minMs, min(maxMs, firstMs * 2^n)].
    struct Backoff
    {
        int firstMs = 500;
        int maxMs = 30'000;
        int minMs = 100;
    };

    explicit Link(QObject *parent = nullptr);
    ~Link() override;

    // Why the link gave up for good: the host's identity cannot be the one meant. Never retried
    // (it would not change, and a user must not be taught to click through it).
    enum class Refusal {
        None,
        NotPinnedHost,        // wss:// with a pin: another certificate answered
        UntrustedCertificate, // wss:// without a pin: the system's CAs do not vouch for it
    };
    Q_ENUM(Refusal)

    QUrl url() const { return m_url; }
    // A new URL (or pin) drops the current link; an empty one leaves the link down. pin: the
    // fingerprint (pc::tls) of the one certificate a wss:// host may show; empty: the system's
    // CAs decide.
    void setUrl(const QUrl &url, const QString &pin = {});
    QString pin() const { return m_pin; }
    Refusal refusal() const { return m_refusal; }
    State state() const { return m_state; }
    bool isConnected() const { return m_state == State::Connected; }
    // Connected, but a ping has gone unanswered for pongDeadlineMs: the host may be frozen or
    // gone, long before the two missed pings that end the link.
    bool isSilent() const { return m_silent; }
    QString lastError() const { return m_lastError; }
    int retryInMs() const;

    // Opens the link unless it is up, opening, or waiting to retry.
    void open();
    // Tries again at once, with the backoff started over.
    void reconnectNow();
    // Drops the link at once, as a network failure would; it comes back by itself.
    void abort() { m_socket.abort(); }
    // Closes cleanly (what is written goes out first) and stays quiet from then on: for the
    // owner's destruction, when nobody is left to hear about it.
    void closeForGood();

    // One frame to the host; dropped unless connected.
    void sendFrame(const QJsonObject &frame);

    // Keep-alive: a ping every interval; two unanswered pings mean a dead link.
    void setPingIntervalMs(int ms) { m_pingTimer.setInterval(ms); }
    void setPongDeadlineMs(int ms) { m_pongDeadline.setInterval(ms); }
    // How long the host may take to finish the WebSocket handshake.
    void setOpenTimeoutMs(int ms) { m_openTimeout.setInterval(ms); }
    void setBackoff(Backoff backoff) { m_backoff = backoff; }

Q_SIGNALS:
    void stateChanged(); // also when a new retry is scheduled (retryInMs)
    void lastErrorChanged();
    void silentChanged();
    void connected();
    // The link went down; state() already says what comes next.
    void lost();
    // An attempt to connect failed (host down, refused, not a Private Chat host...).
    void connectionFailed(const QString &reason);
    void replyReceived(const QJsonObject &reply);
    void eventReceived(const QJsonObject &event);

private:
    void connectSocket();
    void setState(State state);
    void setLastError(const QString &error);
    void setSilent(bool silent);
    void scheduleReconnect();
    void onConnected();
    void onDisconnected();
    void onText(const QString &text);
    void onSslErrors(const QList<QSslError> &errors);

    QWebSocket m_socket;
    QUrl m_url;
    QString m_pin;
    Refusal m_refusal = Refusal::None;
    State m_state = State::Disconnected;
    QString m_lastError;
    Backoff m_backoff;
    QTimer m_reconnectTimer;
    QTimer m_pingTimer;
    QTimer m_pongDeadline;
    bool m_silent = false;
    QTimer m_openTimeout; // the host took the connection but did not finish the handshake
    bool m_openTimedOut = false;
    bool m_everConnected = false; // to this URL: a retry is a reconnect
    int m_missedPongs = 0;
    int m_attempt = 0;
};

} // namespace pc::client
