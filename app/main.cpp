// privatechat: the desktop app. Hosts a room in-process or joins one; the UI is QML.
#include "launcher.h"
#include "pc_version.h"

#include "host/filelimit.h"
#include "host/unixsignals.h"

#include <QGuiApplication>
#include <QIcon>
#include <QQmlApplicationEngine>
#include <QWindow>
#include <QtQml/QQmlExtensionPlugin>

#include <cstdio>

Q_IMPORT_QML_PLUGIN(PrivateChatPlugin)
Q_IMPORT_QML_PLUGIN(PrivateChat_ClientPlugin)
Q_IMPORT_QML_PLUGIN(PrivateChat_DesktopPlugin)
Q_IMPORT_QML_PLUGIN(PrivateChat_HostingPlugin)

int main(int argc, char *argv[])
{
    QStringList rawArguments; // before QGuiApplication takes "--name" on X11
    for (int i = 0; i < argc; ++i)
        rawArguments << QString::fromLocal8Bit(argv[i]);
    QGuiApplication app(argc, argv);
    // Once, at start: the room host it may run would find a desktop session's 1024 used up at
    // about 1,000 connections.
    pc::host::raiseFileLimit();
    QGuiApplication::setOrganizationName(QStringLiteral("PrivateChat"));
    QGuiApplication::setApplicationName(QStringLiteral("privatechat"));
    QGuiApplication::setApplicationDisplayName(QStringLiteral("Private Chat"));
    QGuiApplication::setApplicationVersion(QStringLiteral(PC_VERSION));
    QGuiApplication::setDesktopFileName(QStringLiteral("privatechat"));
    QGuiApplication::setWindowIcon(QIcon(QStringLiteral(":/icons/privatechat.svg")));

    QString error;
    const auto options
        = pc::desktop::parseArguments(QGuiApplication::arguments(), &error, rawArguments);
    if (!options) {
        std::fprintf(stderr, "privatechat: %s\n", qPrintable(error));
        return 2;
    }
    pc::desktop::installTranslations(app);

    QQmlApplicationEngine engine;
    QObject *window = pc::desktop::loadMainWindow(engine, *options);
    if (!window)
        return 1;
    pc::desktop::onInviteReady(window, [](const QString &link) {
        std::printf("invite: %s\n", qPrintable(link));
        std::fflush(stdout);
    });
    // SIGINT/SIGTERM close the window like the user would: the hosted room is destroyed and
    // the host stopped before the app exits.
    pc::host::UnixSignals signals;
    QObject::connect(&signals, &pc::host::UnixSignals::terminate, window, [window] {
        if (auto *w = qobject_cast<QWindow *>(window))
            w->close();
    });
    return QGuiApplication::exec();
}
