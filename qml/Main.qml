import QtQuick
import QtQuick.Controls.Basic
import QtQuick.Window
import PrivateChat
import PrivateChat.Client
import PrivateChat.Desktop
import PrivateChat.Hosting

// The window: the lobby or the room, the hosted room's lifecycle, notifications and tray.
ApplicationWindow {
    id: root

    // Set from the command line (see app/desktop/launcher.h).
    property bool hostOnStart: false
    property string listenAddress: "0.0.0.0:7878"
    property int startTtl: 0
    property int startMaxParticipants: 0
    property string startInvite
    property string startName

    // The name used in rooms: --name for this run, else the remembered one.
    property string identity: root.startName !== "" ? root.startName : settings.name
    property string alertText
    property string alertKind: "error"
    property int unread: 0
    property bool hostingRoom: false // the current room runs on our own host
    property bool quitting: false
    property int pendingTtl: 0
    property int pendingMax: 0
    readonly property bool inRoom: roomSession.state === RoomSession.Joined
    readonly property bool busy: host.state === HostController.Starting
                                 || roomSession.state === RoomSession.Creating
                                 || roomSession.state === RoomSession.Joining

    // The room's invite, once a room is hosted; main.cpp prints it ("invite: …").
    signal inviteReady(string link)

    function hostRoom(ttlSeconds: int, maxParticipants: int): void {
        root.alertText = "";
        root.pendingTtl = ttlSeconds;
        root.pendingMax = maxParticipants;
        root.hostingRoom = true;
        if (host.state === HostController.Running)
            root.createHostedRoom();
        else
            host.start(root.listenAddress);
    }
    function createHostedRoom(): void {
        realtimeClient.url = host.localUrl;
        roomSession.setInviteHost("");
        roomSession.create(root.pendingTtl, root.pendingMax, root.identity);
    }
    // The user gave up waiting: nothing half-started is left running.
    function cancelWait(): void {
        roomSession.cancel();
        if (root.hostingRoom) {
            root.hostingRoom = false;
            host.stop();
        }
    }
    function joinRoom(invite: string): void {
        root.alertText = "";
        root.hostingRoom = false;
        roomSession.join(invite, root.identity);
    }
    function stopHosting(): void {
        roomSession.destroyRoom();
        stopFallback.restart();
    }
    function alertFor(state: int): string {
        switch (state) {
        case RoomSession.Full:
            return qsTr("That room is full: everyone it has space for is already in it.");
        case RoomSession.NotFound:
            return qsTr("That room does not exist. It may have expired or been destroyed, or the invite is mistyped.");
        case RoomSession.Unreachable:
            return qsTr("The host of that room cannot be reached. Check the invite and that the host is still running and on your network.");
        case RoomSession.Destroyed:
            return qsTr("The room was destroyed. Its messages are gone for everyone.");
        case RoomSession.Expired:
            return qsTr("The room expired. Its messages are gone for everyone.");
        case RoomSession.Failed:
            return roomSession.errorText !== "" ? roomSession.errorText : qsTr("Something went wrong with the room.");
        default:
            return "";
        }
    }
    function notifyMessage(sender: string, text: string): void {
        if (root.active)
            return;
        root.unread += 1;
        Desktop.alert(root);
        if (!settings.notifications)
            return;
        const title = settings.privateNotifications ? qsTr("Private Chat") : sender;
        const body = settings.privateNotifications ? qsTr("New message") : text;
        const tray = trayLoader.object as TrayIcon;
        if (!Desktop.notify(title, body) && tray && tray.available)
            tray.showMessage(title, body);
    }
    function showWindow(): void {
        root.show();
        root.raise();
        root.requestActivate();
    }
    function finishQuit(): void {
        if (host.state === HostController.Running || host.state === HostController.Starting)
            host.stop();
        else if (host.state !== HostController.Stopping)
            Qt.quit();
    }

    width: 1000
    height: 700
    minimumWidth: 380
    minimumHeight: 480
    visible: true
    color: Theme.background
    font.pixelSize: Theme.fontNormal
    title: root.unread > 0 ? qsTr("(%1) Private Chat").arg(root.unread) : qsTr("Private Chat")

    onActiveChanged: {
        if (root.active)
            root.unread = 0;
    }
    onClosing: close => {
        if (root.quitting && host.state === HostController.Stopped)
            return;
        if (!root.inRoom && host.state !== HostController.Running && host.state !== HostController.Starting)
            return;
        // Leave (or, when hosting, destroy the room) and stop the host before quitting.
        close.accepted = false;
        if (root.quitting)
            return;
        root.quitting = true;
        quitFallback.start();
        if (!root.inRoom)
            root.finishQuit();
        else if (root.hostingRoom)
            roomSession.destroyRoom();
        else
            roomSession.leave();
    }

    Component.onCompleted: {
        if (root.startTtl > 0)
            settings.ttlSeconds = root.startTtl;
        if (root.startMaxParticipants > 0)
            settings.maxParticipants = root.startMaxParticipants;
        if (root.hostOnStart)
            root.hostRoom(settings.ttlSeconds, settings.maxParticipants);
        else if (root.startInvite !== "")
            root.joinRoom(root.startInvite);
    }

    AppSettings {
        id: settings
    }

    RealtimeClient {
        id: realtimeClient
    }

    RoomSession {
        id: roomSession
        objectName: "session"
        client: realtimeClient

        onStateChanged: {
            if (roomSession.state === RoomSession.Joined) {
                if (root.hostingRoom) {
                    roomSession.setInviteHost(host.inviteHost);
                    root.inviteReady(roomSession.inviteLink);
                }
                return;
            }
            if (roomSession.state === RoomSession.Creating || roomSession.state === RoomSession.Joining)
                return;
            const alert = root.alertFor(roomSession.state);
            if (alert !== "") {
                root.alertText = alert;
                root.alertKind = roomSession.state === RoomSession.Destroyed || roomSession.state === RoomSession.Expired
                                 ? "warning" : "error";
            }
            // The room we hosted has ended: nothing is left to serve.
            if (root.hostingRoom) {
                root.hostingRoom = false;
                stopFallback.stop();
                host.stop();
            }
            if (root.quitting)
                root.finishQuit();
        }
        onMessageArrived: (sender, text) => root.notifyMessage(sender, text)
        onSendFailed: reason => {
            roomPage.showNotice(qsTr("Not sent: %1").arg(reason));
        }
    }

    HostController {
        id: host
        objectName: "host"

        onStateChanged: {
            if (host.state === HostController.Running && root.hostingRoom
                    && roomSession.state !== RoomSession.Joined)
                root.createHostedRoom();
            else if (host.state === HostController.Failed) {
                root.hostingRoom = false;
                root.alertKind = "error";
                root.alertText = qsTr("Could not host a room: %1").arg(host.errorText);
                if (root.quitting)
                    Qt.quit();
            } else if (host.state === HostController.Stopped && root.quitting) {
                Qt.quit();
            }
        }
    }

    // Stop hosting even if the room could not be destroyed (e.g. its Redis is gone).
    Timer {
        id: stopFallback
        interval: 3000
        onTriggered: {
            root.hostingRoom = false;
            host.stop();
        }
    }
    Timer {
        id: quitFallback
        interval: 4000
        onTriggered: Qt.quit()
    }

    LobbyPage {
        id: lobbyPage
        objectName: "lobbyPage"
        anchors.fill: parent
        visible: !root.inRoom
        identity: root.identity
        alertText: root.alertText
        alertKind: root.alertKind
        busy: root.busy
        progressText: host.state === HostController.Starting ? qsTr("Starting the room host…")
                      : roomSession.state === RoomSession.Creating ? qsTr("Creating the room…")
                      : qsTr("Joining the room…")
        notifications: settings.notifications
        privateNotifications: settings.privateNotifications
        ttlSeconds: settings.ttlSeconds
        maxParticipants: settings.maxParticipants
        invite: root.startInvite

        onIdentityEdited: name => {
            settings.name = name;
            root.startName = "";
        }
        onHostRequested: (ttlSeconds, maxParticipants) => {
            settings.ttlSeconds = ttlSeconds;
            settings.maxParticipants = maxParticipants;
            root.hostRoom(ttlSeconds, maxParticipants);
        }
        onJoinRequested: invite => root.joinRoom(invite)
        onCancelRequested: root.cancelWait()
        onAlertDismissed: root.alertText = ""
        onNotificationsEdited: on => settings.notifications = on
        onPrivateNotificationsEdited: on => settings.privateNotifications = on
    }

    RoomPage {
        id: roomPage
        objectName: "roomPage"
        anchors.fill: parent
        visible: root.inRoom
        session: roomSession
        client: realtimeClient
        hosting: root.hostingRoom
        inviteAddresses: host.lanAddresses.length > 0 ? host.lanAddresses : [host.inviteHost]
        onDestroyRequested: roomSession.destroyRoom()
        onLeaveRequested: roomSession.leave()
        onStopHostingRequested: root.stopHosting()
        onInviteAddressChosen: hostAndPort => roomSession.setInviteHost(hostAndPort)
    }

    // Only where a tray exists (otherwise Qt Labs Platform would want Qt Widgets).
    Instantiator {
        id: trayLoader
        active: Desktop.hasTray()
        delegate: TrayIcon {}
    }
    Binding {
        target: trayLoader.object
        property: "unread"
        value: root.unread
        when: trayLoader.object !== null
    }
    Connections {
        target: trayLoader.object as TrayIcon
        ignoreUnknownSignals: true

        function onShowRequested(): void {
            root.showWindow();
        }
        function onQuitRequested(): void {
            root.close();
        }
    }
}
