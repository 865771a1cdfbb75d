import QtQuick
import QtQuick.Controls.Basic
import PrivateChat

// A pop-up menu in the theme: dark, bordered, keyboard-navigable. Its items are PcMenuItems.
Menu {
    id: root

    padding: 4
    background: Rectangle {
        implicitWidth: 200
        color: Theme.surfaceRaised
        border.color: Theme.borderStrong
        radius: Theme.radius
    }
}
