<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en">
<context>
    <name>AlertBanner</name>
    <message>
        <source>Dismiss</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>Composer</name>
    <message>
        <source>Type a message…  (Enter sends, Shift+Enter for a new line)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Message</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Enter sends, Shift+Enter starts a new line</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>%1 of %2 characters</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Send</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>ConfirmDialog</name>
    <message>
        <source>Confirm</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Cancel</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>ConnectionStatus</name>
    <message>
        <source>connected</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>The host is not answering — the room may be gone</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>reconnecting…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>connecting…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>disconnected</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Connection: %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Retry now</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>Countdown</name>
    <message>
        <source>%1d %2h</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Self-destructs in %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>SELF-DESTRUCT</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>LobbyPage</name>
    <message>
        <source>Cancel</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Custom…</source>
        <translation type="unfinished" />
    </message>
    <message numerus="yes">
        <source>%n minute(s)</source>
        <translation><numerusform>%n minute</numerusform><numerusform>%n minutes</numerusform></translation>
    </message>
    <message numerus="yes">
        <source>%n hour(s)</source>
        <translation><numerusform>%n hour</numerusform><numerusform>%n hours</numerusform></translation>
    </message>
    <message>
        <source>PRIVATE CHAT</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Self-destructing rooms. Nothing is kept once a room ends.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>your identity</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Your name</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>New name</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Generate a new name</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Others see this name. It is made up on this computer and remembered here.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>host a room</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Lifetime</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Lifetime: %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>People</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>How many people: %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Minutes</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Custom lifetime in minutes: %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Host a room</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Runs the room on this computer; people on your network join with the invite.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>join a room</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>privatechat://HOST:PORT/ROOMID</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Invite link</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Join</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>That is not an invite. It looks like privatechat://192.168.1.20:7878/ROOMID or 192.168.1.20:7878/ROOMID.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Paste the invite link someone shared with you.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>notifications</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Notify me of new messages while the window is in the background</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Private notifications: say only "New message", never who or what</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>Main</name>
    <message>
        <source>That room is full: everyone it has space for is already in it.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>That room does not exist. It may have expired or been destroyed, or the invite is mistyped.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>The host of that room cannot be reached. Check the invite and that the host is still running and on your network.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>The room was destroyed. Its messages are gone for everyone.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>The room expired. Its messages are gone for everyone.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Something went wrong with the room.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Private Chat</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>New message</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>(%1) Private Chat</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Not sent: %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Could not host a room: %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Starting the room host…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Creating the room…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Joining the room…</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>MessageDelegate</name>
    <message>
        <source>%1 at %2: %3</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>You</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>YOU</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>ParticipantsPanel</name>
    <message>
        <source>&gt; people %1/%2</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>&gt; people %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Participants</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>%1 (you)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>you</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>RoomPage</name>
    <message>
        <source>ROOM</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Room ID %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Copied ✓</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Copy invite</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Copy invite link</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Address in the invite: %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>People %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Show participants</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Leave</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Stop hosting</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Destroy now</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Hosting on this computer. Others join with the invite; quitting or stopping ends the room for everyone.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Older history was trimmed: only the latest messages are shown.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Messages</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>No messages yet, start the conversation.</source>
        <translation type="unfinished" />
    </message>
    <message numerus="yes">
        <source>%n new message(s) ↓</source>
        <translation><numerusform>%n new message ↓</numerusform><numerusform>%n new messages ↓</numerusform></translation>
    </message>
    <message>
        <source>Destroy this room?</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Every message is deleted and everyone is sent back to the lobby, right now. This cannot be undone.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Stop hosting?</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>The room is destroyed for everyone and the room host on this computer stops.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Invite: %1</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>TrayIcon</name>
    <message numerus="yes">
        <source>Private Chat: %n unread message(s)</source>
        <translation><numerusform>Private Chat: %n unread message</numerusform><numerusform>Private Chat: %n unread messages</numerusform></translation>
    </message>
    <message>
        <source>Private Chat</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Show Private Chat</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Quit</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>pc::client::RoomSession</name>
    <message>
        <source>%1 joined</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>%1 left</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>The room host cannot be reached: %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>This room is already full.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>This room does not exist: it expired, was destroyed or never existed.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>The room host cannot be reached right now.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>No connection is set up.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>No room host is set up.</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>pc::hosting::HostWorker</name>
    <message>
        <source>The room host could not reach its Redis.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Could not start the private Redis: %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>The private Redis stopped: %1</source>
        <translation type="unfinished" />
    </message>
</context>
</TS>
