#pragma once

#include <QObject>

class QSocketNotifier;

namespace pc::host {

// Turns SIGINT and SIGTERM into a Qt signal on the event loop (a self-pipe: a signal handler
// may do nothing but write()).
class UnixSignals : public QObject
{
    Q_OBJECT
public:
    explicit UnixSignals(QObject *parent = nullptr);
    ~UnixSignals() override;

Q_SIGNALS:
    void terminate(int signal);

private:
    QSocketNotifier *m_notifier = nullptr;
};

} // namespace pc::host
