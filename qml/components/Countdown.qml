import QtQuick
import QtQuick.Layouts
import PrivateChat

// The room's self-destruct countdown: green, amber under 5 minutes, red under 60 seconds.
RowLayout {
    id: root

    property int secondsLeft: 0
    property bool compact: false // the number only

    function format(seconds: int): string {
        const s = Math.max(0, seconds);
        const d = Math.floor(s / 86400);
        const h = Math.floor(s % 86400 / 3600);
        const m = Math.floor(s % 3600 / 60);
        const pad = (n) => (n < 10 ? "0" : "") + n;
        if (d > 0)
            return qsTr("%1d %2h").arg(d).arg(pad(h));
        if (h > 0)
            return h + ":" + pad(m) + ":" + pad(s % 60);
        return pad(m) + ":" + pad(s % 60);
    }

    readonly property color tone: root.secondsLeft < 60 ? Theme.danger
                                  : root.secondsLeft < 300 ? Theme.amber : Theme.accent

    spacing: 8
    Accessible.role: Accessible.Clock
    Accessible.name: qsTr("Self-destructs in %1").arg(root.format(root.secondsLeft))

    Text {
        visible: !root.compact
        text: qsTr("SELF-DESTRUCT")
        font.pixelSize: Theme.fontSmall
        font.letterSpacing: 1
        color: Theme.textMuted
    }
    Text {
        objectName: "countdownText"
        text: root.format(root.secondsLeft)
        font.pixelSize: Theme.fontLarge
        font.bold: true
        color: root.tone

        SequentialAnimation on opacity {
            running: root.secondsLeft > 0 && root.secondsLeft < 60
            loops: Animation.Infinite
            alwaysRunToEnd: true
            NumberAnimation { to: 0.45; duration: 500 }
            NumberAnimation { to: 1; duration: 500 }
        }
    }
}
