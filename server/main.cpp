// privatechat-server: the headless room host.
#include "eventloop/preferreddispatcher.h"
#include "host/embeddedredis.h"
#include "host/filelimit.h"
#include "host/hostidentity.h"
#include "host/hostrunner.h"
#include "host/listenaddress.h"
#include "host/reuseport.h"
#include "host/roomhost.h"
#include "host/unixsignals.h"
#include "host/workerpool.h"
#include "pc_version.h"
#include "reach/portmapper.h"
#include "redis/connection.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QTimer>

#include <cstdio>
#include <functional>
#include <optional>
#include <type_traits>
#include <unistd.h>

using namespace pc;

namespace {

constexpr int kBadUsage = 2;
constexpr int kCannotRun = 1;
constexpr int kMaxWorkers = 64;

[[noreturn]] void die(int code, const QString &line)
{
    std::fprintf(stderr, "privatechat-server: %s\n", qPrintable(line));
    std::exit(code);
}

// The value of a number option within [min, max], or exit 2 naming the option. T: double for
// any number, int for a whole one.
template<typename T>
T numberOption(const QCommandLineParser &parser, const QString &option, T min, T max)
{
    constexpr bool whole = std::is_integral_v<T>;
    bool ok = false;
    const QString text = parser.value(option);
    const T value = whole ? T(text.toInt(&ok)) : T(text.toDouble(&ok));
    if (!ok || value < min || value > max) {
        die(kBadUsage,
            QStringLiteral("--%1 must be a %2 from %3 to %4, not \"%5\"")
                .arg(option, whole ? QStringLiteral("whole number") : QStringLiteral("number"))
                .arg(min)
                .arg(max)
                .arg(text));
    }
    return value;
}

// Warns when a shared Redis keeps data on disk: rooms are meant to leave no trace.
void warnIfPersistent(redis::Connection *redis)
{
    const auto warn = [](const char *what) {
        std::fprintf(stderr,
            "privatechat-server: WARNING: this Redis persists to disk (%s); messages may "
            "outlive their rooms. Disable it: CONFIG SET save \"\" / appendonly no\n",
            what);
    };
    redis->command({ "CONFIG", "GET", "save" }, [warn](const redis::Reply &reply) {
        if (reply.type == redis::Reply::Type::Array && !reply.elements.value(1).string.isEmpty())
            warn("save");
    });
    redis->command({ "CONFIG", "GET", "appendonly" }, [warn](const redis::Reply &reply) {
        if (reply.type == redis::Reply::Type::Array && reply.elements.value(1).string == "yes")
            warn("appendonly");
    });
}

// wss:// by default with the identity of --identity DIR (made there on first start), or with a
// CA-issued --tls-cert/--tls-key; --plain: ws:// only. Exits 2 on a bad combination, 1 when
// the identity cannot be read or made.
std::optional<host::TlsIdentity> transportOption(const QCommandLineParser &parser)
{
    const bool plain = parser.isSet(QStringLiteral("plain"));
    const bool identity = parser.isSet(QStringLiteral("identity"));
    const bool certificate = parser.isSet(QStringLiteral("tls-cert"));
    const bool key = parser.isSet(QStringLiteral("tls-key"));
    if (certificate != key)
        die(kBadUsage, QStringLiteral("--tls-cert and --tls-key go together: give both or none"));
    if (plain && (identity || certificate))
        die(kBadUsage,
            QStringLiteral("--plain serves ws:// without TLS: it takes no --identity, --tls-cert "
                           "or --tls-key"));
    if (identity && certificate)
        die(kBadUsage,
            QStringLiteral("--identity or --tls-cert/--tls-key: one identity, not both"));
    if (plain)
        return std::nullopt;
    QString error;
    const auto loaded = certificate
        ? host::loadIdentityFiles(parser.value(QStringLiteral("tls-cert")),
            parser.value(QStringLiteral("tls-key")), &error)
        : host::loadOrCreateIdentity(
            identity ? parser.value(QStringLiteral("identity")) : host::defaultIdentityFolder(),
            &error);
    if (!loaded)
        die(kCannotRun, error);
    return loaded;
}

// --map-port: asks the router to forward the port the host listens on, and says what came of
// it on stdout ("mapped: IP:PORT via upnp", or "not mapped: why").
reach::PortMapper *startPortMapping(QObject *parent, quint16 port, int leaseSeconds)
{
    auto *mapper = new reach::PortMapper(parent);
    QObject::connect(mapper, &reach::PortMapper::mapped, mapper, [](const reach::Mapping &m) {
        std::printf("mapped: %s via %s\n", qPrintable(m.externalHostPort()),
            qPrintable(reach::methodName(m.method)));
        std::fflush(stdout);
    });
    QObject::connect(mapper, &reach::PortMapper::unavailable, mapper, [](const QString &why) {
        std::printf("not mapped: %s (reachable on this network only)\n", qPrintable(why));
        std::fflush(stdout);
    });
    reach::PortMapper::Options options;
    options.leaseSeconds = leaseSeconds;
    mapper->start(port, options);
    return mapper;
}

// Removes the router's mapping (if any), then calls done.
void unmapThen(reach::PortMapper *mapper, const std::function<void()> &done)
{
    if (!mapper)
        return done();
    QObject::connect(mapper, &reach::PortMapper::stopped, mapper, done);
    mapper->stop();
}

// --map-port, checked: the lease it asks for (0: no mapping).
int portMappingOption(const QCommandLineParser &parser, const QHostAddress &listen)
{
    const bool map = parser.isSet(QStringLiteral("map-port"));
    if (!map && parser.isSet(QStringLiteral("map-lease")))
        die(kBadUsage, QStringLiteral("--map-lease goes with --map-port"));
    if (!map)
        return 0;
    if (listen.isLoopback())
        die(kBadUsage,
            QStringLiteral("--map-port: the host listens on %1, which the router cannot reach; "
                           "listen on an address of your network (e.g. --listen 0.0.0.0:7878)")
                .arg(listen.toString()));
    return numberOption(parser, QStringLiteral("map-lease"), 10, 86400);
}

// --workers N: this process holds the port and the embedded Redis, and runs N hosts on them.
int runWorkers(const QCommandLineParser &parser, const host::HostOptions &options,
    const redis::Options &redisOptions, host::EmbeddedRedis *embedded, int count, int mapLease)
{
    const auto fail = [embedded](const QString &error) {
        if (embedded)
            embedded->stop();
        die(kCannotRun, error);
    };
    // First a plain bind: it fails while anything else holds the port, and settles port 0. Then
    // the pool keeps the port with a shared socket that never listens. (Another process of
    // this user could still join with SO_REUSEPORT of its own: that is how the option works.)
    QString error;
    const auto cannot = [&](quint16 port) {
        fail(QStringLiteral("cannot listen on %1: %2")
                 .arg(host::ListenAddress { options.address, port }.toString(), error));
    };
    const int probe = host::bindPort(options.address, options.port, false, &error);
    if (probe < 0)
        cannot(options.port);
    const quint16 chosen = host::boundPort(probe);
    ::close(probe);
    const int reserved = host::bindPort(options.address, chosen, true, &error);
    if (reserved < 0)
        cannot(chosen);
    const quint16 port = host::boundPort(reserved);

    QStringList arguments { QStringLiteral("--worker"), QStringLiteral("--listen"),
        host::ListenAddress { options.address, port }.toString(), QStringLiteral("--redis"),
        redisOptions.url.toString() };
    for (const char *name : { "redis-prefix", "max-ttl", "rate-burst", "rate-per-second",
             "rate-abuse-limit", "idle-timeout", "handshake-timeout", "max-connections-per-address",
             "rooms-per-minute", "rooms-per-minute-per-address", "max-rooms", "metrics-listen",
             "tls-cert", "tls-key" }) {
        const QString option = QLatin1StringView(name);
        if (parser.isSet(option))
            arguments << QStringLiteral("--") + option << parser.value(option);
    }
    // The identity was made (or loaded) here already: every worker loads the same one.
    if (!options.tls)
        arguments << QStringLiteral("--plain");
    else if (!parser.isSet(QStringLiteral("tls-cert")))
        arguments << QStringLiteral("--identity")
                  << (parser.isSet(QStringLiteral("identity"))
                             ? parser.value(QStringLiteral("identity"))
                             : host::defaultIdentityFolder());
    if (!embedded) {
        auto *probe = new redis::Connection(redisOptions, qApp);
        QObject::connect(
            probe, &redis::Connection::connected, probe, [probe] { warnIfPersistent(probe); });
        probe->open();
        QTimer::singleShot(3000, probe, &QObject::deleteLater);
    }

    host::WorkerPool pool(QCoreApplication::applicationFilePath(), arguments, count);
    host::UnixSignals signals;
    int exitCode = 0;
    reach::PortMapper *mapper = nullptr;
    QObject::connect(&signals, &host::UnixSignals::terminate, &pool, &host::WorkerPool::stop);
    QObject::connect(&pool, &host::WorkerPool::ready, &pool, [&] {
        const QString url = host::RoomHost::urlFor(options.address, port, options.tls.has_value());
        std::fputs(qPrintable(host::HostRunner::listeningLines(
                       url, options.tls ? options.tls->fingerprint() : QString())),
            stdout);
        std::fflush(stdout);
        std::fprintf(stderr, "privatechat-server: %d workers share the port\n", count);
        if (mapLease)
            mapper = startPortMapping(&pool, port, mapLease);
    });
    QObject::connect(&pool, &host::WorkerPool::failed, &pool, [&](const QString &why) {
        std::fprintf(stderr, "privatechat-server: %s\n", qPrintable(why));
        exitCode = kCannotRun;
    });
    QObject::connect(&pool, &host::WorkerPool::stopped, &pool, [&] {
        if (embedded)
            embedded->stop();
        unmapThen(mapper, [&] { QCoreApplication::exit(exitCode); });
    });
    pool.start();
    return QCoreApplication::exec();
}

} // namespace

