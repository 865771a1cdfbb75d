import QtQuick
import QtQuick.Controls.Basic
import QtQuick.Layouts
import PrivateChat
import PrivateChat.Desktop

// The message input: Enter sends, Shift+Enter starts a new line, Tab moves on, a counter of
// the characters a person sees against the limit, Send enabled only for something sendable.
// The protocol's limit counts UTF-16 units, in which an emoji takes two: when that is what
// stops a message, it says so.
Rectangle {
    id: root

    property int maxLength: 1000
    property alias text: input.text
    readonly property int length: Desktop.visibleLength(input.text)
    readonly property bool tooLong: input.text.length > root.maxLength
    readonly property bool sendable: input.text.trim().length > 0 && !root.tooLong

    signal submitted(string text)

    function focusInput(): void {
        input.forceActiveFocus();
    }
    function submit(): void {
        if (!root.sendable)
            return;
        root.submitted(input.text);
        input.clear();
    }

    implicitHeight: layout.implicitHeight + 20
    color: Theme.surface
    border.color: Theme.border

    ColumnLayout {
        id: layout
        anchors.fill: parent
        anchors.margins: 10
        spacing: 4

    RowLayout {
        Layout.fillWidth: true
        spacing: 10

        Rectangle {
            Layout.fillWidth: true
            Layout.preferredHeight: Math.min(Math.max(input.implicitHeight, Theme.controlHeight + 4), 160)
            radius: Theme.radius
            color: Theme.background
            border.width: input.activeFocus ? 2 : 1
            border.color: root.tooLong ? Theme.danger
                                                       : input.activeFocus ? Theme.accent : Theme.borderStrong

            Text {
                text: ">"
                x: 10
                y: input.topPadding + 1
                font.pixelSize: Theme.fontNormal
                font.bold: true
                color: Theme.accent
            }

            ScrollView {
                id: scroller
                anchors.fill: parent
                anchors.leftMargin: 22

                TextArea {
                    id: input
                    objectName: "messageInput"
                    wrapMode: TextArea.Wrap
                    font.pixelSize: Theme.fontNormal
                    color: Theme.text
                    placeholderText: qsTr("Type a message…  (Enter sends, Shift+Enter for a new line)")
                    placeholderTextColor: Theme.textFaint
                    selectionColor: Theme.selection
                    selectedTextColor: Theme.text
                    selectByMouse: true
                    leftPadding: 6
                    rightPadding: 70
                    topPadding: 9
                    bottomPadding: 9
                    background: null
                    Accessible.name: qsTr("Message")
                    Accessible.description: qsTr("Enter sends, Shift+Enter starts a new line")
                    // Tab leaves the box (a message has no tabs), to whatever comes next.
                    Keys.onTabPressed: input.nextItemInFocusChain(true).forceActiveFocus(Qt.TabFocusReason)
                    Keys.onBacktabPressed: input.nextItemInFocusChain(false).forceActiveFocus(Qt.BacktabFocusReason)

                    Keys.onPressed: event => {
                        if (event.key !== Qt.Key_Return && event.key !== Qt.Key_Enter)
                            return;
                        event.accepted = true;
                        if (event.modifiers & Qt.ShiftModifier)
                            input.insert(input.cursorPosition, "\n");
                        else
                            root.submit();
                    }
                }
            }

            Text {
                objectName: "lengthCounter"
                anchors.right: parent.right
                anchors.bottom: parent.bottom
                anchors.margins: 8
                text: root.length + "/" + root.maxLength
                font.pixelSize: Theme.fontSmall
                color: root.tooLong ? Theme.danger : input.text.length > root.maxLength * 0.9 ? Theme.amber : Theme.textFaint
                Accessible.name: qsTr("%1 of %2 characters").arg(root.length).arg(root.maxLength)
            }
        }

        PcButton {
            id: sendButton
            objectName: "sendButton"
            Layout.alignment: Qt.AlignBottom
            Layout.preferredHeight: Theme.controlHeight + 4
            text: qsTr("Send")
            variant: "primary"
            enabled: root.sendable
            onClicked: root.submit()
        }
    }

        Text {
            id: tooLongHint
            objectName: "tooLongHint"
            Layout.fillWidth: true
            visible: root.tooLong
            wrapMode: Text.Wrap
            text: root.length <= root.maxLength
                  ? qsTr("Too long to send: emoji and some symbols take two of the %1 places a message has.").arg(root.maxLength)
                  : qsTr("Too long to send: a message has at most %1 characters.").arg(root.maxLength)
            font.pixelSize: Theme.fontSmall
            color: Theme.danger
        }
    }
}
