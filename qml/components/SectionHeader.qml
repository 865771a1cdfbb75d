import QtQuick
import PrivateChat

// "> title" in the accent colour, like a prompt.
Text {
    id: root

    font.pixelSize: Theme.fontNormal
    font.bold: true
    font.letterSpacing: 1
    color: Theme.accent
    Accessible.role: Accessible.Heading
    Accessible.name: root.text
}
