<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de">
<context>
    <name>AlertBanner</name>
    <message>
        <source>Dismiss</source>
        <translation>Schließen</translation>
    </message>
</context>
<context>
    <name>Composer</name>
    <message>
        <source>Type a message…  (Enter sends, Shift+Enter for a new line)</source>
        <translation>Nachricht eingeben …  (Enter sendet, Umschalt+Enter für eine neue Zeile)</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>Nachricht</translation>
    </message>
    <message>
        <source>Enter sends, Shift+Enter starts a new line</source>
        <translation>Enter sendet, Umschalt+Enter beginnt eine neue Zeile</translation>
    </message>
    <message>
        <source>%1 of %2 characters</source>
        <translation>%1 von %2 Zeichen</translation>
    </message>
    <message>
        <source>Send</source>
        <translation>Senden</translation>
    </message>
    <message>
        <source>Too long to send: emoji and some symbols take two of the %1 places a message has.</source>
        <translation>Zu lang zum Senden: Emoji und manche Zeichen belegen zwei der %1 Plätze einer Nachricht.</translation>
    </message>
    <message>
        <source>Too long to send: a message has at most %1 characters.</source>
        <translation>Zu lang zum Senden: Eine Nachricht hat höchstens %1 Zeichen.</translation>
    </message>
</context>
<context>
    <name>ConfirmDialog</name>
    <message>
        <source>Confirm</source>
        <translation>Bestätigen</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
</context>
<context>
    <name>ConnectionStatus</name>
    <message>
        <source>connected</source>
        <translation>verbunden</translation>
    </message>
    <message>
        <source>The host is not answering — the room may be gone</source>
        <translation>Der Host antwortet nicht – der Raum ist vielleicht nicht mehr da</translation>
    </message>
    <message>
        <source>reconnecting…</source>
        <translation>verbinde erneut …</translation>
    </message>
    <message>
        <source>connecting…</source>
        <translation>verbinde …</translation>
    </message>
    <message>
        <source>disconnected</source>
        <translation>getrennt</translation>
    </message>
    <message>
        <source>Connection: %1</source>
        <translation>Verbindung: %1</translation>
    </message>
    <message>
        <source>Retry now</source>
        <translation>Jetzt erneut versuchen</translation>
    </message>
</context>
<context>
    <name>Countdown</name>
    <message>
        <source>%1d %2h</source>
        <translation>%1 T %2 h</translation>
    </message>
    <message>
        <source>Self-destructs in %1</source>
        <translation>Selbstzerstörung in %1</translation>
    </message>
    <message>
        <source>SELF-DESTRUCT</source>
        <translation>SELBSTZERSTÖRUNG</translation>
    </message>
</context>
<context>
    <name>LobbyPage</name>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>Custom…</source>
        <translation>Eigene …</translation>
    </message>
    <message numerus="yes">
        <source>%n minute(s)</source>
        <translation>
            <numerusform>%n Minute</numerusform>
            <numerusform>%n Minuten</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n hour(s)</source>
        <translation>
            <numerusform>%n Stunde</numerusform>
            <numerusform>%n Stunden</numerusform>
        </translation>
    </message>
    <message>
        <source>PRIVATE CHAT</source>
        <translation>PRIVATE CHAT</translation>
    </message>
    <message>
        <source>Self-destructing rooms. Nothing is kept once a room ends.</source>
        <translation>Selbstzerstörende Räume. Nichts bleibt, wenn ein Raum endet.</translation>
    </message>
    <message>
        <source>your identity</source>
        <translation>Deine Identität</translation>
    </message>
    <message>
        <source>Your name</source>
        <translation>Dein Name</translation>
    </message>
    <message>
        <source>New name</source>
        <translation>Neuer Name</translation>
    </message>
    <message>
        <source>Generate a new name</source>
        <translation>Einen neuen Namen erzeugen</translation>
    </message>
    <message>
        <source>Others see this name. It is made up on this computer and remembered here.</source>
        <translation>Andere sehen diesen Namen. Er wird auf diesem Computer erfunden und hier gespeichert.</translation>
    </message>
    <message>
        <source>host a room</source>
        <translation>Raum eröffnen</translation>
    </message>
    <message>
        <source>Lifetime</source>
        <translation>Lebensdauer</translation>
    </message>
    <message>
        <source>Lifetime: %1</source>
        <translation>Lebensdauer: %1</translation>
    </message>
    <message>
        <source>People</source>
        <translation>Personen</translation>
    </message>
    <message>
        <source>How many people: %1</source>
        <translation>Wie viele Personen: %1</translation>
    </message>
    <message>
        <source>Minutes</source>
        <translation>Minuten</translation>
    </message>
    <message>
        <source>Custom lifetime in minutes: %1</source>
        <translation>Eigene Lebensdauer in Minuten: %1</translation>
    </message>
    <message>
        <source>Host a room</source>
        <translation>Raum eröffnen</translation>
    </message>
    <message>
        <source>join a room</source>
        <translation>Raum betreten</translation>
    </message>
    <message>
        <source>privatechat://HOST:PORT/ROOMID</source>
        <translation>privatechat://HOST:PORT/RAUMID</translation>
    </message>
    <message>
        <source>Invite link</source>
        <translation>Einladungslink</translation>
    </message>
    <message>
        <source>Join</source>
        <translation>Beitreten</translation>
    </message>
    <message>
        <source>That is not an invite. It looks like privatechat://192.168.1.20:7878/ROOMID or 192.168.1.20:7878/ROOMID.</source>
        <translation>Das ist keine Einladung. Sie sieht so aus: privatechat://192.168.1.20:7878/RAUMID oder 192.168.1.20:7878/RAUMID.</translation>
    </message>
    <message>
        <source>Paste the invite link someone shared with you.</source>
        <translation>Füge den Einladungslink ein, den man dir geschickt hat.</translation>
    </message>
    <message>
        <source>notifications</source>
        <translation>Benachrichtigungen</translation>
    </message>
    <message>
        <source>Notify me of new messages while the window is in the background</source>
        <translation>Über neue Nachrichten benachrichtigen, wenn das Fenster im Hintergrund ist</translation>
    </message>
    <message>
        <source>Private notifications: say only &quot;New message&quot;, never who or what</source>
        <translation>Private Benachrichtigungen: nur „Neue Nachricht“, nie wer oder was</translation>
    </message>
    <message>
        <source>Let people from the internet in: ask my router to open the port</source>
        <translation>Leute aus dem Internet hereinlassen: den Router bitten, den Port zu öffnen</translation>
    </message>
    <message>
        <source>Create on a server…</source>
        <translation>Auf einem Server eröffnen…</translation>
    </message>
    <message>
        <source>Host a room runs it on this computer; Create on a server… puts it on a privatechat-server you name.</source>
        <translation>„Raum eröffnen“ betreibt ihn auf diesem Computer; „Auf einem Server eröffnen…“ legt ihn auf einen privatechat-server, den du angibst.</translation>
    </message>
