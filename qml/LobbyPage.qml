import QtQuick
import QtQuick.Controls.Basic
import QtQuick.Layouts
import PrivateChat
import PrivateChat.Desktop

// Who you are, host a room, join a room. The page only asks; RoomFlow decides.
Item {
    id: root

    property string identity
    property string alertText
    property string alertKind: "error"
    property bool busy: false // hosting, joining or closing a room is under way
    property bool cancellable: true // the wait may be given up (not while closing a room)
    property string progressText
    property bool notifications: true
    property bool privateNotifications: false
    property bool mapPort: true
    property list<string> servers // used before, for "Create on a server…"
    property int ttlSeconds: 600
    property int maxParticipants: 2
    property string invite

    signal identityEdited(string name)
    signal hostRequested(int ttlSeconds, int maxParticipants)
    signal joinRequested(string invite)
    signal cancelRequested // while busy and cancellable: Cancel or Escape
    signal alertDismissed
    signal notificationsEdited(bool on)
    signal privateNotificationsEdited(bool on)
    signal mapPortEdited(bool on)
    signal createOnRequested(string server, string fingerprint, int ttlSeconds, int maxParticipants)

    // Lifetime presets, in seconds; the last entry is "Custom".
    readonly property list<int> presets: [60, 300, 600, 1800, 3600, 21600, 86400, 0]
    readonly property int chosenTtl: root.presets[lifetime.currentIndex] > 0
                                     ? root.presets[lifetime.currentIndex] : customMinutes.value * 60
    readonly property string normalizedInvite: Desktop.normalizeInvite(joinField.text)

    // Escape gives up a wait wherever the focus is.
    Shortcut {
        sequence: "Escape"
        enabled: root.busy && root.cancellable && root.visible
        onActivated: root.cancelRequested()
    }

    function presetLabel(seconds: int): string {
        if (seconds === 0)
            return qsTr("Custom…");
        if (seconds < 3600)
            return qsTr("%n minute(s)", "", seconds / 60);
        return qsTr("%n hour(s)", "", seconds / 3600);
    }
    function presetLabels(): list<string> {
        let labels = [];
        for (let i = 0; i < root.presets.length; ++i)
            labels.push(root.presetLabel(root.presets[i]));
        return labels;
    }
    function focusJoin(): void {
        joinField.forceActiveFocus();
    }

    Component.onCompleted: {
        const preset = root.presets.indexOf(root.ttlSeconds);
        if (preset >= 0) {
            lifetime.currentIndex = preset;
        } else {
            lifetime.currentIndex = root.presets.length - 1;
            customMinutes.value = Math.max(1, Math.round(root.ttlSeconds / 60));
        }
        capacity.value = root.maxParticipants;
        nameField.forceActiveFocus();
    }
    onInviteChanged: joinField.text = root.invite

    Rectangle {
        anchors.fill: parent
        color: Theme.background
    }

    Flickable {
        id: flick
        anchors.fill: parent
        contentHeight: column.implicitHeight + 64
        clip: true
        boundsBehavior: Flickable.StopAtBounds
        ScrollBar.vertical: ScrollBar {}

        ColumnLayout {
            id: column
            x: (flick.width - width) / 2
            y: 32
            width: Math.min(flick.width - 40, 680)
            spacing: 18

            // Title
            RowLayout {
                spacing: 14
                Image {
                    source: "qrc:/icons/privatechat.svg"
                    sourceSize.width: 52
                    sourceSize.height: 52
                    Layout.preferredWidth: 52
                    Layout.preferredHeight: 52
                    Accessible.ignored: true
                }
                ColumnLayout {
                    spacing: 2
                    Text {
                        text: qsTr("PRIVATE CHAT")
                        font.pixelSize: Theme.fontTitle
                        font.bold: true
                        font.letterSpacing: 3
                        color: Theme.accent
                        Accessible.role: Accessible.Heading
                        Accessible.name: text
                    }
                    Text {
                        Layout.fillWidth: true
                        text: qsTr("Self-destructing rooms. Nothing is kept once a room ends.")
                        wrapMode: Text.Wrap
                        font.pixelSize: Theme.fontNormal
                        color: Theme.textMuted
                    }
                }
            }

            AlertBanner {
                objectName: "lobbyAlert"
                Layout.fillWidth: true
                text: root.alertText
                kind: root.alertKind
                onDismissed: root.alertDismissed()
            }

            Panel {
                title: qsTr("your identity")
                Layout.fillWidth: true

                RowLayout {
                    Layout.fillWidth: true
                    spacing: 10
                    PcTextField {
                        id: nameField
                        objectName: "nameField"
                        Layout.fillWidth: true
                        text: root.identity
                        maximumLength: 100
                        placeholderText: qsTr("Your name")
                        Accessible.name: qsTr("Your name")
                        onEditingFinished: {
                            if (nameField.text.trim() === root.identity)
                                return; // only focus moved: --name stays this run's
                            if (nameField.text.trim() !== "")
                                root.identityEdited(nameField.text.trim());
                            else
                                nameField.text = root.identity;
                        }
                    }
                    PcButton {
                        objectName: "newNameButton"
                        text: qsTr("New name")
                        Accessible.name: qsTr("Generate a new name")
                        onClicked: {
                            nameField.text = Desktop.generateName();
                            root.identityEdited(nameField.text);
                        }
                    }
                }
                Text {
                    Layout.fillWidth: true
                    text: qsTr("Others see this name. It is made up on this computer and remembered here.")
                    wrapMode: Text.Wrap
                    font.pixelSize: Theme.fontSmall
                    color: Theme.textMuted
                }
            }

            Panel {
                title: qsTr("host a room")
                Layout.fillWidth: true

                GridLayout {
                    Layout.fillWidth: true
                    columns: column.width > 520 ? 4 : 2
                    columnSpacing: 12
                    rowSpacing: 10

                    Text {
                        text: qsTr("Lifetime")
                        font.pixelSize: Theme.fontNormal
                        color: Theme.textMuted
                    }
                    PcComboBox {
                        id: lifetime
                        objectName: "lifetimeBox"
                        Layout.fillWidth: true
                        model: root.presetLabels()
                        Accessible.name: qsTr("Lifetime: %1").arg(lifetime.displayText)
                    }
                    Text {
                        text: qsTr("People")
                        font.pixelSize: Theme.fontNormal
                        color: Theme.textMuted
                    }
                    PcSpinBox {
                        id: capacity
                        objectName: "capacityBox"
                        Layout.fillWidth: true
                        from: 2
                        to: 100
                        Accessible.name: qsTr("How many people: %1").arg(capacity.value)
                    }
                    Text {
                        visible: root.presets[lifetime.currentIndex] === 0
                        text: qsTr("Minutes")
                        font.pixelSize: Theme.fontNormal
                        color: Theme.textMuted
                    }
                    PcSpinBox {
                        id: customMinutes
                        objectName: "customMinutes"
                        visible: root.presets[lifetime.currentIndex] === 0
                        Layout.fillWidth: true
                        from: 1
                        to: 10080
                        value: 45
                        Accessible.name: qsTr("Custom lifetime in minutes: %1").arg(customMinutes.value)
                    }
                }

                PcCheckBox {
                    objectName: "mapPortBox"
                    Layout.fillWidth: true
                    text: qsTr("Let people from the internet in: ask my router to open the port")
                    checked: root.mapPort
                    onToggled: root.mapPortEdited(checked)
                }

                RowLayout {
                    Layout.fillWidth: true
                    spacing: 12
                    PcButton {
                        objectName: "hostButton"
                        text: qsTr("Host a room")
                        variant: "primary"
                        enabled: !root.busy
                        onClicked: root.hostRequested(root.chosenTtl, capacity.value)
                    }
                    PcButton {
                        objectName: "createOnButton"
                        text: qsTr("Create on a server…")
                        enabled: !root.busy
                        onClicked: serverDialog.open()
                    }
                    BusyIndicator {
                        visible: root.busy
                        running: root.busy
                        Layout.preferredWidth: 28
                        Layout.preferredHeight: 28
                    }
                    PcButton {
                        objectName: "cancelButton"
                        visible: root.busy && root.cancellable
                        text: qsTr("Cancel")
                        onClicked: root.cancelRequested()
                    }
                    Text {
                        objectName: "progressText"
                        Layout.fillWidth: true
                        text: root.busy ? root.progressText
                                        : qsTr("Host a room runs it on this computer; Create on a server… puts it on a privatechat-server you name.")
                        wrapMode: Text.Wrap
                        font.pixelSize: Theme.fontSmall
                        color: root.busy ? Theme.accent : Theme.textMuted
                    }
                }
            }

            Panel {
                title: qsTr("join a room")
                Layout.fillWidth: true

                RowLayout {
                    Layout.fillWidth: true
                    spacing: 10
                    PcTextField {
                        id: joinField
                        objectName: "joinField"
                        Layout.fillWidth: true
                        placeholderText: qsTr("privatechat://HOST:PORT/ROOMID")
                        Accessible.name: qsTr("Invite link")
                        invalid: joinField.text.trim() !== "" && root.normalizedInvite === ""
                        onAccepted: joinButton.clicked()
                    }
                    PcButton {
                        id: joinButton
                        objectName: "joinButton"
                        text: qsTr("Join")
                        variant: "primary"
                        enabled: !root.busy && root.normalizedInvite !== ""
                        onClicked: {
                            if (joinButton.enabled)
                                root.joinRequested(root.normalizedInvite);
                        }
                    }
                }
                Text {
                    Layout.fillWidth: true
                    text: joinField.invalid
                          ? qsTr("That is not an invite. It looks like privatechat://192.168.1.20:7878/ROOMID or 192.168.1.20:7878/ROOMID.")
                          : qsTr("Paste the invite link someone shared with you.")
                    wrapMode: Text.Wrap
                    font.pixelSize: Theme.fontSmall
                    color: joinField.invalid ? Theme.danger : Theme.textMuted
                }
            }

            Panel {
                title: qsTr("notifications")
                Layout.fillWidth: true

                PcCheckBox {
                    objectName: "notificationsBox"
                    Layout.fillWidth: true
                    text: qsTr("Notify me of new messages while the window is in the background")
                    checked: root.notifications
                    onToggled: root.notificationsEdited(checked)
                }
                PcCheckBox {
                    objectName: "privateNotificationsBox"
                    Layout.fillWidth: true
                    enabled: root.notifications
                    text: qsTr("Private notifications: say only \"New message\", never who or what")
                    checked: root.privateNotifications
                    onToggled: root.privateNotificationsEdited(checked)
                }
            }
        }
    }

    ServerDialog {
        id: serverDialog
        objectName: "serverDialog"
        servers: root.servers
        onCreateRequested: (server, fingerprint) => root.createOnRequested(server, fingerprint, root.chosenTtl, capacity.value)
    }
}
