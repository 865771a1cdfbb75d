pragma ComponentBehavior: Bound

import QtQuick
import QtQuick.Controls.Basic
import QtQuick.Layouts
import PrivateChat
import PrivateChat.Client

// Who is in the room, you and the room's host marked, with the room's capacity; the host
// gets a Remove button beside everyone else.
Rectangle {
    id: root

    required property ParticipantsModel model
    property int capacity: 0
    property bool canRemove: false

    signal removeRequested(string participantId, string name)

    color: Theme.surface
    border.color: Theme.border

    ColumnLayout {
        anchors.fill: parent
        anchors.margins: 12
        spacing: 8

        SectionHeader {
            text: root.capacity > 0 ? qsTr("> people %1/%2").arg(root.model.count).arg(root.capacity)
                                    : qsTr("> people %1").arg(root.model.count)
        }

        ListView {
            id: list
            objectName: "participantsList"
            Layout.fillWidth: true
            Layout.fillHeight: true
            clip: true
            spacing: 2
            model: root.model
            activeFocusOnTab: true
            keyNavigationEnabled: true
            Accessible.role: Accessible.List
            Accessible.name: qsTr("Participants")
            ScrollBar.vertical: ScrollBar {}

            delegate: Rectangle {
                id: row

                required property string name
                required property string participantId
                required property bool self
                required property bool host
                required property int index

                width: row.ListView.view.width
                height: 30
                radius: Theme.radius
                color: row.ListView.isCurrentItem && row.ListView.view.activeFocus ? Theme.surfaceHover : "transparent"
                Accessible.role: Accessible.ListItem
                Accessible.name: row.name + (row.self ? ", " + qsTr("you") : "") + (row.host ? ", " + qsTr("host") : "")

                RowLayout {
                    anchors.fill: parent
                    anchors.leftMargin: 6
                    anchors.rightMargin: 6
                    spacing: 8

                    Rectangle {
                        width: 8
                        height: 8
                        radius: 4
                        color: Theme.accent
                    }
                    Text {
                        objectName: "personName"
                        Layout.fillWidth: true
                        text: row.name
                        textFormat: Text.PlainText // never markup (an <img> would be fetched)
                        elide: Text.ElideRight
                        font.pixelSize: Theme.fontNormal
                        color: row.self ? Theme.accent : Theme.text
                    }
                    Text {
                        objectName: "hostBadge"
                        visible: row.host
                        text: qsTr("host")
                        font.pixelSize: Theme.fontSmall
                        font.bold: true
                        color: Theme.amber
                    }
                    Text {
                        visible: row.self
                        text: qsTr("you")
                        font.pixelSize: Theme.fontSmall
                        color: Theme.textMuted
                    }
                    PcButton { // a mark, not a word: the name keeps the row's width
                        objectName: "removeButton"
                        visible: root.canRemove && !row.self
                        implicitHeight: 26
                        implicitWidth: 30
                        leftPadding: 0
                        rightPadding: 0
                        text: "✕"
                        variant: "danger"
                        Accessible.name: qsTr("Remove %1 from the room").arg(row.name)
                        ToolTip.visible: hovered || visualFocus
                        ToolTip.delay: 400
                        ToolTip.text: qsTr("Remove from the room") // no name: a tooltip is rich text
                        onClicked: root.removeRequested(row.participantId, row.name)
                    }
                }
            }
        }
    }
}