</context>
<context>
    <name>Main</name>
    <message>
        <source>Private Chat</source>
        <translation>Private Chat</translation>
    </message>
    <message>
        <source>New message</source>
        <translation>Neue Nachricht</translation>
    </message>
    <message>
        <source>(%1) Private Chat</source>
        <translation>(%1) Private Chat</translation>
    </message>
    <message>
        <source>The room self-destructs in one minute.</source>
        <translation>Der Raum zerstört sich in einer Minute selbst.</translation>
    </message>
</context>
<context>
    <name>MessageDelegate</name>
    <message>
        <source>%1 at %2: %3</source>
        <translation>%1 um %2: %3</translation>
    </message>
    <message>
        <source>You</source>
        <translation>Du</translation>
    </message>
    <message>
        <source>YOU</source>
        <translation>DU</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>Kopieren</translation>
    </message>
    <message>
        <source>Copy message</source>
        <translation>Nachricht kopieren</translation>
    </message>
    <message>
        <source>Copy invite</source>
        <translation>Einladung kopieren</translation>
    </message>
    <message>
        <source>not sent</source>
        <translation>nicht gesendet</translation>
    </message>
    <message>
        <source>sending…</source>
        <translation>wird gesendet…</translation>
    </message>
    <message>
        <source>Retry</source>
        <translation>Erneut senden</translation>
    </message>
    <message>
        <source>Send this message again</source>
        <translation>Diese Nachricht erneut senden</translation>
    </message>
    <message>
        <source>This message could not be decrypted — was the invite complete?</source>
        <translation>Diese Nachricht konnte nicht entschlüsselt werden – war die Einladung vollständig?</translation>
    </message>
    <message>
        <source>someone</source>
        <translation>jemand</translation>
    </message>
</context>
<context>
    <name>ParticipantsPanel</name>
    <message>
        <source>&gt; people %1/%2</source>
        <translation>&gt; Personen %1/%2</translation>
    </message>
    <message>
        <source>&gt; people %1</source>
        <translation>&gt; Personen %1</translation>
    </message>
    <message>
        <source>Participants</source>
        <translation>Teilnehmende</translation>
    </message>
    <message>
        <source>you</source>
        <translation>du</translation>
    </message>
    <message>
        <source>host</source>
        <translation>Host</translation>
    </message>
    <message>
        <source>Remove %1 from the room</source>
        <translation>%1 aus dem Raum entfernen</translation>
    </message>
    <message>
        <source>Remove from the room</source>
        <translation>Aus dem Raum entfernen</translation>
    </message>
