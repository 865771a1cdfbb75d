import QtQuick
import QtQuick.Controls.Basic
import PrivateChat

// A checkbox drawn as [x] / [ ], terminal style.
CheckBox {
    id: root

    font.pixelSize: Theme.fontNormal
    focusPolicy: Qt.StrongFocus
    Accessible.name: root.text

    indicator: Text {
        x: root.leftPadding
        y: (root.height - height) / 2
        text: root.checked ? "[x]" : "[ ]"
        font.pixelSize: Theme.fontNormal
        font.bold: true
        color: root.enabled ? Theme.accent : Theme.textFaint
    }
    contentItem: Text {
        leftPadding: root.indicator.width + 10
        text: root.text
        font: root.font
        wrapMode: Text.Wrap
        color: root.enabled ? Theme.text : Theme.textFaint
        verticalAlignment: Text.AlignVCenter
    }
    background: Rectangle {
        color: "transparent"
        radius: Theme.radius
        border.width: root.visualFocus ? 1 : 0
        border.color: Theme.accentStrong
    }
}
