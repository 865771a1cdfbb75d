import QtQuick
import QtQuick.Controls.Basic
import QtQuick.Layouts
import QtQuick.Templates as T
import PrivateChat

// "Create on a server…": which privatechat-server the room lives on, and the fingerprint it
// printed (its pin), picked from the servers used before or typed. Escape cancels.
Dialog {
    id: root

    // "HOST:PORT" or "HOST:PORT FINGERPRINT", last used first (AppSettings.servers).
    property list<string> servers
    readonly property list<string> serverNames: {
        const names = [];
        for (let i = 0; i < root.servers.length; ++i)
            names.push(root.servers[i].split(" ")[0]);
        return names;
    }
    readonly property string server: serverField.text.trim()
    readonly property string fingerprint: fingerprintField.text.trim()

    signal createRequested(string server, string fingerprint)

    function pick(entry: string): void {
        const parts = entry.split(" ");
        serverField.text = parts[0];
        fingerprintField.text = parts.length > 1 ? parts[1] : "";
    }

    title: qsTr("Create on a server")
    modal: true
    anchors.centerIn: parent
    width: Math.min(parent ? parent.width - 40 : 520, 560)
    padding: 20
    closePolicy: Popup.CloseOnEscape
    onOpened: {
        if (serverField.text === "" && root.servers.length > 0)
            root.pick(root.servers[0]);
        serverField.forceActiveFocus();
    }

    background: Rectangle {
        color: Theme.surfaceRaised
        radius: Theme.radius
        border.color: Theme.accent
        border.width: 1
    }
    T.Overlay.modal: Rectangle {
        color: "#b0000000"
    }
    header: Text {
        text: root.title
        padding: 20
        bottomPadding: 0
        font.pixelSize: Theme.fontLarge
        font.bold: true
        color: Theme.accent
        wrapMode: Text.Wrap
    }

    ColumnLayout {
        anchors.fill: parent
        spacing: 12

        Text {
            Layout.fillWidth: true
            text: qsTr("The room lives on that server, not on this computer; you are its first member and the invite names the server. End-to-end encryption keeps what is said from the server.")
            wrapMode: Text.Wrap
            font.pixelSize: Theme.fontSmall
            color: Theme.textMuted
        }
        PcComboBox {
            objectName: "usedServers"
            Layout.fillWidth: true
            visible: root.servers.length > 0
            model: root.serverNames
            Accessible.name: qsTr("Servers used before: %1").arg(displayText)
            onActivated: index => root.pick(root.servers[index])
        }
        PcTextField {
            id: serverField
            objectName: "serverField"
            Layout.fillWidth: true
            placeholderText: qsTr("Server, e.g. chat.example.org:7878")
            onAccepted: createButton.clicked()
        }
        PcTextField {
            id: fingerprintField
            objectName: "fingerprintField"
            Layout.fillWidth: true
            placeholderText: qsTr("Its fingerprint (the \"fingerprint:\" line it printed)")
            onAccepted: createButton.clicked()
        }
        Text {
            Layout.fillWidth: true
            text: qsTr("Leave the fingerprint empty only for a server whose certificate an authority vouches for.")
            wrapMode: Text.Wrap
            font.pixelSize: Theme.fontSmall
            color: Theme.textFaint
        }
        RowLayout {
            Layout.alignment: Qt.AlignRight
            spacing: 10

            PcButton {
                objectName: "serverCancel"
                text: qsTr("Cancel")
                onClicked: root.reject()
            }
            PcButton {
                id: createButton
                objectName: "serverCreate"
                text: qsTr("Create the room")
                variant: "primary"
                enabled: root.server.length > 0
                onClicked: {
                    if (!enabled)
                        return;
                    root.createRequested(root.server, root.fingerprint);
                    root.accept();
                }
            }
        }
    }
}
