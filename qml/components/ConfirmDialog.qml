import QtQuick
import QtQuick.Controls.Basic
import QtQuick.Layouts
import QtQuick.Templates as T
import PrivateChat

// A modal yes/no question in the theme; Escape cancels, the safe choice has the focus.
Dialog {
    id: root

    property string message
    property string confirmText: qsTr("Confirm")

    modal: true
    anchors.centerIn: parent
    width: Math.min(parent ? parent.width - 40 : 420, 460)
    padding: 20
    closePolicy: Popup.CloseOnEscape
    onOpened: cancelButton.forceActiveFocus()

    background: Rectangle {
        color: Theme.surfaceRaised
        radius: Theme.radius
        border.color: Theme.danger
        border.width: 1
    }
    T.Overlay.modal: Rectangle {
        color: "#b0000000"
    }
    header: Text {
        text: root.title
        textFormat: Text.PlainText // may hold a name from the room
        padding: 20
        bottomPadding: 0
        font.pixelSize: Theme.fontLarge
        font.bold: true
        color: Theme.danger
        wrapMode: Text.Wrap
    }

    ColumnLayout {
        anchors.fill: parent
        spacing: 18

        Text {
            Layout.fillWidth: true
            text: root.message
            textFormat: Text.PlainText
            wrapMode: Text.Wrap
            font.pixelSize: Theme.fontNormal
            color: Theme.text
        }
        RowLayout {
            Layout.alignment: Qt.AlignRight
            spacing: 10

            PcButton {
                id: cancelButton
                objectName: "confirmCancel"
                text: qsTr("Cancel")
                onClicked: root.reject()
            }
            PcButton {
                objectName: "confirmAccept"
                text: root.confirmText
                variant: "danger"
                onClicked: root.accept()
            }
        }
    }
}
