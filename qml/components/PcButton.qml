import QtQuick
import QtQuick.Controls.Basic
import PrivateChat

// A flat terminal-style button: "normal", "primary" (green) or "danger" (red).
Button {
    id: root

    property string variant: "normal"
    readonly property color tone: root.variant === "danger" ? Theme.danger
                                  : root.variant === "primary" ? Theme.accent : Theme.text

    font.pixelSize: Theme.fontNormal
    font.bold: root.variant !== "normal"
    leftPadding: 14
    rightPadding: 14
    focusPolicy: Qt.StrongFocus
    hoverEnabled: true
    Accessible.name: root.text
    Accessible.role: Accessible.Button

    Keys.onReturnPressed: root.clicked()
    Keys.onEnterPressed: root.clicked()

    contentItem: Text {
        text: root.text
        font: root.font
        color: !root.enabled ? Theme.textFaint
                             : root.variant === "primary" ? Theme.textOnAccent : root.tone
        horizontalAlignment: Text.AlignHCenter
        verticalAlignment: Text.AlignVCenter
        elide: Text.ElideRight
    }

    background: Rectangle {
        implicitHeight: Theme.controlHeight
        implicitWidth: 64
        radius: Theme.radius
        color: {
            if (!root.enabled)
                return Theme.surface;
            if (root.variant === "primary")
                return root.down ? Theme.accent : root.hovered ? Theme.accentStrong : Theme.accent;
            if (root.variant === "danger")
                return root.down || root.hovered ? Theme.dangerDim : Theme.surface;
            return root.down ? Theme.surfaceHover : root.hovered ? Theme.surfaceRaised : Theme.surface;
        }
        border.width: root.visualFocus ? 2 : 1
        border.color: root.visualFocus ? Theme.accentStrong
                                       : !root.enabled ? Theme.border
                                                       : root.variant === "normal" ? Theme.borderStrong
                                                                                   : root.tone
    }
}
