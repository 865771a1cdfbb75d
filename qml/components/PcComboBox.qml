import QtQuick
import QtQuick.Controls.Basic
import PrivateChat

// A drop-down in the theme, for a list of strings.
ComboBox {
    id: root

    font.pixelSize: Theme.fontNormal
    focusPolicy: Qt.StrongFocus
    Accessible.name: root.displayText

    contentItem: Text {
        leftPadding: 10
        rightPadding: root.indicator.width + 6
        text: root.displayText
        font: root.font
        color: root.enabled ? Theme.text : Theme.textFaint
        verticalAlignment: Text.AlignVCenter
        elide: Text.ElideRight
    }
    indicator: Text {
        x: root.width - width - 10
        y: (root.height - height) / 2
        text: "▾"
        font.pixelSize: Theme.fontNormal
        color: Theme.accent
    }
    background: Rectangle {
        implicitHeight: Theme.controlHeight
        implicitWidth: 160
        radius: Theme.radius
        color: root.hovered ? Theme.surfaceRaised : Theme.background
        border.width: root.visualFocus ? 2 : 1
        border.color: root.visualFocus ? Theme.accentStrong : Theme.borderStrong
    }
    delegate: ItemDelegate {
        id: option

        required property int index
        required property string modelData

        width: option.ListView.view.width
        highlighted: option.ListView.isCurrentItem
        contentItem: Text {
            text: option.modelData
            font.pixelSize: Theme.fontNormal
            color: option.highlighted ? Theme.textOnAccent : Theme.text
            verticalAlignment: Text.AlignVCenter
        }
        background: Rectangle {
            color: option.highlighted ? Theme.accent : Theme.surfaceRaised
        }
    }
    popup: Popup {
        y: root.height + 2
        width: root.width
        implicitHeight: Math.min(contentItem.implicitHeight + 2, 320)
        padding: 1

        contentItem: ListView {
            clip: true
            implicitHeight: contentHeight
            model: root.popup.visible ? root.delegateModel : null
            currentIndex: root.highlightedIndex
        }
        background: Rectangle {
            color: Theme.surfaceRaised
            border.color: Theme.borderStrong
            radius: Theme.radius
        }
    }
}
