#include "desktop.h"

#include "invitelink.h"
#include "namegenerator.h"

#include <QClipboard>
#include <QDBusConnection>
#include <QDBusConnectionInterface>
#include <QDBusMessage>
#include <QDBusPendingCallWatcher>
#include <QDBusPendingReply>
#include <QGuiApplication>
#include <QTextBoundaryFinder>
#include <QWindow>

namespace pc::desktop {

Desktop::Desktop(QObject *parent) : QObject(parent) { }

QString Desktop::generateName() const
{
    return client::generateName();
}

void Desktop::copyText(const QString &text) const
{
    QGuiApplication::clipboard()->setText(text);
}

int Desktop::visibleLength(const QString &text) const
{
    QTextBoundaryFinder finder(QTextBoundaryFinder::Grapheme, text);
    int count = 0;
    while (finder.toNextBoundary() > 0)
        ++count;
    return count;
}

QString Desktop::clipboardText() const
{
    return QGuiApplication::clipboard()->text();
}

QString Desktop::normalizeInvite(const QString &text) const
{
    const auto link = client::InviteLink::parse(text);
    return link ? link->toString() : QString();
}

bool Desktop::notify(const QString &title, const QString &body)
{
    QDBusConnection bus = QDBusConnection::sessionBus();
    if (!bus.isConnected())
        return false;
    const QString service = QStringLiteral("org.freedesktop.Notifications");
    if (!bus.interface()->isServiceRegistered(service).value()
        && !bus.interface()->activatableServiceNames().value().contains(service))
        return false;
    QDBusMessage call = QDBusMessage::createMethodCall(service,
        QStringLiteral("/org/freedesktop/Notifications"), service, QStringLiteral("Notify"));
    QVariantMap hints;
    hints.insert(QStringLiteral("desktop-entry"), QStringLiteral("privatechat"));
    hints.insert(QStringLiteral("category"), QStringLiteral("im.received"));
    call << QGuiApplication::applicationDisplayName() << m_lastNotification
         << QStringLiteral("privatechat") << title << body << QStringList() << hints << -1;
    auto *watcher = new QDBusPendingCallWatcher(bus.asyncCall(call), this);
    connect(watcher, &QDBusPendingCallWatcher::finished, this, [this](QDBusPendingCallWatcher *w) {
        const QDBusPendingReply<uint> reply = *w;
        if (reply.isValid())
            m_lastNotification = reply.value();
        w->deleteLater();
    });
    return true;
}

bool Desktop::hasTray() const
{
    // Qt's tray on Linux without Qt Widgets is the StatusNotifierItem one: it needs a watcher.
    QDBusConnection bus = QDBusConnection::sessionBus();
    return bus.isConnected()
        && bus.interface()
               ->isServiceRegistered(QStringLiteral("org.kde.StatusNotifierWatcher"))
               .value();
}

void Desktop::alert(QWindow *window) const
{
    if (window)
        window->alert(0);
}

} // namespace pc::desktop
