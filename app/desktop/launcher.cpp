#include "launcher.h"

#include "host/listenaddress.h"
#include "invitelink.h"
#include "protocol/limits.h"
#include "qrimageprovider.h"
#include "tls/fingerprint.h"
#include "trayiconprovider.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QFontDatabase>
#include <QGuiApplication>
#include <QQmlApplicationEngine>

namespace pc::desktop {

namespace {

    // The command line's words, translated as the window's are (translations/).
    class Launcher
    {
        Q_DECLARE_TR_FUNCTIONS(pc::desktop::Launcher)
    };

    bool intOption(const QCommandLineParser &parser, const QString &name, int min, int max,
        int *out, QString *error)
    {
        if (!parser.isSet(name))
            return true;
        bool ok = false;
        const int value = parser.value(name).toInt(&ok);
        if (!ok || value < min || value > max) {
            *error = Launcher::tr("--%1 must be a whole number from %2 to %3, not \"%4\"")
                         .arg(name)
                         .arg(min)
                         .arg(max)
                         .arg(parser.value(name));
            return false;
        }
        *out = value;
        return true;
    }

    // Relays a QML signal with one string (inviteReady, reachChanged) to a function.
    class StringRelay : public QObject
    {
        Q_OBJECT
    public:
        StringRelay(std::function<void(const QString &)> f, QObject *parent)
            : QObject(parent), m_f(std::move(f))
        {
        }
    public Q_SLOTS:
        void relay(const QString &text) { m_f(text); }

