import QtQuick
import QtQuick.Layouts
import PrivateChat

// A plain-words alert: "error" (red), "warning" (amber) or "info" (green). Dismissable.
Rectangle {
    id: root

    property string kind: "error"
    property string text
    property bool closable: true
    readonly property color tone: root.kind === "error" ? Theme.danger
                                  : root.kind === "warning" ? Theme.amber : Theme.accent

    signal dismissed

    visible: root.text !== ""
    implicitHeight: row.implicitHeight + 20
    radius: Theme.radius
    color: root.kind === "error" ? Theme.dangerDim : root.kind === "warning" ? Theme.amberDim : Theme.accentDim
    border.color: root.tone
    Accessible.role: Accessible.AlertMessage
    Accessible.name: root.text

    RowLayout {
        id: row
        anchors.fill: parent
        anchors.leftMargin: 12
        anchors.rightMargin: 6
        spacing: 10

        Text {
            text: root.kind === "info" ? "i" : "!"
            font.pixelSize: Theme.fontLarge
            font.bold: true
            color: root.tone
        }
        Text {
            objectName: "alertText"
            Layout.fillWidth: true
            text: root.text
            textFormat: Text.PlainText // may hold what a host answered
            wrapMode: Text.Wrap
            font.pixelSize: Theme.fontNormal
            color: Theme.text
        }
        PcButton {
            visible: root.closable
            text: "×"
            flat: true
            Accessible.name: qsTr("Dismiss")
            onClicked: root.dismissed()
        }
    }
}
