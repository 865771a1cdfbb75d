#pragma once

#include "roomflow.h"

#include "protocol/errors.h"

#include <QCoreApplication>
#include <QString>

namespace pc::desktop {

// Every error and outcome the app says to people, in one place and translated: protocol
// errors by code, why a room ended, why hosting or joining failed, what a wait is for. The
// host's own messages stay in logs; the UI shows only these.
class UserTexts
{
    Q_DECLARE_TR_FUNCTIONS(pc::desktop::UserTexts)

public:
    // A protocol error in plain words (rate-limited: how long to wait).
    static QString error(const protocol::Error &error);
    // The lobby's alert after a room ended (empty for a room we left).
    static QString ended(RoomFlow::EndReason reason, const QString &detail = {});
    // The lobby's alert after hosting or joining failed; detail: the host's error for
    // HostFailed, why the invite is none for BadInvite, error(…) for Refused.
    static QString failed(RoomFlow::Failure failure, const QString &detail = {});
    // Why our host is given up on when it does not start in time.
    static QString hostDidNotStart(int seconds);
    static QString progress(RoomFlow::State state);
    static QString notSent(const protocol::Error &error);
    static QString notDestroyed(const protocol::Error &error);
    // Who can use the invite of the room we host (empty while not hosting).
    static QString reach(const hosting::HostController &host);
    static QString notAFingerprint();
};

} // namespace pc::desktop
