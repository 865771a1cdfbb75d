import QtQuick
import QtQuick.Controls.Basic
import QtQuick.Window
import PrivateChat
import PrivateChat.Desktop

// The window: the lobby or the room as RoomFlow says (app/desktop/roomflow.h), notifications
// and tray.
ApplicationWindow {
    id: root

    // Set from the command line (see app/desktop/launcher.h).
    property bool hostOnStart: false
    property string listenAddress: "0.0.0.0:7878"
    property int startTtl: 0
    property int startMaxParticipants: 0
    property string startInvite
    property string startCreateOn // a server to create the room on (--create-on)
    property string startFingerprint
    property string startName

    // The name used in rooms: --name for this run, else the remembered one.
    property string identity: root.startName !== "" ? root.startName : settings.name
    property int unread: 0

    // The room's invite, once a room is hosted; main.cpp prints it ("invite: …").
    signal inviteReady(string link)
    // What the room page says about who can use that invite; main.cpp prints it ("reach: …").
    signal reachChanged(string text)

    function notifyMessage(sender: string, text: string): void {
        if (root.active)
            return;
        root.unread += 1;
        Desktop.alert(root);
        if (!settings.notifications)
            return;
        root.notify(settings.privateNotifications ? qsTr("Private Chat") : sender,
                    settings.privateNotifications ? qsTr("New message") : text);
    }
    // The room's last minute: said in the room, and here for a window in the background.
    function notifyEndingSoon(): void {
        if (root.active || !settings.notifications)
            return;
        Desktop.alert(root);
        root.notify(qsTr("Private Chat"), qsTr("The room self-destructs in one minute."));
    }
    function notify(title: string, body: string): void {
        const tray = trayLoader.object as TrayIcon;
        if (!Desktop.notify(title, body) && tray && tray.available)
            tray.showMessage(title, body);
    }
    function showWindow(): void {
        root.show();
        root.raise();
        root.requestActivate();
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
    // Quitting destroys the room we host and stops our host first (RoomFlow.quit()).
    onClosing: close => {
        close.accepted = flow.quit();
    }

    // --ttl and --max are for this run's room: the lobby's saved choices stay as they were.
    Component.onCompleted: {
        if (root.hostOnStart)
            flow.hostRoom(root.startTtl > 0 ? root.startTtl : settings.ttlSeconds,
                          root.startMaxParticipants > 0 ? root.startMaxParticipants : settings.maxParticipants);
        else if (root.startCreateOn !== "")
            flow.createOn(root.startCreateOn, root.startFingerprint,
                          root.startTtl > 0 ? root.startTtl : settings.ttlSeconds,
                          root.startMaxParticipants > 0 ? root.startMaxParticipants : settings.maxParticipants);
        else if (root.startInvite !== "")
            flow.join(root.startInvite);
    }

    AppSettings {
        id: settings
    }

    RoomFlow {
        id: flow
        objectName: "flow"
        name: root.identity
        listenAddress: root.listenAddress

        onInviteReady: link => root.inviteReady(link)
        onServerUsed: (server, fingerprint) => settings.rememberServer(server, fingerprint)
        onReachTextChanged: {
            if (flow.reachText !== "")
                root.reachChanged(flow.reachText);
        }
        onNotice: text => roomPage.showNotice(text)
        onFinished: Qt.quit()
    }
    Connections {
        target: flow.session

        function onMessageArrived(sender: string, text: string): void {
            root.notifyMessage(sender, text);
        }
        function onEndingSoonWarning(): void {
            root.notifyEndingSoon();
        }
    }

    LobbyPage {
        id: lobbyPage
        objectName: "lobbyPage"
        anchors.fill: parent
        visible: !flow.inRoom
        identity: root.identity
        alertText: flow.alertText
        alertKind: flow.alertKind
        busy: flow.busy
        cancellable: flow.cancellable
        progressText: flow.progressText
        notifications: settings.notifications
        privateNotifications: settings.privateNotifications
        mapPort: settings.mapPort
        servers: settings.servers
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
            flow.hostRoom(ttlSeconds, maxParticipants);
        }
        onJoinRequested: invite => flow.join(invite)
        onCancelRequested: flow.cancel()
        onAlertDismissed: flow.dismissAlert()
        onNotificationsEdited: on => settings.notifications = on
        onPrivateNotificationsEdited: on => settings.privateNotifications = on
        onMapPortEdited: on => settings.mapPort = on
        onCreateOnRequested: (server, fingerprint, ttlSeconds, maxParticipants) => {
            settings.ttlSeconds = ttlSeconds;
            settings.maxParticipants = maxParticipants;
            flow.createOn(server, fingerprint, ttlSeconds, maxParticipants);
        }
    }

    RoomPage {
        id: roomPage
        objectName: "roomPage"
        anchors.fill: parent
        visible: flow.inRoom
        session: flow.session
        client: flow.client
        hosting: flow.hosting
        inviteAddresses: flow.inviteAddresses
        reachText: flow.reachText
        reachRefused: flow.reachRefused
        onDestroyRequested: flow.destroyRoom()
        onLeaveRequested: flow.leave()
        onStopHostingRequested: flow.leave()
        onInviteAddressChosen: hostAndPort => flow.chooseInviteAddress(hostAndPort)
    }

    Binding {
        target: flow.host
        property: "mapPort"
        value: settings.mapPort
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
