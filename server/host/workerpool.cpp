#include "workerpool.h"

#include "hostlog.h"

#include <QProcess>
#include <QTimer>

#include <algorithm>

#include <csignal>
#include <sys/prctl.h>
#include <unistd.h>

namespace pc::host {

namespace {

    constexpr int kRestartDelayMs = 1000;
    constexpr int kStopPatienceMs = 3000;

    // In the worker, between fork and exec: it gets SIGTERM when the pool dies, and exits at
    // once if the pool died before that was set up.
    void dieWithPool(pid_t pool)
    {
        ::prctl(PR_SET_PDEATHSIG, SIGTERM);
        if (::getppid() != pool)
            ::_exit(1);
    }

} // namespace

struct WorkerPool::Worker
{
    int number = 0;
    QProcess *process = nullptr;
    bool listening = false;
};

WorkerPool::WorkerPool(QString program, QStringList arguments, int count, QObject *parent)
    : QObject(parent), m_program(std::move(program)), m_arguments(std::move(arguments))
{
    for (int i = 0; i < count; ++i)
        m_workers.append(new Worker { i + 1 });
}

WorkerPool::~WorkerPool()
{
    for (Worker *worker : std::as_const(m_workers)) {
        if (worker->process) {
            worker->process->disconnect(this);
            worker->process->kill();
            worker->process->waitForFinished(1000);
        }
        delete worker;
    }
}

void WorkerPool::start()
{
    for (Worker *worker : std::as_const(m_workers))
        launch(*worker);
}

void WorkerPool::launch(Worker &worker)
{
    delete worker.process;
    worker.listening = false;
    worker.process = new QProcess(this);
    QProcess *process = worker.process;
    process->setChildProcessModifier([pool = ::getpid()] { dieWithPool(pool); });
    process->setProcessChannelMode(QProcess::ForwardedErrorChannel); // its log is ours
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    if (!environment.contains(QStringLiteral("QT_MESSAGE_PATTERN"))) {
        environment.insert(QStringLiteral("QT_MESSAGE_PATTERN"),
            QStringLiteral("worker %1: %{if-category}%{category}: %{endif}%{message}")
                .arg(worker.number));
    }
    process->setProcessEnvironment(environment);
    connect(process, &QProcess::readyReadStandardOutput, this, [this, &worker, process] {
        while (process->canReadLine()) {
            if (process->readLine().startsWith("listening on ") && !worker.listening) {
                worker.listening = true;
                if (!m_ready
                    && std::all_of(m_workers.cbegin(), m_workers.cend(),
                        [](const Worker *w) { return w->listening; })) {
                    m_ready = true;
                    Q_EMIT ready();
                }
            }
        }
    });
    connect(process, &QProcess::finished, this, [this, &worker] { onExited(worker); });
    connect(process, &QProcess::errorOccurred, this, [this, &worker](QProcess::ProcessError e) {
        if (e == QProcess::FailedToStart)
            onExited(worker);
    });
    // Its number labels its metrics and picks its --metrics-listen port.
    process->start(m_program,
        m_arguments
            + QStringList { QStringLiteral("--worker-number"), QString::number(worker.number) });
}

void WorkerPool::onExited(Worker &worker)
{
    worker.listening = false;
    if (m_stopping) {
        if (std::all_of(m_workers.cbegin(), m_workers.cend(), [](const Worker *w) {
                return !w->process || w->process->state() == QProcess::NotRunning;
            }))
            Q_EMIT stopped();
        return;
    }
    const QString how = worker.process->exitStatus() == QProcess::CrashExit
        ? QStringLiteral("was killed")
        : QStringLiteral("exited with code %1").arg(worker.process->exitCode());
    if (!m_ready) {
        Q_EMIT failed(
            QStringLiteral("worker %1 %2 before it listened").arg(worker.number).arg(how));
        stop();
        return;
    }
    qCWarning(lcHost).noquote() << "worker" << worker.number << how << "; starting it again";
    QTimer::singleShot(kRestartDelayMs, this, [this, &worker] {
        if (!m_stopping)
            launch(worker);
    });
}

void WorkerPool::stop()
{
    if (m_stopping)
        return;
    m_stopping = true;
    bool running = false;
    for (Worker *worker : std::as_const(m_workers)) {
        if (worker->process && worker->process->state() != QProcess::NotRunning) {
            running = true;
            ::kill(pid_t(worker->process->processId()), SIGTERM);
        }
    }
    if (!running) {
        QTimer::singleShot(0, this, &WorkerPool::stopped);
        return;
    }
    QTimer::singleShot(kStopPatienceMs, this, [this] {
        for (Worker *worker : std::as_const(m_workers)) {
            if (worker->process)
                worker->process->kill();
        }
    });
}

} // namespace pc::host
