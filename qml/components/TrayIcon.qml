import QtQuick
import Qt.labs.platform as Platform

// The tray icon: the app icon with the unread count as a badge, Show and Quit.
Platform.SystemTrayIcon {
    id: root

    property int unread: 0

    signal showRequested
    signal quitRequested

    visible: root.available
    icon.source: "image://privatechat/tray/" + root.unread
    tooltip: root.unread > 0 ? qsTr("Private Chat: %n unread message(s)", "", root.unread) : qsTr("Private Chat")
    onActivated: root.showRequested()

    menu: Platform.Menu {
        Platform.MenuItem {
            text: qsTr("Show Private Chat")
            onTriggered: root.showRequested()
        }
        Platform.MenuItem {
            text: qsTr("Quit")
            onTriggered: root.quitRequested()
        }
    }
}
