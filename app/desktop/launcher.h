#pragma once

#include <QString>
#include <QStringList>

#include <functional>
#include <optional>

class QQmlApplicationEngine;
class QObject;

namespace pc::desktop {

// What the command line asks for: privatechat [--host [--listen HOST:PORT] [--ttl S]
// [--max N]] [--create-on HOST:PORT [--fingerprint FP] [--ttl S] [--max N]] [--join LINK]
// [--name NAME] [privatechat://HOST:PORT/ID]
struct LaunchOptions
{
    bool host = false;
    QString listen = QStringLiteral("0.0.0.0:7878");
    int ttlSeconds = 0;      // 0: the lobby's choice
    int maxParticipants = 0; // 0: the lobby's choice
    QString join;            // an invite to open
    QString createOn;        // a server to create the room on (HOST:PORT, wss://, ws://)
    QString fingerprint;     // the pin of createOn's server
    QString name;            // this run's name; empty: the remembered one
};

// Parses the arguments (argv[0] first). On a bad option returns nullopt with *error set to
// one line naming it; a malformed invite given as the argument (from a browser) is kept, for
// the window to say what is wrong with it. --help and --version print and exit, as
// QCommandLineParser does. rawArguments: argv as given, before QGuiApplication took its own options
// out — on X11 it takes "--name" (the window class), which is ours.
std::optional<LaunchOptions> parseArguments(
    const QStringList &arguments, QString *error, const QStringList &rawArguments = {});

// Loads Main.qml with the options into engine; returns the window (null on failure). The
// window emits inviteReady(QString link) once the room it hosts because of --host exists.
QObject *loadMainWindow(QQmlApplicationEngine &engine, const LaunchOptions &options);

// Calls f with the invite each time the window's hosted room is ready.
void onInviteReady(QObject *window, std::function<void(const QString &link)> f);
// Calls f with what the room page says about who can use the invite of the room we host,
// each time that changes (e.g. once the router opened the port).
void onReachChanged(QObject *window, std::function<void(const QString &text)> f);

} // namespace pc::desktop