    private:
        std::function<void(const QString &)> m_f;
    };

} // namespace

std::optional<LaunchOptions> parseArguments(
    const QStringList &givenArguments, QString *error, const QStringList &rawArguments)
{
    QStringList arguments = givenArguments;
    for (qsizetype i = 1; i < rawArguments.size(); ++i) {
        const QString &raw = rawArguments.at(i);
        if ((raw == QStringLiteral("--name") || raw == QStringLiteral("-name"))
            && i + 1 < rawArguments.size() && !arguments.contains(raw)) {
            arguments << QStringLiteral("--name") << rawArguments.at(i + 1);
            break;
        }
    }
    QCommandLineParser parser;
    parser.setApplicationDescription(
        Launcher::tr("Private Chat: private, self-destructing chat rooms. Host a room on "
                     "this computer or join one with an invite link."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addOptions({
        { QStringLiteral("host"), Launcher::tr("Host a room right away and print its invite.") },
        { QStringLiteral("listen"),
            Launcher::tr("Where the hosted room listens (port 0 picks a free one; 7878 falls "
                         "back to a free port when taken)."),
            QStringLiteral("HOST:PORT"), QStringLiteral("0.0.0.0:7878") },
        { QStringLiteral("ttl"), Launcher::tr("Lifetime of the hosted room, in seconds."),
            QStringLiteral("S") },
        { QStringLiteral("max"), Launcher::tr("How many people the hosted room holds."),
            QStringLiteral("N") },
        { QStringLiteral("create-on"),
            Launcher::tr("Create a room on this privatechat-server (HOST:PORT, or ws://HOST:PORT "
                         "for a plain one) and print its invite; the room lives there."),
            QStringLiteral("HOST:PORT") },
        { QStringLiteral("fingerprint"),
            Launcher::tr("With --create-on: the server's fingerprint, as it printed it (not "
                         "needed for a CA-issued certificate)."),
            QStringLiteral("FP") },
        { QStringLiteral("join"), Launcher::tr("Join the room of this invite link."),
            QStringLiteral("LINK") },
        { QStringLiteral("name"), Launcher::tr("The name others see (this run only)."),
            QStringLiteral("NAME") },
    });
    parser.addPositionalArgument(
        QStringLiteral("link"), Launcher::tr("A privatechat:// invite link to join."));
    if (!parser.parse(arguments)) {
        *error = parser.errorText();
        return std::nullopt;
    }
    if (parser.isSet(QStringLiteral("help")))
        parser.showHelp(0);
    if (parser.isSet(QStringLiteral("version")))
        parser.showVersion();

    LaunchOptions options;
    options.host = parser.isSet(QStringLiteral("host"));
    options.createOn = parser.value(QStringLiteral("create-on")).trimmed();
    options.fingerprint = parser.value(QStringLiteral("fingerprint")).trimmed();
    const bool createOn = parser.isSet(QStringLiteral("create-on"));
    if (options.host && createOn) {
        *error = Launcher::tr("--host or --create-on: a room here or on a server, not both");
        return std::nullopt;
    }
    if (parser.isSet(QStringLiteral("listen")) && !options.host) {
        *error = Launcher::tr("--listen needs --host");
        return std::nullopt;
    }
    for (const char *roomOption : { "ttl", "max" }) {
        if (parser.isSet(QLatin1StringView(roomOption)) && !options.host && !createOn) {
            *error = Launcher::tr("--%1 needs --host or --create-on")
                         .arg(QLatin1StringView(roomOption));
            return std::nullopt;
        }
    }
    if (parser.isSet(QStringLiteral("fingerprint")) && !createOn) {
        *error = Launcher::tr("--fingerprint goes with --create-on");
        return std::nullopt;
    }
    if (createOn) {
        if (!options.fingerprint.isEmpty() && !tls::isFingerprint(options.fingerprint)) {
            *error = Launcher::tr("--fingerprint: \"%1\" is not a fingerprint (43 characters "
                                  "of base64url, as the server prints it)")
                         .arg(options.fingerprint);
            return std::nullopt;
        }
        QString why;
        if (!client::InviteLink::parseServer(options.createOn, options.fingerprint, &why)) {
            *error = QStringLiteral("--create-on: ") + why;
            return std::nullopt;
        }
    }
    options.listen = parser.value(QStringLiteral("listen"));
    if (!host::ListenAddress::parse(options.listen, error)) {
        *error = QStringLiteral("--listen: ") + *error;
        return std::nullopt;
    }
    if (!intOption(parser, QStringLiteral("ttl"), protocol::limits::kMinTtl,
            protocol::limits::kMaxTtl, &options.ttlSeconds, error)
        || !intOption(parser, QStringLiteral("max"), protocol::limits::kMinParticipants,
            protocol::limits::kMaxParticipants, &options.maxParticipants, error))
        return std::nullopt;

    options.join = parser.value(QStringLiteral("join"));
    const QStringList positional = parser.positionalArguments();
    if (positional.size() > 1) {
        *error = Launcher::tr("unexpected argument \"%1\"").arg(positional.at(1));
        return std::nullopt;
    }
    if (!positional.isEmpty()) {
        if (!options.join.isEmpty()) {
            *error = Launcher::tr("give the invite either with --join or as the argument");
            return std::nullopt;
        }
        if (!positional.first().startsWith(QStringLiteral("privatechat://"), Qt::CaseInsensitive)) {
            *error = Launcher::tr("unexpected argument \"%1\" (an invite starts with "
                                  "privatechat://)")
                         .arg(positional.first());
            return std::nullopt;
        }
        options.join = positional.first();
    }
    if (!options.join.isEmpty()) {
        QString why;
        // A link as the argument is what a browser passes (Exec=privatechat %u): a broken one
        // opens the window, which says what is wrong with it, instead of failing unseen.
        if (!client::InviteLink::parse(options.join, &why) && positional.isEmpty()) {
            *error = Launcher::tr("invite \"%1\": %2").arg(options.join, why);
            return std::nullopt;
        }
        if (options.host || createOn) {
            *error
                = Launcher::tr("%1 and an invite to join do not go together")
                      .arg(options.host ? QStringLiteral("--host") : QStringLiteral("--create-on"));
            return std::nullopt;
        }
    }
    options.name = parser.value(QStringLiteral("name")).trimmed();
    if (parser.isSet(QStringLiteral("name"))
        && (options.name.isEmpty() || options.name.size() > protocol::limits::kMaxNameLength)) {
        *error = Launcher::tr("--name must be 1 to %1 characters, not only spaces")
                     .arg(protocol::limits::kMaxNameLength);
        return std::nullopt;
    }
    return options;
}

QObject *loadMainWindow(QQmlApplicationEngine &engine, const LaunchOptions &options)
{
    // Static QML modules live in the resources (Qt 6.4 has no loadFromModule()).
    engine.addImportPath(QStringLiteral("qrc:/"));
    // The terminal look: every text in the system's monospace font.
    QFont font = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    font.setStyleHint(QFont::Monospace);
    QGuiApplication::setFont(font);
    engine.addImageProvider(QLatin1StringView(TrayIconProvider::kId), new TrayIconProvider);
    engine.addImageProvider(QLatin1StringView(QrImageProvider::kId), new QrImageProvider);
    engine.setInitialProperties({
        { QStringLiteral("hostOnStart"), options.host },
        { QStringLiteral("listenAddress"), options.listen },
        { QStringLiteral("startTtl"), options.ttlSeconds },
        { QStringLiteral("startMaxParticipants"), options.maxParticipants },
        { QStringLiteral("startInvite"), options.join },
        { QStringLiteral("startCreateOn"), options.createOn },
        { QStringLiteral("startFingerprint"), options.fingerprint },
        { QStringLiteral("startName"), options.name },
    });
    engine.load(QUrl(QStringLiteral("qrc:/PrivateChat/Main.qml")));
    return engine.rootObjects().value(0);
}

void onInviteReady(QObject *window, std::function<void(const QString &link)> f)
{
    auto *relay = new StringRelay(std::move(f), window);
    QObject::connect(window, SIGNAL(inviteReady(QString)), relay, SLOT(relay(QString)));
}

void onReachChanged(QObject *window, std::function<void(const QString &text)> f)
{
    auto *relay = new StringRelay(std::move(f), window);
    QObject::connect(window, SIGNAL(reachChanged(QString)), relay, SLOT(relay(QString)));
}

} // namespace pc::desktop

#include "launcher.moc"
