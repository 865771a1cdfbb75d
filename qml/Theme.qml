pragma Singleton
import QtQuick

// The palette and type scale: a dark terminal with a green accent.
QtObject {
    readonly property color background: "#0a0e0c"
    readonly property color surface: "#0f1512"
    readonly property color surfaceRaised: "#151d19"
    readonly property color surfaceHover: "#1b2620"
    readonly property color border: "#22302a"
    readonly property color borderStrong: "#35503f"
    readonly property color text: "#d5e4da"
    readonly property color textMuted: "#8aa093"
    readonly property color textFaint: "#5a6f63"
    readonly property color accent: "#3ddc84"
    readonly property color accentStrong: "#6ff0a8"
    readonly property color accentDim: "#143525"
    readonly property color textOnAccent: "#03120a"
    readonly property color amber: "#ffb547"
    readonly property color amberDim: "#3a2a10"
    readonly property color danger: "#ff6b6b"
    readonly property color dangerDim: "#3b1717"
    readonly property color selection: "#2a6a48"

    readonly property int fontSmall: 12
    readonly property int fontNormal: 14
    readonly property int fontLarge: 17
    readonly property int fontTitle: 22

    readonly property int radius: 4
    readonly property int spacing: 12
    readonly property int controlHeight: 36
}
