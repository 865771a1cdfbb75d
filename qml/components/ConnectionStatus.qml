import QtQuick
import QtQuick.Layouts
import PrivateChat
import PrivateChat.Client

// Connected / reconnecting (with "Retry now") / disconnected, as a dot and a word. A host
// that stays away is said to be so: the room may be gone with it.
RowLayout {
    id: root

    required property RealtimeClient client
    readonly property int status: root.client ? root.client.status : RealtimeClient.Disconnected
    // Connected, but a ping unanswered for seconds: a frozen host looks connected otherwise.
    readonly property bool silent: root.client !== null && root.client.hostSilent
        && root.status === RealtimeClient.Connected
    // Reconnecting for longer than a restart takes.
    property int awayAfterMs: 10000
    property bool hostAway: false
    readonly property string label: root.silent ? qsTr("The host is not answering — the room may be gone")
                                    : root.status === RealtimeClient.Connected ? qsTr("connected")
                                    : root.status === RealtimeClient.Reconnecting && root.hostAway
                                      ? qsTr("The host is not answering — the room may be gone")
                                    : root.status === RealtimeClient.Reconnecting ? qsTr("reconnecting…")
                                    : root.status === RealtimeClient.Connecting ? qsTr("connecting…")
                                    : qsTr("disconnected")
    readonly property color tone: root.silent ? Theme.amber
                                  : root.status === RealtimeClient.Connected ? Theme.accent
                                  : root.status === RealtimeClient.Disconnected ? Theme.danger : Theme.amber

    spacing: 8
    onStatusChanged: {
        root.hostAway = false;
        if (root.status === RealtimeClient.Reconnecting)
            awayTimer.restart();
        else
            awayTimer.stop();
    }

    Timer {
        id: awayTimer
        interval: root.awayAfterMs
        onTriggered: root.hostAway = true
    }

    Rectangle {
        width: 10
        height: 10
        radius: 5
        color: root.tone
    }
    Text {
        objectName: "connectionText"
        text: root.label
        font.pixelSize: Theme.fontSmall
        color: root.tone
        Accessible.role: Accessible.StaticText
        Accessible.name: qsTr("Connection: %1").arg(root.label)
    }
    PcButton {
        objectName: "retryButton"
        visible: root.status === RealtimeClient.Reconnecting || root.status === RealtimeClient.Disconnected
        text: qsTr("Retry now")
        implicitHeight: 28
        font.pixelSize: Theme.fontSmall
        onClicked: root.client.reconnectNow()
    }
}
