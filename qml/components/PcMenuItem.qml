import QtQuick
import QtQuick.Controls.Basic
import PrivateChat

// One entry of a PcMenu: "danger" for one that cannot be undone. An item not shown takes no
// space (shown, not visible: an item is invisible whenever its menu is closed).
MenuItem {
    id: root

    property bool danger: false
    property bool shown: true

    visible: root.shown
    enabled: root.shown // the menu's arrow keys skip only disabled items
    height: root.shown ? implicitHeight : 0
    implicitHeight: 34
    font.pixelSize: Theme.fontNormal
    Accessible.name: root.text

    contentItem: Text {
        text: root.text
        font: root.font
        leftPadding: 8
        color: !root.enabled ? Theme.textFaint : root.danger ? Theme.danger : Theme.text
        verticalAlignment: Text.AlignVCenter
        elide: Text.ElideRight
    }
    background: Rectangle {
        color: root.highlighted ? Theme.surfaceHover : "transparent"
        border.width: root.visualFocus ? 1 : 0
        border.color: Theme.accentStrong
        radius: Theme.radius
    }
}
