import QtQuick
import QtQuick.Controls.Basic
import PrivateChat

// A single-line input in the theme; the accessible name defaults to the placeholder.
TextField {
    id: root

    property bool invalid: false

    font.pixelSize: Theme.fontNormal
    color: Theme.text
    placeholderTextColor: Theme.textFaint
    selectionColor: Theme.selection
    selectedTextColor: Theme.text
    leftPadding: 10
    rightPadding: 10
    selectByMouse: true
    Accessible.name: root.placeholderText

    background: Rectangle {
        implicitHeight: Theme.controlHeight
        implicitWidth: 200
        radius: Theme.radius
        color: Theme.background
        border.width: root.activeFocus ? 2 : 1
        border.color: root.invalid ? Theme.danger : root.activeFocus ? Theme.accent : Theme.borderStrong
    }
}
