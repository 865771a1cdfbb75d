#include "embeddedredis.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLocalSocket>
#include <QLoggingCategory>
#include <QProcess>
#include <QStandardPaths>

#include <csignal>
#include <cstdlib>
#include <cstring>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

namespace pc::host {

namespace {

    Q_LOGGING_CATEGORY(lcEmbedded, "pc.host")

    constexpr int kLogLines = 20;
    const char *const kSocketName = "redis.sock";

    // $XDG_RUNTIME_DIR is private to the user and in RAM: the best home for the socket, when it is
    // really ours.
    QString baseFolder()
    {
        const QString runtime = qEnvironmentVariable("XDG_RUNTIME_DIR");
        if (!runtime.isEmpty() && QDir::isAbsolutePath(runtime)) {
            struct stat st = {};
            if (::stat(QFile::encodeName(runtime).constData(), &st) == 0 && S_ISDIR(st.st_mode)
                && st.st_uid == ::getuid()
                && ::access(QFile::encodeName(runtime).constData(), W_OK) == 0)
                return runtime;
        }
        return QDir::tempPath();
    }

    QString findProgram()
    {
        const QString configured = qEnvironmentVariable("PC_REDIS_SERVER");
        if (configured.isEmpty())
            return QStandardPaths::findExecutable(QStringLiteral("redis-server"));
        if (!configured.contains(u'/'))
            return QStandardPaths::findExecutable(configured);
        const QFileInfo info(configured);
        return info.isFile() && info.isExecutable() ? info.absoluteFilePath() : QString();
    }

} // namespace

EmbeddedRedis::EmbeddedRedis(QObject *parent) : QObject(parent), m_process(new QProcess(this))
{
    m_process->setProcessChannelMode(QProcess::MergedChannels);
    m_process->setStandardInputFile(QProcess::nullDevice());
    // Read the log as it comes so it never piles up; keep only the last lines.
    connect(m_process, &QProcess::readyReadStandardOutput, this, &EmbeddedRedis::readLog);
    connect(m_process, &QProcess::finished, this, [this](int code, QProcess::ExitStatus status) {
        readLog();
        if (m_expectExit)
            return;
        const QString how
            = status == QProcess::CrashExit ? tr("crashed") : tr("exited with code %1").arg(code);
        const QString reason = tr("redis-server %1; its last log line: %2").arg(how, lastLogLine());
        qCWarning(lcEmbedded).noquote() << reason;
        Q_EMIT unexpectedExit(reason);
    });
}

EmbeddedRedis::~EmbeddedRedis()
{
    stop();
}

bool EmbeddedRedis::start(int timeoutMs)
{
    if (isRunning())
        return true;
    removeFolder(); // a folder kept by kill() belongs to the previous run
    m_error.clear();
    if (!createFolder())
        return false;
    if (!launch(timeoutMs)) {
        endProcess(false);
        removeFolder();
        return false;
    }
    return true;
}

void EmbeddedRedis::stop()
{
    endProcess(true);
    removeFolder();
}

void EmbeddedRedis::kill()
{
    endProcess(false);
}

bool EmbeddedRedis::restart(int timeoutMs)
{
    m_error.clear();
    if (m_folder.isEmpty() || !QFileInfo(m_folder).isDir())
        return fail(tr("redis-server cannot restart: it has no folder (call start() first)."));
    endProcess(true);
    if (!launch(timeoutMs)) {
        endProcess(false);
        return false;
    }
    return true;
}

bool EmbeddedRedis::isRunning() const
{
    return m_process->state() != QProcess::NotRunning;
}

qint64 EmbeddedRedis::pid() const
{
    return m_process->processId();
}

QString EmbeddedRedis::socketPath() const
{
    return m_folder.isEmpty() ? QString() : m_folder + u'/' + QLatin1String(kSocketName);
}

QString EmbeddedRedis::folder() const
{
    return m_folder;
}

redis::Url EmbeddedRedis::url() const
{
    redis::Url url;
    url.kind = redis::Url::Kind::Unix;
    url.path = socketPath();
    return url;
}

QString EmbeddedRedis::errorString() const
{
    return m_error;
}

bool EmbeddedRedis::createFolder()
{
    QByteArray pattern = QFile::encodeName(baseFolder() + QStringLiteral("/privatechat-XXXXXX"));
    // mkdtemp: a new folder with mode 0700 and a name nobody could have prepared for us.
    if (!::mkdtemp(pattern.data()))
        return fail(tr("Could not create a private folder for redis-server in %1: %2")
                        .arg(baseFolder(), QString::fromLocal8Bit(std::strerror(errno))));
    m_folder = QFile::decodeName(pattern);
    ::chmod(pattern.constData(), 0700);
    if (QFile::encodeName(socketPath()).size() >= qsizetype(sizeof(sockaddr_un::sun_path))) {
        const QString path = socketPath();
        removeFolder();
        return fail(tr("The socket path %1 is too long for a unix socket: set TMPDIR to a "
                       "shorter folder.")
                        .arg(path));
    }
    return true;
}

bool EmbeddedRedis::launch(int timeoutMs)
{
    const QString program = findProgram();
    if (program.isEmpty())
        return fail(tr("redis-server was not found: install it (apt-get install redis-server) or "
                       "pass --redis URL"));

    m_log.clear();
    m_partialLine.clear();
    m_expectExit = true; // until it answers: an exit now is a failed start, not a crash
    const QStringList args = {
        QStringLiteral("--port"), QStringLiteral("0"), // no TCP at all
        QStringLiteral("--unixsocket"), socketPath(), QStringLiteral("--unixsocketperm"),
        QStringLiteral("700"), QStringLiteral("--dir"), m_folder, QStringLiteral("--save"),
        QString(), // no snapshots, not even on shutdown
        QStringLiteral("--appendonly"), QStringLiteral("no"), QStringLiteral("--daemonize"),
        QStringLiteral("no"), QStringLiteral("--logfile"), QString(), // stdout, which only we read
    };
    const pid_t parent = ::getpid();
    m_process->setChildProcessModifier([parent] {
        // Die with us, even on SIGKILL. PDEATHSIG follows the forking thread: start from the
        // thread that lives as long as the program (the main thread).
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (::getppid() != parent)
            ::_exit(127); // we died before prctl took effect
        // Own process group: a Ctrl+C on our terminal is for us to handle; we stop Redis.
        ::setpgid(0, 0);
    });
    m_process->setWorkingDirectory(m_folder);
    m_process->start(program, args);
    if (!m_process->waitForStarted(qMax(1, timeoutMs)))
        return fail(tr("redis-server could not be started: %1").arg(m_process->errorString()));
    qCDebug(lcEmbedded) << "redis-server started, pid" << m_process->processId() << "socket"
                        << socketPath();
    return waitUntilReady(timeoutMs);
}

bool EmbeddedRedis::waitUntilReady(int timeoutMs)
{
    const QDeadlineTimer deadline(timeoutMs);
    const QString path = socketPath();
    for (;;) {
        readLog();
        if (m_process->state() == QProcess::NotRunning) {
            return fail(tr("redis-server stopped while starting; its last log line: %1")
                            .arg(lastLogLine()));
        }
        if (QFileInfo::exists(path)) {
            QLocalSocket socket;
            socket.connectToServer(path);
            if (socket.waitForConnected(qBound(1, int(deadline.remainingTime()), 200))) {
                socket.write("PING\r\n");
                QByteArray answer;
                while (!answer.contains('\n') && !deadline.hasExpired()
                    && socket.waitForReadyRead(qBound(1, int(deadline.remainingTime()), 200)))
                    answer += socket.readAll();
                if (answer.startsWith("+PONG")) {
                    m_expectExit = false;
                    return true;
                }
            }
        }
        if (deadline.hasExpired())
            break;
        // Doubles as the poll interval: returns early when Redis logs something.
        m_process->waitForReadyRead(qBound(1, int(deadline.remainingTime()), 20));
    }
    return fail(tr("redis-server did not answer within %1 ms; its last log line: %2")
                    .arg(timeoutMs)
                    .arg(lastLogLine()));
}

void EmbeddedRedis::readLog()
{
    m_partialLine += m_process->readAllStandardOutput();
    qsizetype newline;
    while ((newline = m_partialLine.indexOf('\n')) >= 0) {
        const QByteArray line = m_partialLine.left(newline).trimmed();
        m_partialLine.remove(0, newline + 1);
        if (line.isEmpty())
            continue;
        m_log.append(QString::fromLocal8Bit(line));
        if (m_log.size() > kLogLines)
            m_log.removeFirst();
    }
    if (m_partialLine.size() > 4096) // a line without end: keep memory bounded
        m_partialLine.clear();
}

void EmbeddedRedis::endProcess(bool graceful)
{
    if (m_process->state() == QProcess::NotRunning)
        return;
    m_expectExit = true;
    if (graceful) {
        m_process->terminate(); // SIGTERM: Redis exits cleanly (nothing to save)
        if (m_process->waitForFinished(2000))
            return;
        qCWarning(lcEmbedded) << "redis-server ignored SIGTERM for 2 s; killing it";
    }
    m_process->kill();
    m_process->waitForFinished(2000);
}

void EmbeddedRedis::removeFolder()
{
    if (m_folder.isEmpty())
        return;
    QDir(m_folder).removeRecursively();
    m_folder.clear();
}

QString EmbeddedRedis::lastLogLine() const
{
    return m_log.isEmpty() ? tr("(none)") : m_log.constLast();
}

bool EmbeddedRedis::fail(const QString &message)
{
    m_error = message;
    qCWarning(lcEmbedded).noquote() << message;
    return false;
}

} // namespace pc::host
