#pragma once

#include <QList>
#include <QObject>
#include <QStringList>

class QProcess;

namespace pc::host {

// --workers N: N host processes, each with its own event loop, listening on one port
// (SO_REUSEPORT, the kernel spreads connections) and serving rooms from one Redis; fan-out
// between them already goes through Redis pub/sub. A worker dies with the pool's process and is
// started again if it dies on its own.
class WorkerPool : public QObject
{
    Q_OBJECT
public:
    WorkerPool(QString program, QStringList arguments, int count, QObject *parent = nullptr);
    ~WorkerPool() override;

    void start();
    // SIGTERM to every worker (they close their connections with 1001), SIGKILL after 3 s.
    void stop();

Q_SIGNALS:
    void ready();                      // every worker is listening
    void failed(const QString &error); // a worker could not start; the pool stopped
    void stopped();

private:
    struct Worker;
    void launch(Worker &worker);
    void onExited(Worker &worker);

    QString m_program;
    QStringList m_arguments;
    QList<Worker *> m_workers;
    bool m_ready = false;
    bool m_stopping = false;
};

} // namespace pc::host