int main(int argc, char *argv[])
{
    // epoll: the host's cost follows active connections (PC_EVENT_DISPATCHER=qt opts out).
    eventloop::installPreferredDispatcher();
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("privatechat-server"));
    host::raiseFileLimit(); // before anything opens many: 1024 is gone at 1,000 idle members
    QCoreApplication::setApplicationVersion(QStringLiteral(PC_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Private Chat room host: serves self-destructing chat rooms over WebSocket "
                       "at /api/realtime, backed by Redis. wss:// (TLS) by default, with an "
                       "identity made on first start; plain ws:// only from loopback addresses."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addOptions({
        { QStringLiteral("listen"),
            QStringLiteral("Address to listen on (port 0 picks a free one)."),
            QStringLiteral("HOST:PORT"), QStringLiteral("127.0.0.1:7878") },
        { QStringLiteral("redis"),
            QStringLiteral("Use this Redis (redis://host:port[/db] or unix:///path), or this Redis "
                           "Cluster (redis+cluster://host:port[,host:port...]), instead of "
                           "starting a private one."),
            QStringLiteral("URL") },
        { QStringLiteral("redis-prefix"), QStringLiteral("Prefix for every Redis key and channel."),
            QStringLiteral("P") },
        { QStringLiteral("max-ttl"), QStringLiteral("Longest room lifetime allowed, in seconds."),
            QStringLiteral("S"), QString::number(protocol::limits::kMaxTtl) },
        { QStringLiteral("rate-burst"), QStringLiteral("Requests a connection may send at once."),
            QStringLiteral("N"), QString::number(protocol::limits::kRateBurst) },
        { QStringLiteral("rate-per-second"),
            QStringLiteral("Requests per second a connection may send sustained."),
            QStringLiteral("N"), QString::number(protocol::limits::kRatePerSecond) },
        { QStringLiteral("rate-abuse-limit"),
            QStringLiteral("Requests sent while rate-limited before the connection is closed."),
            QStringLiteral("N"), QString::number(protocol::limits::kRateAbuseLimit) },
        { QStringLiteral("idle-timeout"),
            QStringLiteral("Seconds without any frame before a connection is closed."),
            QStringLiteral("S"), QString::number(protocol::limits::kIdleTimeoutMs / 1000) },
        { QStringLiteral("handshake-timeout"),
            QStringLiteral("Seconds from accepting a connection to its complete WebSocket "
                           "handshake request."),
            QStringLiteral("S"), QString::number(protocol::limits::kHandshakeTimeoutMs / 1000) },
        { QStringLiteral("max-connections-per-address"),
            QStringLiteral("Open connections one address may have (0: no limit)."),
            QStringLiteral("N"), QString::number(protocol::limits::kMaxConnectionsPerAddress) },
        { QStringLiteral("room-burst"), QStringLiteral("Rooms one connection may create at once."),
            QStringLiteral("N"), QString::number(protocol::limits::kRoomBurstPerConnection) },
        { QStringLiteral("rooms-per-minute"),
            QStringLiteral("Rooms one connection may create per minute, sustained."),
            QStringLiteral("N"), QString::number(protocol::limits::kRoomsPerConnectionPerMinute) },
        { QStringLiteral("room-burst-per-address"),
            QStringLiteral("Rooms one address may create at once."), QStringLiteral("N"),
            QString::number(protocol::limits::kRoomBurstPerAddress) },
        { QStringLiteral("rooms-per-minute-per-address"),
            QStringLiteral("Rooms one address may create per minute, sustained."),
            QStringLiteral("N"), QString::number(protocol::limits::kRoomsPerAddressPerMinute) },
        { QStringLiteral("max-rooms"),
            QStringLiteral("Live rooms this host (each worker) creates at most."),
            QStringLiteral("N"), QString::number(protocol::limits::kMaxLiveRooms) },
        { QStringLiteral("metrics-listen"),
            QStringLiteral("Serve /metrics (and /healthz) on this address instead of the host's "
                           "port, to keep them private."),
            QStringLiteral("HOST:PORT") },
        { QStringLiteral("identity"),
            QStringLiteral("Folder of the host's TLS identity (key.pem, cert.pem), made there on "
                           "first start; its fingerprint goes into invites. Default: "
                           "$STATE_DIRECTORY/identity under systemd, else "
                           "$XDG_STATE_HOME/privatechat-server/identity."),
            QStringLiteral("DIR") },
        { QStringLiteral("tls-cert"),
            QStringLiteral("A CA-issued certificate (PEM, its chain after it) instead of the "
                           "identity; with --tls-key."),
            QStringLiteral("FILE") },
        { QStringLiteral("tls-key"),
            QStringLiteral("The private key of --tls-cert (PEM, unencrypted)."),
            QStringLiteral("FILE") },
        { QStringLiteral("plain"),
            QStringLiteral("Serve plain ws:// only, no TLS (behind a TLS-terminating proxy).") },
        { QStringLiteral("map-port"),
            QStringLiteral("Ask the router (UPnP-IGD, then NAT-PMP) to forward the port from the "
                           "internet while the host runs; prints \"mapped: IP:PORT via upnp\" "
                           "or \"not mapped: why\".") },
        { QStringLiteral("map-lease"),
            QStringLiteral("Seconds each mapping is leased for (renewed at half of it; a host that "
                           "dies leaves it at most this long)."),
            QStringLiteral("S"), QStringLiteral("3600") },
        { QStringLiteral("workers"),
            QStringLiteral("Host processes sharing the port and the Redis, each with its own "
                           "event loop (Linux SO_REUSEPORT)."),
            QStringLiteral("N"), QStringLiteral("1") },
    });
    // Set by --workers on the processes it starts.
    QCommandLineOption workerOption(QStringLiteral("worker"));
    workerOption.setFlags(QCommandLineOption::HiddenFromHelp);
    parser.addOption(workerOption);
    QCommandLineOption workerNumberOption(
        QStringLiteral("worker-number"), QString(), QStringLiteral("N"));
    workerNumberOption.setFlags(QCommandLineOption::HiddenFromHelp);
    parser.addOption(workerNumberOption);
    if (!parser.parse(QCoreApplication::arguments()))
        die(kBadUsage, parser.errorText());
    if (parser.isSet(QStringLiteral("help")))
        parser.showHelp(0);
    if (parser.isSet(QStringLiteral("version")))
        parser.showVersion();
    if (!parser.positionalArguments().isEmpty())
        die(kBadUsage,
            QStringLiteral("unexpected argument \"%1\"").arg(parser.positionalArguments().first()));

    host::HostOptions options;
    QString error;
    const auto listen = host::ListenAddress::parse(parser.value(QStringLiteral("listen")), &error);
    if (!listen)
        die(kBadUsage, QStringLiteral("--listen: ") + error);
    options.address = listen->address;
    options.port = listen->port;
    if (parser.isSet(QStringLiteral("metrics-listen"))) {
        options.metricsListen
            = host::ListenAddress::parse(parser.value(QStringLiteral("metrics-listen")), &error);
        if (!options.metricsListen)
            die(kBadUsage, QStringLiteral("--metrics-listen: ") + error);
    }
    options.redisPrefix = parser.value(QStringLiteral("redis-prefix")).toUtf8();
    options.maxTtl = int(numberOption<double>(
        parser, QStringLiteral("max-ttl"), protocol::limits::kMinTtl, protocol::limits::kMaxTtl));
    options.rateLimit.burst = numberOption<double>(parser, QStringLiteral("rate-burst"), 1, 1e9);
    options.rateLimit.perSecond
        = numberOption<double>(parser, QStringLiteral("rate-per-second"), 0.001, 1e9);
    options.rateLimit.abuseLimit
        = int(numberOption<double>(parser, QStringLiteral("rate-abuse-limit"), 1, 1e9));
    options.rateLimit.abuseDrainPerSecond = options.rateLimit.perSecond / 10;
    options.idleTimeoutMs
        = int(numberOption<double>(parser, QStringLiteral("idle-timeout"), 1, 86400) * 1000);
    options.handshakeTimeoutMs
        = int(numberOption<double>(parser, QStringLiteral("handshake-timeout"), 0.1, 3600) * 1000);
    options.maxConnectionsPerAddress
        = numberOption(parser, QStringLiteral("max-connections-per-address"), 0, 1 << 30);
    options.roomCaps.perConnectionBurst
        = numberOption<double>(parser, QStringLiteral("room-burst"), 1, 1e9);
    options.roomCaps.perConnectionPerMinute
        = numberOption<double>(parser, QStringLiteral("rooms-per-minute"), 0.001, 1e9);
    options.roomCaps.perAddressBurst
        = numberOption<double>(parser, QStringLiteral("room-burst-per-address"), 1, 1e9);
    options.roomCaps.perAddressPerMinute
        = numberOption<double>(parser, QStringLiteral("rooms-per-minute-per-address"), 0.001, 1e9);
    options.roomCaps.maxLiveRooms = numberOption(parser, QStringLiteral("max-rooms"), 1, 1 << 30);
    const int workers = numberOption(parser, QStringLiteral("workers"), 1, kMaxWorkers);
    options.sharePort = parser.isSet(workerOption);
    if (parser.isSet(workerNumberOption)) {
        options.workerNumber
            = numberOption(parser, QStringLiteral("worker-number"), 1, kMaxWorkers);
        if (options.metricsListen) // worker i: PORT + i - 1, one scrape target each
            options.metricsListen->port += quint16(options.workerNumber - 1);
    }
    if (workers > 1 && options.metricsListen && options.metricsListen->port == 0)
        die(kBadUsage,
            QStringLiteral(
                "--metrics-listen: with --workers, give a port (worker i takes PORT + i - 1)"));

    std::optional<redis::Url> redisUrl;
    if (parser.isSet(QStringLiteral("redis"))) {
        redisUrl = redis::Url::parse(parser.value(QStringLiteral("redis")), &error);
        if (!redisUrl)
            die(kBadUsage, QStringLiteral("--redis: ") + error);
    }
    const int mapLease = portMappingOption(parser, options.address);
    options.tls = transportOption(parser); // last: it may make the identity folder

    if (workers > 1) {
        // The pool's process holds the port and the private Redis its workers share.
        redis::Options redisOptions;
        std::optional<host::EmbeddedRedis> embedded;
        if (redisUrl) {
            redisOptions.url = *redisUrl;
        } else {
            embedded.emplace();
            if (!embedded->start())
                die(kCannotRun, embedded->errorString());
            redisOptions.url = embedded->url();
        }
        return runWorkers(
            parser, options, redisOptions, embedded ? &*embedded : nullptr, workers, mapLease);
    }

    host::HostRunner runner;
    host::UnixSignals signals;
    reach::PortMapper *mapper = nullptr;
    QObject::connect(&signals, &host::UnixSignals::terminate, &runner, &host::HostRunner::stop);
    QObject::connect(&runner, &host::HostRunner::stopped, &app,
        [&] { unmapThen(mapper, [] { QCoreApplication::exit(0); }); });
    QObject::connect(&runner, &host::HostRunner::failed, &app, [&](const QString &why) {
        runner.stopNow();
        unmapThen(mapper, [why] { die(kCannotRun, why); });
    });
    QObject::connect(&runner, &host::HostRunner::started, &app, [&] {
        if (redisUrl && !options.sharePort) { // with --workers, the pool's process checks
            redis::Options redisOptions;
            redisOptions.url = *redisUrl;
            auto *probe = new redis::Connection(redisOptions, &app);
            QObject::connect(
                probe, &redis::Connection::connected, probe, [probe] { warnIfPersistent(probe); });
            probe->open();
            QTimer::singleShot(3000, probe, &QObject::deleteLater);
        }
        std::fputs(qPrintable(runner.listeningLines()), stdout);
        std::fflush(stdout);
        if (mapLease)
            mapper = startPortMapping(&app, runner.host()->port(), mapLease);
    });
    runner.start(options, host::HostRunner::Options { redisUrl });
    return app.exec();
}
