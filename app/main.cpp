// privatechat: the desktop app. Hosts a room in-process or joins one; the UI is QML.
#include "launcher.h"
#include "pc_version.h"
#include "translations.h"

#include "host/filelimit.h"
#include "host/unixsignals.h"

#include <QCoreApplication>
#include <QGuiApplication>
#include <QIcon>
#include <QQmlApplicationEngine>
#include <QWindow>
#include <QtQml/QQmlExtensionPlugin>

#include <cstdio>
#include <cstdlib>

Q_IMPORT_QML_PLUGIN(PrivateChatPlugin)
Q_IMPORT_QML_PLUGIN(PrivateChat_ClientPlugin)
Q_IMPORT_QML_PLUGIN(PrivateChat_DesktopPlugin)
Q_IMPORT_QML_PLUGIN(PrivateChat_HostingPlugin)

namespace {

void describeApplication()
{
    QCoreApplication::setOrganizationName(QStringLiteral("PrivateChat"));
    QCoreApplication::setApplicationName(QStringLiteral("privatechat"));
    QCoreApplication::setApplicationVersion(QStringLiteral(PC_VERSION));
}

// --help, --version and bad options are answered without a display (a QGuiApplication would
// abort first). Qt's own GUI options (-platform, -display...) are the QGuiApplication's to
// take, so a command line with those is read again after it.
void answerWithoutDisplay(int argc, char *argv[], const QStringList &rawArguments)
{
    static const QStringList qtOptions { QStringLiteral("-platform"), QStringLiteral("-display"),
        QStringLiteral("-geometry"), QStringLiteral("-qwindowgeometry"), QStringLiteral("-style"),
        QStringLiteral("-stylesheet"), QStringLiteral("-reverse"), QStringLiteral("-session"),
        QStringLiteral("-qwindowtitle"), QStringLiteral("-qwindowicon"),
        QStringLiteral("-platformpluginpath"), QStringLiteral("-platformtheme"),
        QStringLiteral("-plugin"), QStringLiteral("-widgetcount") };
    for (const QString &argument : rawArguments.mid(1)) {
        if (qtOptions.contains(argument))
            return;
    }
    QCoreApplication app(argc, argv);
    describeApplication();
    pc::client::installTranslations(app); // --help in the system's language
    QString error;
    if (!pc::desktop::parseArguments(QCoreApplication::arguments(), &error, rawArguments)) {
        std::fprintf(stderr, "privatechat: %s\n", qPrintable(error));
        std::exit(2);
    }
}

} // namespace

int main(int argc, char *argv[])
{
    QStringList rawArguments; // before QGuiApplication takes "--name" on X11
    for (int i = 0; i < argc; ++i)
        rawArguments << QString::fromLocal8Bit(argv[i]);
    answerWithoutDisplay(argc, argv, rawArguments);
    QGuiApplication app(argc, argv);
    // Once, at start: the room host it may run would find a desktop session's 1024 used up at
    // about 1,000 connections.
    pc::host::raiseFileLimit();
    describeApplication();
    QGuiApplication::setApplicationDisplayName(QStringLiteral("Private Chat"));
    QGuiApplication::setDesktopFileName(QStringLiteral("privatechat"));
    QGuiApplication::setWindowIcon(QIcon(QStringLiteral(":/icons/privatechat.svg")));

    pc::client::installTranslations(app);
    QString error;
    const auto options
        = pc::desktop::parseArguments(QGuiApplication::arguments(), &error, rawArguments);
    if (!options) {
        std::fprintf(stderr, "privatechat: %s\n", qPrintable(error));
        return 2;
    }

    QQmlApplicationEngine engine;
    QObject *window = pc::desktop::loadMainWindow(engine, *options);
    if (!window)
        return 1;
    pc::desktop::onInviteReady(window, [](const QString &link) {
        std::printf("invite: %s\n", qPrintable(link));
        std::fflush(stdout);
    });
    pc::desktop::onReachChanged(window, [](const QString &text) {
        std::printf("reach: %s\n", qPrintable(text));
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