</context>
<context>
    <name>RoomPage</name>
    <message>
        <source>ROOM</source>
        <translation>RAUM</translation>
    </message>
    <message>
        <source>Room ID %1</source>
        <translation>Raum-ID %1</translation>
    </message>
    <message>
        <source>Copied ✓</source>
        <translation>Kopiert ✓</translation>
    </message>
    <message>
        <source>Copy invite</source>
        <translation>Einladung kopieren</translation>
    </message>
    <message>
        <source>Copy invite link</source>
        <translation>Einladungslink kopieren</translation>
    </message>
    <message>
        <source>Address in the invite: %1</source>
        <translation>Adresse in der Einladung: %1</translation>
    </message>
    <message>
        <source>People %1</source>
        <translation>Personen %1</translation>
    </message>
    <message>
        <source>Show participants</source>
        <translation>Teilnehmende zeigen</translation>
    </message>
    <message>
        <source>Leave</source>
        <translation>Verlassen</translation>
    </message>
    <message>
        <source>Stop hosting</source>
        <translation>Hosten beenden</translation>
    </message>
    <message>
        <source>Destroy now</source>
        <translation>Jetzt zerstören</translation>
    </message>
    <message>
        <source>Hosting on this computer. Others join with the invite; quitting or stopping ends the room for everyone.</source>
        <translation>Gehostet auf diesem Computer. Andere treten mit der Einladung bei; Beenden zerstört den Raum für alle.</translation>
    </message>
    <message>
        <source>Older history was trimmed: only the latest messages are shown.</source>
        <translation>Ältere Nachrichten wurden gekürzt: Nur die neuesten werden gezeigt.</translation>
    </message>
    <message>
        <source>Messages</source>
        <translation>Nachrichten</translation>
    </message>
    <message>
        <source>No messages yet, start the conversation.</source>
        <translation>Noch keine Nachrichten – beginne das Gespräch.</translation>
    </message>
    <message numerus="yes">
        <source>%n new message(s) ↓</source>
        <translation>
            <numerusform>%n neue Nachricht ↓</numerusform>
            <numerusform>%n neue Nachrichten ↓</numerusform>
        </translation>
    </message>
    <message>
        <source>Destroy this room?</source>
        <translation>Diesen Raum zerstören?</translation>
    </message>
    <message>
        <source>Every message is deleted and everyone is sent back to the lobby, right now. This cannot be undone.</source>
        <translation>Alle Nachrichten werden gelöscht und alle sofort in die Lobby zurückgeschickt. Das lässt sich nicht rückgängig machen.</translation>
    </message>
    <message>
        <source>Stop hosting?</source>
        <translation>Hosten beenden?</translation>
    </message>
    <message>
        <source>The room is destroyed for everyone and the room host on this computer stops.</source>
        <translation>Der Raum wird für alle zerstört und der Raum-Host auf diesem Computer hält an.</translation>
    </message>
    <message>
        <source>Invite: %1</source>
        <translation>Einladung: %1</translation>
    </message>
    <message>
        <source>QR code</source>
        <translation>QR-Code</translation>
    </message>
    <message>
        <source>Show the invite as a QR code</source>
        <translation>Die Einladung als QR-Code zeigen</translation>
    </message>
    <message>
        <source>Scan to join</source>
        <translation>Zum Beitreten scannen</translation>
    </message>
    <message>
        <source>QR code of the invite %1</source>
        <translation>QR-Code der Einladung %1</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Schließen</translation>
    </message>
    <message>
        <source>Not end-to-end encrypted: the room&apos;s host can read it.</source>
        <translation>Nicht Ende-zu-Ende-verschlüsselt: Der Host des Raums kann ihn lesen.</translation>
    </message>
    <message>
        <source>End-to-end encrypted, but your invite has no room key: messages cannot be read or sent. Ask for the whole invite (with the part after #).</source>
        <translation>Ende-zu-Ende-verschlüsselt, aber deiner Einladung fehlt der Raumschlüssel: Nachrichten können weder gelesen noch gesendet werden. Bitte um die ganze Einladung (mit dem Teil nach #).</translation>
    </message>
    <message>
        <source>End-to-end encrypted. Safety code %1 — compare it with the others by voice or in person.</source>
        <translation>Ende-zu-Ende-verschlüsselt. Sicherheitscode %1 – vergleiche ihn mit den anderen am Telefon oder persönlich.</translation>
    </message>
    <message>
        <source>This room self-destructs in under a minute: its messages will be gone for everyone.</source>
        <translation>Dieser Raum zerstört sich in weniger als einer Minute selbst: Seine Nachrichten verschwinden für alle.</translation>
    </message>
    <message>
        <source>Unlock room</source>
        <translation>Raum öffnen</translation>
    </message>
    <message>
        <source>Lock room</source>
        <translation>Raum sperren</translation>
    </message>
    <message>
        <source>Unlock the room: let new people join</source>
        <translation>Den Raum öffnen: neue Leute dürfen beitreten</translation>
    </message>
    <message>
        <source>Lock the room: let no one new join</source>
        <translation>Den Raum sperren: niemand Neues darf beitreten</translation>
    </message>
    <message>
        <source>Locked: no one new can join</source>
        <translation>Gesperrt: niemand Neues kann beitreten</translation>
    </message>
    <message>
        <source>Remove %1?</source>
        <translation>%1 entfernen?</translation>
    </message>
    <message>
        <source>%1 leaves the room at once and cannot come back while the room is locked.</source>
        <translation>%1 verlässt den Raum sofort und kann nicht zurück, solange der Raum gesperrt ist.</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>Entfernen</translation>
    </message>
    <message>
        <source>More ▾</source>
        <translation>Mehr ▾</translation>
    </message>
    <message>
        <source>More actions</source>
        <translation>Weitere Aktionen</translation>
    </message>
    <message>
        <source>Not end-to-end encrypted</source>
        <translation>Nicht Ende-zu-Ende-verschlüsselt</translation>
    </message>
    <message>
        <source>No room key: nothing can be read</source>
        <translation>Kein Raumschlüssel: nichts lesbar</translation>
    </message>
    <message>
        <source>End-to-end encrypted · code %1</source>
        <translation>Ende-zu-Ende-verschlüsselt · Code %1</translation>
    </message>
    <message>
        <source>Hide details</source>
        <translation>Details ausblenden</translation>
    </message>
    <message>
        <source>Show details</source>
        <translation>Details zeigen</translation>
    </message>
</context>
<context>
    <name>ServerDialog</name>
    <message>
        <source>Create on a server</source>
        <translation>Auf einem Server eröffnen</translation>
    </message>
    <message>
        <source>The room lives on that server, not on this computer; you are its first member and the invite names the server. End-to-end encryption keeps what is said from the server.</source>
        <translation>Der Raum liegt auf diesem Server, nicht auf deinem Computer; du bist sein erstes Mitglied, und die Einladung nennt den Server. Die Ende-zu-Ende-Verschlüsselung hält das Gesagte vom Server fern.</translation>
    </message>
    <message>
        <source>Servers used before: %1</source>
        <translation>Bereits benutzte Server: %1</translation>
    </message>
    <message>
        <source>Server, e.g. chat.example.org:7878</source>
        <translation>Server, z. B. chat.example.org:7878</translation>
    </message>
    <message>
        <source>Its fingerprint (the &quot;fingerprint:&quot; line it printed)</source>
        <translation>Sein Fingerabdruck (die Zeile „fingerprint:“, die er ausgegeben hat)</translation>
    </message>
    <message>
        <source>Leave the fingerprint empty only for a server whose certificate an authority vouches for.</source>
        <translation>Lass den Fingerabdruck nur bei einem Server leer, für dessen Zertifikat eine Zertifizierungsstelle bürgt.</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>Create the room</source>
        <translation>Raum eröffnen</translation>
    </message>
</context>
<context>
    <name>TrayIcon</name>
    <message numerus="yes">
        <source>Private Chat: %n unread message(s)</source>
        <translation>
            <numerusform>Private Chat: %n ungelesene Nachricht</numerusform>
            <numerusform>Private Chat: %n ungelesene Nachrichten</numerusform>
        </translation>
    </message>
    <message>
        <source>Private Chat</source>
        <translation>Private Chat</translation>
    </message>
    <message>
        <source>Show Private Chat</source>
        <translation>Private Chat zeigen</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>Beenden</translation>
    </message>
</context>
<context>
    <name>pc::Cli</name>
    <message>
        <source>--%1 must be a whole number from %2 to %3</source>
        <translation>--%1 muss eine ganze Zahl von %2 bis %3 sein</translation>
    </message>
    <message>
        <source>Private Chat in a terminal. --create prints an invite link. --join prints every event as one JSON line on stdout and sends each line of stdin as a message; it exits 0 when the room ends or its host removes you, 3 when the room is full, locked, not found or unreachable, 2 on bad arguments.</source>
        <translation>Private Chat im Terminal. --create gibt einen Einladungslink aus. --join gibt jedes Ereignis als eine JSON-Zeile auf stdout aus und sendet jede Zeile von stdin als Nachricht; es endet mit 0, wenn der Raum endet oder sein Host dich entfernt, mit 3, wenn der Raum voll, gesperrt, nicht zu finden oder nicht erreichbar ist, mit 2 bei falschen Argumenten.</translation>
    </message>
    <message>
        <source>The room host, for --create: HOST:PORT or wss://HOST:PORT (TLS), ws://HOST:PORT (plain).</source>
        <translation>Der Raum-Host, für --create: HOST:PORT oder wss://HOST:PORT (TLS), ws://HOST:PORT (unverschlüsselt).</translation>
    </message>
    <message>
        <source>With --server: accept only the host certificate with this fingerprint (the host prints it), not the system&apos;s CAs.</source>
        <translation>Mit --server: nur das Host-Zertifikat mit diesem Fingerabdruck annehmen (der Host gibt ihn aus), nicht die Zertifizierungsstellen des Systems.</translation>
    </message>
    <message>
        <source>Create a room and print its invite link.</source>
        <translation>Einen Raum eröffnen und seinen Einladungslink ausgeben.</translation>
    </message>
    <message>
        <source>Room lifetime in seconds (with --create).</source>
        <translation>Lebensdauer des Raums in Sekunden (mit --create).</translation>
    </message>
    <message>
        <source>Room capacity (with --create).</source>
        <translation>Plätze im Raum (mit --create).</translation>
    </message>
    <message>
        <source>Join the room of an invite link.</source>
        <translation>Dem Raum eines Einladungslinks beitreten.</translation>
    </message>
    <message>
        <source>Your name in the room (default: a generated one).</source>
        <translation>Dein Name im Raum (sonst ein erfundener).</translation>
    </message>
    <message>
        <source>With --create: a room that is not end-to-end encrypted (its host can read it), for clients that cannot seal messages.</source>
        <translation>Mit --create: ein Raum ohne Ende-zu-Ende-Verschlüsselung (sein Host kann mitlesen), für Clients, die Nachrichten nicht versiegeln können.</translation>
    </message>
    <message>
        <source>With --create: print the invite as a QR code too, to scan with a phone.</source>
        <translation>Mit --create: die Einladung auch als QR-Code ausgeben, zum Scannen mit dem Telefon.</translation>
    </message>
    <message>
        <source>With --join: follow the room after the input ends (by default the client leaves the room once every line is sent).</source>
        <translation>Mit --join: dem Raum weiter folgen, wenn die Eingabe endet (sonst verlässt der Client den Raum, sobald jede Zeile gesendet ist).</translation>
    </message>
    <message>
        <source>Seconds to wait for the host to answer before giving up (default 15).</source>
        <translation>Sekunden, die auf die Antwort des Hosts gewartet wird, bevor aufgegeben wird (Standard 15).</translation>
    </message>
    <message>
        <source>unexpected argument &quot;%1&quot;</source>
        <translation>unerwartetes Argument „%1“</translation>
    </message>
    <message>
        <source>say either --create (with --server) or --join LINK</source>
        <translation>entweder --create (mit --server) oder --join LINK angeben</translation>
    </message>
    <message>
        <source>--create needs --server HOST:PORT</source>
        <translation>--create braucht --server HOST:PORT</translation>
    </message>
    <message>
        <source>--fingerprint: &quot;%1&quot; is not a fingerprint (43 characters of base64url, as the host prints it)</source>
        <translation>--fingerprint: „%1“ ist kein Fingerabdruck (43 Zeichen base64url, wie der Host ihn ausgibt)</translation>
    </message>
    <message>
        <source>--%1 goes with --create, not --join</source>
        <translation>--%1 gehört zu --create, nicht zu --join</translation>
    </message>
    <message>
        <source>--name must be 1 to %1 characters, not only spaces</source>
        <translation>--name muss 1 bis %1 Zeichen lang sein, nicht nur Leerzeichen</translation>
    </message>
</context>
<context>
    <name>pc::client::InviteLink</name>
    <message>
        <source>An invite starts with privatechat:// (or is HOST:PORT/ROOM).</source>
        <translation>Eine Einladung beginnt mit privatechat:// (oder lautet HOST:PORT/RAUM).</translation>
    </message>
    <message>
        <source>The invite has no room ID: it looks like HOST:PORT/ROOMID.</source>
        <translation>Die Einladung hat keine Raum-ID: Sie sieht so aus: HOST:PORT/RAUMID.</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a room ID (21 letters, digits, _ or -).</source>
        <translation>„%1“ ist keine Raum-ID (21 Buchstaben, Ziffern, _ oder -).</translation>
    </message>
    <message>
        <source>The IPv6 address in the invite lacks its closing ].</source>
        <translation>Der IPv6-Adresse in der Einladung fehlt die schließende ].</translation>
    </message>
    <message>
        <source>Unexpected text after the IPv6 address in the invite.</source>
        <translation>Unerwarteter Text nach der IPv6-Adresse in der Einladung.</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not an IPv6 address.</source>
        <translation>„%1“ ist keine IPv6-Adresse.</translation>
    </message>
    <message>
        <source>Put an IPv6 address in brackets: [::1]:7878.</source>
        <translation>Setze eine IPv6-Adresse in eckige Klammern: [::1]:7878.</translation>
    </message>
    <message>
        <source>The invite has no host.</source>
        <translation>Die Einladung nennt keinen Host.</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a host name or address.</source>
        <translation>„%1“ ist weder ein Hostname noch eine Adresse.</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a port (1 to 65535).</source>
        <translation>„%1“ ist kein Port (1 bis 65535).</translation>
    </message>
    <message>
        <source>The invite&apos;s host fingerprint (fp=) is damaged: ask for the invite again.</source>
        <translation>Der Host-Fingerabdruck der Einladung (fp=) ist beschädigt: Bitte noch einmal um die Einladung.</translation>
    </message>
    <message>
        <source>The invite says both fp= and plain=1: ask for the invite again.</source>
        <translation>Die Einladung enthält sowohl fp= als auch plain=1: Bitte noch einmal um die Einladung.</translation>
    </message>
    <message>
        <source>a host is HOST:PORT, ws://HOST:PORT or wss://HOST:PORT.</source>
        <translation>ein Host ist HOST:PORT, ws://HOST:PORT oder wss://HOST:PORT.</translation>
    </message>
    <message>
        <source>a ws:// host has no fingerprint to pin.</source>
        <translation>ein ws://-Host hat keinen Fingerabdruck zum Festlegen.</translation>
    </message>
