#pragma once

#include <QObject>
#include <QQmlEngine>

#include <QWindow>

namespace pc::desktop {

// Small desktop services for the UI: generated names, the clipboard, invite checks and
// notifications (freedesktop D-Bus). A QML singleton: Desktop.copyText(…).
class Desktop : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    QML_SINGLETON

public:
    explicit Desktop(QObject *parent = nullptr);

    // An anonymous name from word lists shipped in the app: never a network call.
    Q_INVOKABLE QString generateName() const;
    Q_INVOKABLE void copyText(const QString &text) const;
    Q_INVOKABLE QString clipboardText() const;
    // The characters a person sees (grapheme clusters: an emoji with its modifiers is one).
    Q_INVOKABLE int visibleLength(const QString &text) const;
    // privatechat://HOST:PORT/ID for an invite in either accepted form, else empty.
    Q_INVOKABLE QString normalizeInvite(const QString &text) const;
    // Shows a desktop notification (replacing our previous one); false when there is no
    // notification service, so the caller can fall back to the tray.
    Q_INVOKABLE bool notify(const QString &title, const QString &body);
    // Whether the desktop has a tray (a StatusNotifier host) that the tray icon can use.
    Q_INVOKABLE bool hasTray() const;
    // Asks the window manager to draw attention to the window (taskbar highlight).
    Q_INVOKABLE void alert(QWindow *window) const;

private:
    uint m_lastNotification = 0;
};

} // namespace pc::desktop
