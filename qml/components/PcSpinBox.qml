import QtQuick
import QtQuick.Controls.Basic
import PrivateChat

// A number input in the theme with − and + buttons; arrow keys and typing work too.
SpinBox {
    id: root

    editable: true
    font.pixelSize: Theme.fontNormal
    focusPolicy: Qt.StrongFocus

    contentItem: TextInput {
        text: root.displayText
        font: root.font
        color: Theme.text
        selectionColor: Theme.selection
        selectedTextColor: Theme.text
        horizontalAlignment: Qt.AlignHCenter
        verticalAlignment: Qt.AlignVCenter
        readOnly: !root.editable
        validator: root.validator
        inputMethodHints: Qt.ImhDigitsOnly
    }
    down.indicator: Rectangle {
        x: 0
        height: root.height
        implicitWidth: 34
        color: root.down.pressed ? Theme.surfaceHover : "transparent"
        Text {
            anchors.centerIn: parent
            text: "−"
            font.pixelSize: Theme.fontLarge
            color: root.value > root.from ? Theme.accent : Theme.textFaint
        }
    }
    up.indicator: Rectangle {
        x: root.width - width
        height: root.height
        implicitWidth: 34
        color: root.up.pressed ? Theme.surfaceHover : "transparent"
        Text {
            anchors.centerIn: parent
            text: "+"
            font.pixelSize: Theme.fontLarge
            color: root.value < root.to ? Theme.accent : Theme.textFaint
        }
    }
    background: Rectangle {
        implicitWidth: 140
        implicitHeight: Theme.controlHeight
        radius: Theme.radius
        color: Theme.background
        border.width: root.activeFocus ? 2 : 1
        border.color: root.activeFocus ? Theme.accent : Theme.borderStrong
    }
}
