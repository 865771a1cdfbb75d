#include "usertexts.h"

namespace pc::desktop {

using protocol::ErrorCode;

QString UserTexts::error(const protocol::Error &error)
{
    switch (error.code) {
    case ErrorCode::BadRequest:
    case ErrorCode::UnknownOp:
        return tr("The room host did not understand the request: it may run another version "
                  "of Private Chat.");
    case ErrorCode::TooLarge:
        return tr("That is longer than the room host allows.");
    case ErrorCode::RoomNotFound:
        return tr("That room does not exist. It may have expired or been destroyed, or the "
                  "invite is mistyped.");
    case ErrorCode::Unauthorized:
        return tr("You are no longer a member of this room.");
    case ErrorCode::Forbidden:
        return tr("Only the person who hosts this room may do that.");
    case ErrorCode::MemberNotFound:
        return tr("That person is no longer in the room.");
    case ErrorCode::RoomLocked:
        return tr("That room is locked: its host lets no one new in.");
    case ErrorCode::RoomFull:
        return tr("That room is full: everyone it has space for is already in it.");
    case ErrorCode::RateLimited: {
        const int seconds = int(std::max<qint64>(1, (error.retryAfterMs + 999) / 1000));
        return tr("Too much at once: wait %n second(s) and try again.", "", seconds);
    }
    case ErrorCode::Unavailable:
        return tr("The room host cannot be reached right now. Try again in a moment.");
    case ErrorCode::Internal:
        break;
    }
    return tr("Something went wrong on the room host; nothing was done. Try again.");
}

QString UserTexts::ended(RoomFlow::EndReason reason, const QString &detail)
{
    using R = RoomFlow::EndReason;
    switch (reason) {
    case R::Destroyed:
        return tr("The room was destroyed. Its messages are gone for everyone.");
    case R::Expired:
        return tr("The room expired. Its messages are gone for everyone.");
    case R::HostGone:
        return detail.isEmpty()
            ? tr("The room host on this computer stopped, and the room with it.")
            : tr("The room host on this computer stopped, and the room with it: %1").arg(detail);
    case R::Removed:
        return tr("You are no longer in the room: its host does not know you as a member any "
                  "more. The person hosting it may have removed you, or you left it in another "
                  "window.");
    case R::RemovedByHost:
        return tr("The room's host removed you from the room.");
    case R::NotTheHost:
        return tr("The connection to the room's host was refused: another computer answered in "
                  "its place. Someone may be intercepting the connection, so the room was closed "
                  "here.");
    case R::Left:
    case R::None:
        break;
    }
    return {};
}

QString UserTexts::failed(RoomFlow::Failure failure, const QString &detail)
{
    using F = RoomFlow::Failure;
    switch (failure) {
    case F::HostFailed:
        return tr("Could not host a room: %1").arg(detail);
    case F::Unreachable:
        return tr("The host of that room cannot be reached. Check the invite and that the host "
                  "is still running and on your network.");
    case F::NotFound:
        return error({ ErrorCode::RoomNotFound, {} });
    case F::Full:
        return error({ ErrorCode::RoomFull, {} });
    case F::Locked:
        return error({ ErrorCode::RoomLocked, {} });
    case F::Refused:
        return tr("The room host said no: %1").arg(detail);
    case F::BadInvite:
        return tr("That is not an invite: %1").arg(detail);
    case F::NotTheHost:
        return tr("This host is not the one in your invite. Someone may be intercepting the "
                  "connection.");
    case F::UntrustedHost:
        return tr("This host's identity cannot be checked: the invite does not name it and no "
                  "authority this computer trusts vouches for it. Ask for a new invite.");
    case F::BadServer:
        return tr("That is not a server: %1").arg(detail);
    case F::ServerUnverified:
        return tr("This server's identity cannot be checked: no authority this computer trusts "
                  "vouches for it. Give its fingerprint, the line \"fingerprint: …\" it printed "
                  "when it started.");
    case F::None:
        break;
    }
    return {};
}

QString UserTexts::notAFingerprint()
{
    return tr("the fingerprint is 43 letters, digits, - and _, as the server prints it.");
}

QString UserTexts::hostDidNotStart(int seconds)
{
    return tr("it did not start within %n second(s).", "", seconds);
}

QString UserTexts::progress(RoomFlow::State state)
{
    using S = RoomFlow::State;
    switch (state) {
    case S::StartingHost:
        return tr("Starting the room host…");
    case S::Creating:
        return tr("Creating the room…");
    case S::Joining:
        return tr("Joining the room…");
    case S::Leaving:
        return tr("Closing the room and stopping the room host…");
    case S::Quitting:
        return tr("Closing the room before quitting…");
    case S::Lobby:
    case S::InRoom:
    case S::Finished:
        break;
    }
    return {};
}

QString UserTexts::notSent(const protocol::Error &e)
{
    return tr("Not sent: %1").arg(error(e));
}

QString UserTexts::notDestroyed(const protocol::Error &e)
{
    return tr("The room was not destroyed: %1").arg(error(e));
}

QString UserTexts::reach(const hosting::HostController &host)
{
    using Reach = hosting::HostController::Reach;
    switch (host.reach()) {
    case Reach::None:
        return {};
    case Reach::ThisComputer:
        return tr("The invite works on this computer only: the host listens on a loopback "
                  "address.");
    case Reach::Network:
        return tr("The invite works on your network only (the router was not asked to open "
                  "the port).");
    case Reach::Checking:
        return tr("On your network now; asking your router to open the port for people on the "
                  "internet…");
    case Reach::Internet:
        return tr("The invite works from the internet (%1) and on your network.")
            .arg(host.externalAddress());
    case Reach::NotOpened:
        return tr("Only on your network — your router did not open the port. For someone "
                  "elsewhere: forward TCP port %1 to this computer in your router's settings, "
                  "or create the room on a server instead.")
            .arg(host.port());
    }
    return {};
}

} // namespace pc::desktop
