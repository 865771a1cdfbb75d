import QtQuick
import QtQuick.Layouts
import PrivateChat

// A bordered box with a prompt-like title; children go in a column.
Rectangle {
    id: root

    property string title
    default property alias content: column.data

    color: Theme.surface
    radius: Theme.radius
    border.color: Theme.border
    implicitHeight: column.implicitHeight + 2 * Theme.spacing + 4
    implicitWidth: column.implicitWidth + 2 * Theme.spacing

    ColumnLayout {
        id: column
        anchors.fill: parent
        anchors.margins: Theme.spacing + 2
        spacing: 10

        SectionHeader {
            text: "> " + root.title
            visible: root.title !== ""
        }
    }
}