</context>
<context>
    <name>pc::client::RoomSession</name>
    <message>
        <source>%1 joined</source>
        <translation>%1 ist beigetreten</translation>
    </message>
    <message>
        <source>%1 left</source>
        <translation>%1 ist gegangen</translation>
    </message>
    <message>
        <source>%1 is typing…</source>
        <translation>%1 schreibt…</translation>
    </message>
    <message>
        <source>%1 and %2 are typing…</source>
        <translation>%1 und %2 schreiben…</translation>
    </message>
    <message>
        <source>Several people are typing…</source>
        <translation>Mehrere schreiben…</translation>
    </message>
    <message>
        <source>(name unreadable)</source>
        <translation>(Name unlesbar)</translation>
    </message>
    <message>
        <source>The host removed %1</source>
        <translation>Der Host hat %1 entfernt</translation>
    </message>
    <message>
        <source>The host locked the room: no one new can join</source>
        <translation>Der Host hat den Raum gesperrt: niemand Neues kann beitreten</translation>
    </message>
    <message>
        <source>The host opened the room to new people</source>
        <translation>Der Host hat den Raum für neue Leute geöffnet</translation>
    </message>
</context>
<context>
    <name>pc::desktop::Launcher</name>
    <message>
        <source>--%1 must be a whole number from %2 to %3, not &quot;%4&quot;</source>
        <translation>--%1 muss eine ganze Zahl von %2 bis %3 sein, nicht „%4“</translation>
    </message>
    <message>
        <source>Private Chat: private, self-destructing chat rooms. Host a room on this computer or join one with an invite link.</source>
        <translation>Private Chat: private, sich selbst zerstörende Chaträume. Eröffne einen Raum auf diesem Computer oder tritt einem mit einem Einladungslink bei.</translation>
    </message>
    <message>
        <source>Host a room right away and print its invite.</source>
        <translation>Einen Raum sofort eröffnen und seine Einladung ausgeben.</translation>
    </message>
    <message>
        <source>Where the hosted room listens (port 0 picks a free one; 7878 falls back to a free port when taken).</source>
        <translation>Wo der eröffnete Raum lauscht (Port 0 wählt einen freien; ist 7878 belegt, wird ein freier genommen).</translation>
    </message>
    <message>
        <source>Lifetime of the hosted room, in seconds.</source>
        <translation>Lebensdauer des eröffneten Raums, in Sekunden.</translation>
    </message>
    <message>
        <source>How many people the hosted room holds.</source>
        <translation>Wie viele Personen der eröffnete Raum fasst.</translation>
    </message>
    <message>
        <source>Create a room on this privatechat-server (HOST:PORT, or ws://HOST:PORT for a plain one) and print its invite; the room lives there.</source>
        <translation>Einen Raum auf diesem privatechat-server eröffnen (HOST:PORT, oder ws://HOST:PORT für einen unverschlüsselten) und seine Einladung ausgeben; der Raum liegt dort.</translation>
    </message>
    <message>
        <source>With --create-on: the server&apos;s fingerprint, as it printed it (not needed for a CA-issued certificate).</source>
        <translation>Mit --create-on: der Fingerabdruck des Servers, so wie er ihn ausgegeben hat (für ein Zertifikat einer Zertifizierungsstelle nicht nötig).</translation>
    </message>
    <message>
        <source>Join the room of this invite link.</source>
        <translation>Dem Raum dieses Einladungslinks beitreten.</translation>
    </message>
    <message>
        <source>The name others see (this run only).</source>
        <translation>Der Name, den andere sehen (nur für diesen Start).</translation>
    </message>
    <message>
        <source>A privatechat:// invite link to join.</source>
        <translation>Ein privatechat://-Einladungslink zum Beitreten.</translation>
    </message>
    <message>
        <source>--host or --create-on: a room here or on a server, not both</source>
        <translation>--host oder --create-on: ein Raum hier oder auf einem Server, nicht beides</translation>
    </message>
    <message>
        <source>--listen needs --host</source>
        <translation>--listen braucht --host</translation>
    </message>
    <message>
        <source>--%1 needs --host or --create-on</source>
        <translation>--%1 braucht --host oder --create-on</translation>
    </message>
    <message>
        <source>--fingerprint goes with --create-on</source>
        <translation>--fingerprint gehört zu --create-on</translation>
    </message>
    <message>
        <source>--fingerprint: &quot;%1&quot; is not a fingerprint (43 characters of base64url, as the server prints it)</source>
        <translation>--fingerprint: „%1“ ist kein Fingerabdruck (43 Zeichen base64url, so wie der Server ihn ausgibt)</translation>
    </message>
    <message>
        <source>unexpected argument &quot;%1&quot;</source>
        <translation>unerwartetes Argument „%1“</translation>
    </message>
    <message>
        <source>give the invite either with --join or as the argument</source>
        <translation>gib die Einladung entweder mit --join oder als Argument an</translation>
    </message>
    <message>
        <source>unexpected argument &quot;%1&quot; (an invite starts with privatechat://)</source>
        <translation>unerwartetes Argument „%1“ (eine Einladung beginnt mit privatechat://)</translation>
    </message>
    <message>
        <source>invite &quot;%1&quot;: %2</source>
        <translation>Einladung „%1“: %2</translation>
    </message>
    <message>
        <source>%1 and an invite to join do not go together</source>
        <translation>%1 und eine Einladung zum Beitreten passen nicht zusammen</translation>
    </message>
    <message>
        <source>--name must be 1 to %1 characters, not only spaces</source>
        <translation>--name muss 1 bis %1 Zeichen lang sein, nicht nur Leerzeichen</translation>
    </message>
</context>
<context>
    <name>pc::desktop::UserTexts</name>
    <message>
        <source>The room host did not understand the request: it may run another version of Private Chat.</source>
        <translation>Der Raum-Host hat die Anfrage nicht verstanden: Vielleicht läuft dort eine andere Version von Private Chat.</translation>
    </message>
    <message>
        <source>That is longer than the room host allows.</source>
        <translation>Das ist länger, als der Raum-Host erlaubt.</translation>
    </message>
    <message>
        <source>That room does not exist. It may have expired or been destroyed, or the invite is mistyped.</source>
        <translation>Diesen Raum gibt es nicht. Er ist vielleicht abgelaufen oder wurde zerstört, oder die Einladung ist falsch geschrieben.</translation>
    </message>
    <message>
        <source>You are no longer a member of this room.</source>
        <translation>Du bist nicht mehr Mitglied dieses Raums.</translation>
    </message>
    <message>
        <source>That room is full: everyone it has space for is already in it.</source>
        <translation>Dieser Raum ist voll: Alle Plätze sind schon belegt.</translation>
    </message>
    <message numerus="yes">
        <source>Too much at once: wait %n second(s) and try again.</source>
        <translation>
            <numerusform>Zu viel auf einmal: Warte %n Sekunde und versuche es noch einmal.</numerusform>
            <numerusform>Zu viel auf einmal: Warte %n Sekunden und versuche es noch einmal.</numerusform>
        </translation>
    </message>
    <message>
        <source>The room host cannot be reached right now. Try again in a moment.</source>
        <translation>Der Raum-Host ist gerade nicht erreichbar. Versuche es gleich noch einmal.</translation>
    </message>
    <message>
        <source>Something went wrong on the room host; nothing was done. Try again.</source>
        <translation>Beim Raum-Host ist etwas schiefgegangen; es wurde nichts getan. Versuche es noch einmal.</translation>
    </message>
    <message>
        <source>The room was destroyed. Its messages are gone for everyone.</source>
        <translation>Der Raum wurde zerstört. Seine Nachrichten sind für alle weg.</translation>
    </message>
    <message>
        <source>The room expired. Its messages are gone for everyone.</source>
        <translation>Der Raum ist abgelaufen. Seine Nachrichten sind für alle weg.</translation>
    </message>
    <message>
        <source>The room host on this computer stopped, and the room with it.</source>
        <translation>Der Raum-Host auf diesem Computer hat angehalten und der Raum mit ihm.</translation>
    </message>
    <message>
        <source>The room host on this computer stopped, and the room with it: %1</source>
        <translation>Der Raum-Host auf diesem Computer hat angehalten und der Raum mit ihm: %1</translation>
    </message>
    <message>
        <source>You are no longer in the room: its host does not know you as a member any more. The person hosting it may have removed you, or you left it in another window.</source>
        <translation>Du bist nicht mehr im Raum: Sein Host kennt dich nicht mehr als Mitglied. Wer ihn hostet, hat dich vielleicht entfernt, oder du hast ihn in einem anderen Fenster verlassen.</translation>
    </message>
    <message>
        <source>Could not host a room: %1</source>
        <translation>Raum konnte nicht eröffnet werden: %1</translation>
    </message>
    <message>
        <source>The host of that room cannot be reached. Check the invite and that the host is still running and on your network.</source>
        <translation>Der Host dieses Raums ist nicht erreichbar. Prüfe die Einladung und ob der Host noch läuft und in deinem Netzwerk ist.</translation>
    </message>
    <message>
        <source>The room host said no: %1</source>
        <translation>Der Raum-Host hat abgelehnt: %1</translation>
    </message>
    <message>
        <source>That is not an invite: %1</source>
        <translation>Das ist keine Einladung: %1</translation>
    </message>
    <message numerus="yes">
        <source>it did not start within %n second(s).</source>
        <translation>
            <numerusform>Er ist nicht innerhalb von %n Sekunde gestartet.</numerusform>
            <numerusform>Er ist nicht innerhalb von %n Sekunden gestartet.</numerusform>
        </translation>
    </message>
    <message>
        <source>Starting the room host…</source>
        <translation>Raum-Host wird gestartet …</translation>
    </message>
    <message>
        <source>Creating the room…</source>
        <translation>Raum wird erstellt …</translation>
    </message>
    <message>
        <source>Joining the room…</source>
        <translation>Raum wird betreten …</translation>
    </message>
    <message>
        <source>Closing the room and stopping the room host…</source>
        <translation>Raum wird geschlossen und Raum-Host gestoppt …</translation>
    </message>
    <message>
        <source>Closing the room before quitting…</source>
        <translation>Raum wird vor dem Beenden geschlossen …</translation>
    </message>
    <message>
        <source>Not sent: %1</source>
        <translation>Nicht gesendet: %1</translation>
    </message>
    <message>
        <source>The room was not destroyed: %1</source>
        <translation>Der Raum wurde nicht zerstört: %1</translation>
    </message>
    <message>
        <source>The connection to the room&apos;s host was refused: another computer answered in its place. Someone may be intercepting the connection, so the room was closed here.</source>
        <translation>Die Verbindung zum Host des Raums wurde abgelehnt: Ein anderer Computer hat an seiner Stelle geantwortet. Vielleicht fängt jemand die Verbindung ab, deshalb wurde der Raum hier geschlossen.</translation>
    </message>
    <message>
        <source>This host is not the one in your invite. Someone may be intercepting the connection.</source>
        <translation>Dieser Host ist nicht der aus deiner Einladung. Vielleicht fängt jemand die Verbindung ab.</translation>
    </message>
    <message>
        <source>This host&apos;s identity cannot be checked: the invite does not name it and no authority this computer trusts vouches for it. Ask for a new invite.</source>
        <translation>Die Identität dieses Hosts lässt sich nicht prüfen: Die Einladung nennt sie nicht, und keine Stelle, der dieser Computer vertraut, bürgt für ihn. Bitte um eine neue Einladung.</translation>
    </message>
    <message>
        <source>That is not a server: %1</source>
        <translation>Das ist kein Server: %1</translation>
    </message>
    <message>
        <source>This server&apos;s identity cannot be checked: no authority this computer trusts vouches for it. Give its fingerprint, the line &quot;fingerprint: …&quot; it printed when it started.</source>
        <translation>Die Identität dieses Servers lässt sich nicht prüfen: Keine Stelle, der dieser Computer vertraut, bürgt für ihn. Gib seinen Fingerabdruck an, die Zeile „fingerprint: …“, die er beim Start ausgegeben hat.</translation>
    </message>
    <message>
        <source>the fingerprint is 43 letters, digits, - and _, as the server prints it.</source>
        <translation>Der Fingerabdruck besteht aus 43 Buchstaben, Ziffern, - und _, so wie der Server ihn ausgibt.</translation>
    </message>
    <message>
        <source>The invite works on this computer only: the host listens on a loopback address.</source>
        <translation>Die Einladung funktioniert nur auf diesem Computer: Der Host lauscht auf einer Loopback-Adresse.</translation>
    </message>
    <message>
        <source>The invite works on your network only (the router was not asked to open the port).</source>
        <translation>Die Einladung funktioniert nur in deinem Netzwerk (der Router wurde nicht gebeten, den Port zu öffnen).</translation>
    </message>
    <message>
        <source>On your network now; asking your router to open the port for people on the internet…</source>
        <translation>Jetzt in deinem Netzwerk; der Router wird gebeten, den Port für Leute im Internet zu öffnen…</translation>
    </message>
    <message>
        <source>The invite works from the internet (%1) and on your network.</source>
        <translation>Die Einladung funktioniert aus dem Internet (%1) und in deinem Netzwerk.</translation>
    </message>
    <message>
        <source>Only on your network — your router did not open the port. For someone elsewhere: forward TCP port %1 to this computer in your router&apos;s settings, or create the room on a server instead.</source>
        <translation>Nur in deinem Netzwerk – dein Router hat den Port nicht geöffnet. Für jemanden anderswo: Leite in den Einstellungen deines Routers den TCP-Port %1 an diesen Computer weiter, oder eröffne den Raum stattdessen auf einem Server.</translation>
    </message>
    <message>
        <source>Only the person who hosts this room may do that.</source>
        <translation>Das darf nur, wer diesen Raum eröffnet hat.</translation>
    </message>
    <message>
        <source>That person is no longer in the room.</source>
        <translation>Diese Person ist nicht mehr im Raum.</translation>
    </message>
    <message>
        <source>That room is locked: its host lets no one new in.</source>
        <translation>Dieser Raum ist gesperrt: sein Host lässt niemand Neues herein.</translation>
    </message>
    <message>
        <source>The room&apos;s host removed you from the room.</source>
        <translation>Der Host des Raums hat dich aus dem Raum entfernt.</translation>
    </message>
</context>
<context>
    <name>pc::host::EmbeddedRedis</name>
    <message>
        <source>crashed</source>
        <translation>ist abgestürzt</translation>
    </message>
    <message>
        <source>exited with code %1</source>
        <translation>wurde mit Code %1 beendet</translation>
    </message>
    <message>
        <source>redis-server %1; its last log line: %2</source>
        <translation>redis-server %1; seine letzte Logzeile: %2</translation>
    </message>
    <message>
        <source>redis-server cannot restart: it has no folder (call start() first).</source>
        <translation>redis-server kann nicht neu starten: Es hat keinen Ordner (zuerst start() aufrufen).</translation>
    </message>
    <message>
        <source>Could not create a private folder for redis-server in %1: %2</source>
        <translation>Für redis-server konnte in %1 kein privater Ordner angelegt werden: %2</translation>
    </message>
    <message>
        <source>The socket path %1 is too long for a unix socket: set TMPDIR to a shorter folder.</source>
        <translation>Der Socket-Pfad %1 ist zu lang für einen Unix-Socket: Setze TMPDIR auf einen kürzeren Ordner.</translation>
    </message>
    <message>
        <source>redis-server was not found: install it (apt-get install redis-server) or pass --redis URL</source>
        <translation>redis-server wurde nicht gefunden: Installiere es (apt-get install redis-server) oder gib --redis URL an</translation>
    </message>
    <message>
        <source>redis-server could not be started: %1</source>
        <translation>redis-server konnte nicht gestartet werden: %1</translation>
    </message>
    <message>
        <source>redis-server stopped while starting; its last log line: %1</source>
        <translation>redis-server hat beim Starten angehalten; seine letzte Logzeile: %1</translation>
    </message>
    <message>
        <source>redis-server did not answer within %1 ms; its last log line: %2</source>
        <translation>redis-server hat nicht innerhalb von %1 ms geantwortet; seine letzte Logzeile: %2</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>(keine)</translation>
    </message>
</context>
<context>
    <name>pc::host::HostRunner</name>
    <message>
        <source>The room host could not reach its private Redis.</source>
        <translation>Der Raum-Host erreicht sein privates Redis nicht.</translation>
    </message>
    <message>
        <source>cannot reach Redis at %1: start it, or run without --redis to use a private one</source>
        <translation>Redis unter %1 ist nicht erreichbar: Starte es, oder starte ohne --redis, um ein privates zu nutzen</translation>
    </message>
    <message>
        <source>Could not start the private Redis: %1</source>
        <translation>Das private Redis konnte nicht starten: %1</translation>
    </message>
    <message>
        <source>The private Redis stopped: %1</source>
        <translation>Das private Redis hat angehalten: %1</translation>
    </message>
</context>
</TS>
