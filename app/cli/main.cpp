// privatechat-cli: Private Chat in a terminal, for scripts, bots and people.
#include "cliclient.h"
#include "invitelink.h"
#include "namegenerator.h"
#include "pc_version.h"
#include "translations.h"

#include "protocol/limits.h"
#include "tls/fingerprint.h"

#include <QCommandLineParser>
#include <QCoreApplication>

#include <cstdio>

using namespace pc;

namespace {

// The command line's words, translated as the desktop app's are (translations/).
class Cli
{
    Q_DECLARE_TR_FUNCTIONS(pc::Cli)
};

[[noreturn]] void usageError(const QString &line)
{
    std::fprintf(stderr, "privatechat-cli: %s\n", qPrintable(line));
    std::exit(client::CliClient::BadUsage);
}

int intOption(const QCommandLineParser &parser, const QString &name, int min, int max, int fallback)
{
    if (!parser.isSet(name))
        return fallback;
    bool ok = false;
    const int value = parser.value(name).toInt(&ok);
    if (!ok || value < min || value > max)
        usageError(
            Cli::tr("--%1 must be a whole number from %2 to %3").arg(name).arg(min).arg(max));
    return value;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("privatechat-cli"));
    QCoreApplication::setApplicationVersion(QStringLiteral(PC_VERSION));
    client::installTranslations(app);

    QCommandLineParser parser;
    parser.setApplicationDescription(
        Cli::tr("Private Chat in a terminal. --create prints an invite link. --join prints "
                "every event as one JSON line on stdout and sends each line of stdin as a "
                "message; it exits 0 when the room ends or its host removes you, 3 when the "
                "room is full, locked, not found or unreachable, 2 on bad arguments."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addOptions({
        { QStringLiteral("server"),
            Cli::tr("The room host, for --create: HOST:PORT or wss://HOST:PORT (TLS), "
                    "ws://HOST:PORT (plain)."),
            QStringLiteral("HOST:PORT") },
        { QStringLiteral("fingerprint"),
            Cli::tr("With --server: accept only the host certificate with this "
                    "fingerprint (the host prints it), not the system's CAs."),
            QStringLiteral("FP") },
        { QStringLiteral("create"), Cli::tr("Create a room and print its invite link.") },
        { QStringLiteral("ttl"), Cli::tr("Room lifetime in seconds (with --create)."),
            QStringLiteral("S") },
        { QStringLiteral("max"), Cli::tr("Room capacity (with --create)."), QStringLiteral("N") },
        { QStringLiteral("join"), Cli::tr("Join the room of an invite link."),
            QStringLiteral("LINK") },
        { QStringLiteral("name"), Cli::tr("Your name in the room (default: a generated one)."),
            QStringLiteral("NAME") },
        { QStringLiteral("no-e2e"),
            Cli::tr("With --create: a room that is not end-to-end encrypted (its host can "
                    "read it), for clients that cannot seal messages.") },
        { QStringLiteral("qr"),
            Cli::tr("With --create: print the invite as a QR code too, to scan with a "
                    "phone.") },
        { QStringLiteral("stay"),
            Cli::tr("With --join: follow the room after the input ends (by default the "
                    "client leaves the room once every line is sent).") },
        { QStringLiteral("timeout"),
            Cli::tr("Seconds to wait for the host to answer before giving up (default 15)."),
            QStringLiteral("S") },
    });
    if (!parser.parse(QCoreApplication::arguments()))
        usageError(parser.errorText());
    if (parser.isSet(QStringLiteral("help")))
        parser.showHelp(0);
    if (parser.isSet(QStringLiteral("version")))
        parser.showVersion();
    if (!parser.positionalArguments().isEmpty())
        usageError(Cli::tr("unexpected argument \"%1\"").arg(parser.positionalArguments().first()));
    const bool create = parser.isSet(QStringLiteral("create"));
    const bool join = parser.isSet(QStringLiteral("join"));
    if (create == join)
        usageError(Cli::tr("say either --create (with --server) or --join LINK"));

    client::CliClient cli;
    cli.setTimeoutSeconds(intOption(parser, QStringLiteral("timeout"), 1, 3600, 15));
    cli.setStayAfterInput(parser.isSet(QStringLiteral("stay")));
    QString why;
    if (create) {
        if (!parser.isSet(QStringLiteral("server")))
            usageError(Cli::tr("--create needs --server HOST:PORT"));
        const QString fingerprint = parser.value(QStringLiteral("fingerprint"));
        if (parser.isSet(QStringLiteral("fingerprint")) && !tls::isFingerprint(fingerprint))
            usageError(Cli::tr("--fingerprint: \"%1\" is not a fingerprint (43 characters "
                               "of base64url, as the host prints it)")
                           .arg(fingerprint));
        const auto server = client::InviteLink::parseServer(
            parser.value(QStringLiteral("server")), fingerprint, &why);
        if (!server)
            usageError(QStringLiteral("--server: ") + why);
        const int ttl = intOption(parser, QStringLiteral("ttl"), protocol::limits::kMinTtl,
            protocol::limits::kMaxTtl, protocol::limits::kDefaultTtl);
        const int max = intOption(parser, QStringLiteral("max"), protocol::limits::kMinParticipants,
            protocol::limits::kMaxParticipants, protocol::limits::kDefaultParticipants);
        cli.create(*server, ttl, max, parser.isSet(QStringLiteral("qr")),
            !parser.isSet(QStringLiteral("no-e2e")));
    } else {
        for (const char *option : { "server", "fingerprint", "ttl", "max", "no-e2e" }) {
            if (parser.isSet(QLatin1StringView(option)))
                usageError(
                    Cli::tr("--%1 goes with --create, not --join").arg(QLatin1StringView(option)));
        }
        const auto link = client::InviteLink::parse(parser.value(QStringLiteral("join")), &why);
        if (!link)
            usageError(QStringLiteral("--join: ") + why);
        QString name = parser.isSet(QStringLiteral("name")) ? parser.value(QStringLiteral("name"))
                                                            : client::generateName();
        if (name.trimmed().isEmpty() || name.size() > protocol::limits::kMaxNameLength)
            usageError(Cli::tr("--name must be 1 to %1 characters, not only spaces")
                           .arg(protocol::limits::kMaxNameLength));
        cli.join(*link, name);
    }
    return app.exec();
}
