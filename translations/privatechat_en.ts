<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en">
<context>
    <name>AlertBanner</name>
    <message>
        <source>Dismiss</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Composer</name>
    <message>
        <source>Type a message…  (Enter sends, Shift+Enter for a new line)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Message</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Enter sends, Shift+Enter starts a new line</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 of %2 characters</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Send</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Too long to send: emoji and some symbols take two of the %1 places a message has.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Too long to send: a message has at most %1 characters.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ConfirmDialog</name>
    <message>
        <source>Confirm</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ConnectionStatus</name>
    <message>
        <source>connected</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The host is not answering — the room may be gone</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>reconnecting…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>connecting…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>disconnected</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connection: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Retry now</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Countdown</name>
    <message>
        <source>%1d %2h</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Self-destructs in %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>SELF-DESTRUCT</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>LobbyPage</name>
    <message>
        <source>Cancel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Custom…</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n minute(s)</source>
        <translation>
            <numerusform>%n minute</numerusform>
            <numerusform>%n minutes</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n hour(s)</source>
        <translation>
            <numerusform>%n hour</numerusform>
            <numerusform>%n hours</numerusform>
        </translation>
    </message>
    <message>
        <source>PRIVATE CHAT</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Self-destructing rooms. Nothing is kept once a room ends.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>your identity</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Your name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>New name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Generate a new name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Others see this name. It is made up on this computer and remembered here.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>host a room</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Lifetime</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Lifetime: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>People</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>How many people: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Minutes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Custom lifetime in minutes: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Host a room</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>join a room</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>privatechat://HOST:PORT/ROOMID</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Invite link</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Join</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>That is not an invite. It looks like privatechat://192.168.1.20:7878/ROOMID or 192.168.1.20:7878/ROOMID.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Paste the invite link someone shared with you.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>notifications</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Notify me of new messages while the window is in the background</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Private notifications: say only &quot;New message&quot;, never who or what</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Let people from the internet in: ask my router to open the port</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Create on a server…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Host a room runs it on this computer; Create on a server… puts it on a privatechat-server you name.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Main</name>
    <message>
        <source>Private Chat</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>New message</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>(%1) Private Chat</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The room self-destructs in one minute.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>MessageDelegate</name>
    <message>
        <source>%1 at %2: %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>You</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>YOU</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy message</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy invite</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>not sent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>sending…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Retry</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Send this message again</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This message could not be decrypted — was the invite complete?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>someone</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ParticipantsPanel</name>
    <message>
        <source>&gt; people %1/%2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&gt; people %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Participants</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>you</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>host</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Remove %1 from the room</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Remove from the room</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>RoomPage</name>
    <message>
        <source>ROOM</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Room ID %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copied ✓</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy invite</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy invite link</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Address in the invite: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>People %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show participants</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Leave</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stop hosting</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Destroy now</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Hosting on this computer. Others join with the invite; quitting or stopping ends the room for everyone.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Older history was trimmed: only the latest messages are shown.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Messages</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No messages yet, start the conversation.</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n new message(s) ↓</source>
        <translation>
            <numerusform>%n new message ↓</numerusform>
            <numerusform>%n new messages ↓</numerusform>
        </translation>
    </message>
    <message>
        <source>Destroy this room?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Every message is deleted and everyone is sent back to the lobby, right now. This cannot be undone.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stop hosting?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The room is destroyed for everyone and the room host on this computer stops.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Invite: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>QR code</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show the invite as a QR code</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Scan to join</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>QR code of the invite %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Close</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not end-to-end encrypted: the room&apos;s host can read it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>End-to-end encrypted, but your invite has no room key: messages cannot be read or sent. Ask for the whole invite (with the part after #).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>End-to-end encrypted. Safety code %1 — compare it with the others by voice or in person.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This room self-destructs in under a minute: its messages will be gone for everyone.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Unlock room</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Lock room</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Unlock the room: let new people join</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Lock the room: let no one new join</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Locked: no one new can join</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Remove %1?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 leaves the room at once and cannot come back while the room is locked.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Remove</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>More ▾</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>More actions</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not end-to-end encrypted</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No room key: nothing can be read</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>End-to-end encrypted · code %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Hide details</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show details</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ServerDialog</name>
    <message>
        <source>Create on a server</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The room lives on that server, not on this computer; you are its first member and the invite names the server. End-to-end encryption keeps what is said from the server.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Servers used before: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Server, e.g. chat.example.org:7878</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Its fingerprint (the &quot;fingerprint:&quot; line it printed)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Leave the fingerprint empty only for a server whose certificate an authority vouches for.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Create the room</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TrayIcon</name>
    <message numerus="yes">
        <source>Private Chat: %n unread message(s)</source>
        <translation>
            <numerusform>Private Chat: %n unread message</numerusform>
            <numerusform>Private Chat: %n unread messages</numerusform>
        </translation>
    </message>
    <message>
        <source>Private Chat</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show Private Chat</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Quit</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>pc::Cli</name>
    <message>
        <source>--%1 must be a whole number from %2 to %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The room host, for --create: HOST:PORT or wss://HOST:PORT (TLS), ws://HOST:PORT (plain).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>With --server: accept only the host certificate with this fingerprint (the host prints it), not the system&apos;s CAs.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Create a room and print its invite link.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Room lifetime in seconds (with --create).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Room capacity (with --create).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Join the room of an invite link.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Your name in the room (default: a generated one).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>With --create: a room that is not end-to-end encrypted (its host can read it), for clients that cannot seal messages.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>With --create: print the invite as a QR code too, to scan with a phone.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>With --join: follow the room after the input ends (by default the client leaves the room once every line is sent).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Seconds to wait for the host to answer before giving up (default 15).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>unexpected argument &quot;%1&quot;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>say either --create (with --server) or --join LINK</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>--create needs --server HOST:PORT</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>--fingerprint: &quot;%1&quot; is not a fingerprint (43 characters of base64url, as the host prints it)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>--%1 goes with --create, not --join</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>--name must be 1 to %1 characters, not only spaces</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Private Chat in a terminal. --create prints an invite link. --join prints every event as one JSON line on stdout and sends each line of stdin as a message; it exits 0 when the room ends or its host removes you, 3 when the room is full, locked, not found or unreachable, 2 on bad arguments.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>pc::client::InviteLink</name>
    <message>
        <source>An invite starts with privatechat:// (or is HOST:PORT/ROOM).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The invite has no room ID: it looks like HOST:PORT/ROOMID.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a room ID (21 letters, digits, _ or -).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The IPv6 address in the invite lacks its closing ].</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Unexpected text after the IPv6 address in the invite.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not an IPv6 address.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Put an IPv6 address in brackets: [::1]:7878.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The invite has no host.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a host name or address.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a port (1 to 65535).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The invite&apos;s host fingerprint (fp=) is damaged: ask for the invite again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The invite says both fp= and plain=1: ask for the invite again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>a host is HOST:PORT, ws://HOST:PORT or wss://HOST:PORT.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>a ws:// host has no fingerprint to pin.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>pc::client::RoomSession</name>
    <message>
        <source>%1 joined</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 left</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is typing…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 and %2 are typing…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Several people are typing…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>(name unreadable)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The host removed %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The host locked the room: no one new can join</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The host opened the room to new people</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>pc::desktop::Launcher</name>
    <message>
        <source>--%1 must be a whole number from %2 to %3, not &quot;%4&quot;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Private Chat: private, self-destructing chat rooms. Host a room on this computer or join one with an invite link.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Host a room right away and print its invite.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Where the hosted room listens (port 0 picks a free one; 7878 falls back to a free port when taken).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Lifetime of the hosted room, in seconds.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>How many people the hosted room holds.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Create a room on this privatechat-server (HOST:PORT, or ws://HOST:PORT for a plain one) and print its invite; the room lives there.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>With --create-on: the server&apos;s fingerprint, as it printed it (not needed for a CA-issued certificate).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Join the room of this invite link.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The name others see (this run only).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A privatechat:// invite link to join.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>--host or --create-on: a room here or on a server, not both</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>--listen needs --host</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>--%1 needs --host or --create-on</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>--fingerprint goes with --create-on</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>--fingerprint: &quot;%1&quot; is not a fingerprint (43 characters of base64url, as the server prints it)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>unexpected argument &quot;%1&quot;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>give the invite either with --join or as the argument</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>unexpected argument &quot;%1&quot; (an invite starts with privatechat://)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>invite &quot;%1&quot;: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 and an invite to join do not go together</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>--name must be 1 to %1 characters, not only spaces</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>pc::desktop::UserTexts</name>
    <message>
        <source>The room host did not understand the request: it may run another version of Private Chat.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>That is longer than the room host allows.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>That room does not exist. It may have expired or been destroyed, or the invite is mistyped.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>You are no longer a member of this room.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>That room is full: everyone it has space for is already in it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>Too much at once: wait %n second(s) and try again.</source>
        <translation>
            <numerusform>Too much at once: wait %n second and try again.</numerusform>
            <numerusform>Too much at once: wait %n seconds and try again.</numerusform>
        </translation>
    </message>
    <message>
        <source>The room host cannot be reached right now. Try again in a moment.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Something went wrong on the room host; nothing was done. Try again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The room was destroyed. Its messages are gone for everyone.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The room expired. Its messages are gone for everyone.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The room host on this computer stopped, and the room with it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The room host on this computer stopped, and the room with it: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not host a room: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The host of that room cannot be reached. Check the invite and that the host is still running and on your network.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The room host said no: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>That is not an invite: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>it did not start within %n second(s).</source>
        <translation>
            <numerusform>it did not start within %n second.</numerusform>
            <numerusform>it did not start within %n seconds.</numerusform>
        </translation>
    </message>
    <message>
        <source>Starting the room host…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Creating the room…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Joining the room…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Closing the room and stopping the room host…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Closing the room before quitting…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not sent: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The room was not destroyed: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The connection to the room&apos;s host was refused: another computer answered in its place. Someone may be intercepting the connection, so the room was closed here.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This host is not the one in your invite. Someone may be intercepting the connection.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This host&apos;s identity cannot be checked: the invite does not name it and no authority this computer trusts vouches for it. Ask for a new invite.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>That is not a server: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This server&apos;s identity cannot be checked: no authority this computer trusts vouches for it. Give its fingerprint, the line &quot;fingerprint: …&quot; it printed when it started.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the fingerprint is 43 letters, digits, - and _, as the server prints it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The invite works on this computer only: the host listens on a loopback address.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The invite works on your network only (the router was not asked to open the port).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>On your network now; asking your router to open the port for people on the internet…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The invite works from the internet (%1) and on your network.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Only on your network — your router did not open the port. For someone elsewhere: forward TCP port %1 to this computer in your router&apos;s settings, or create the room on a server instead.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Only the person who hosts this room may do that.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>That person is no longer in the room.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>That room is locked: its host lets no one new in.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The room&apos;s host removed you from the room.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>You are no longer in the room: its host does not know you as a member any more. The person hosting it may have removed you, or you left it in another window.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>pc::host::EmbeddedRedis</name>
    <message>
        <source>crashed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>exited with code %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>redis-server %1; its last log line: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>redis-server cannot restart: it has no folder (call start() first).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not create a private folder for redis-server in %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The socket path %1 is too long for a unix socket: set TMPDIR to a shorter folder.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>redis-server was not found: install it (apt-get install redis-server) or pass --redis URL</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>redis-server could not be started: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>redis-server stopped while starting; its last log line: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>redis-server did not answer within %1 ms; its last log line: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>(none)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>pc::host::HostRunner</name>
    <message>
        <source>The room host could not reach its private Redis.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>cannot reach Redis at %1: start it, or run without --redis to use a private one</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not start the private Redis: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The private Redis stopped: %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
