import QtQuick
import QtQuick.Layouts
import PrivateChat
import PrivateChat.Client
import PrivateChat.Desktop

// One row of the messages model: a message (yours marked YOU) or a join/leave notice. Its
// text can be selected and copied (Ctrl+C, or the right-click menu; with nothing selected the
// whole message is copied).
Item {
    id: root

    signal copyInviteRequested
    signal retryRequested(string clientMsgId)

    function copy(): void {
        Desktop.copyText(messageText.selectedText.length > 0 ? messageText.selectedText : root.shownText);
    }

    required property string sender
    required property string text
    required property string time
    required property bool own
    required property bool notice
    required property int index
    required property int delivery // MessagesModel.Delivery
    required property string clientMsgId
    required property int seal // MessagesModel.Seal
    readonly property bool undecryptable: root.seal === MessagesModel.Undecryptable
    readonly property string shownText: root.undecryptable
        ? qsTr("This message could not be decrypted — was the invite complete?") : root.text

    implicitHeight: root.notice ? noticeText.implicitHeight + 12 : body.implicitHeight + 14
    Accessible.role: Accessible.StaticText
    Accessible.name: root.notice ? root.text
                                 : qsTr("%1 at %2: %3").arg(root.own ? qsTr("You") : root.sender)
                                                      .arg(root.time).arg(root.shownText)

    Text {
        id: noticeText
        visible: root.notice
        anchors.centerIn: parent
        width: Math.min(implicitWidth, parent.width - 24)
        text: "── " + root.text + " ──"
        textFormat: Text.PlainText // holds names: never markup (an <img> would be fetched)
        horizontalAlignment: Text.AlignHCenter
        wrapMode: Text.Wrap
        font.pixelSize: Theme.fontSmall
        color: Theme.textMuted
    }

    Rectangle {
        visible: !root.notice
        anchors.fill: parent
        anchors.topMargin: 3
        anchors.bottomMargin: 3
        radius: Theme.radius
        color: root.own ? "#0f2219" : "transparent"

        Rectangle {
            width: 3
            height: parent.height
            radius: 1
            color: root.own ? Theme.accent : Theme.borderStrong
        }

        ColumnLayout {
            id: body
            anchors.left: parent.left
            anchors.right: parent.right
            anchors.top: parent.top
            anchors.leftMargin: 14
            anchors.rightMargin: 12
            anchors.topMargin: 5
            spacing: 3

            RowLayout {
                spacing: 10
                Layout.fillWidth: true

                Text {
                    text: root.own ? qsTr("YOU") : root.undecryptable ? qsTr("someone") : root.sender
                    textFormat: Text.PlainText
                    font.pixelSize: Theme.fontSmall
                    font.bold: true
                    color: root.own ? Theme.accent : Theme.amber
                    elide: Text.ElideRight
                    // Never below a few letters, even while the row is first laid out.
                    Layout.minimumWidth: Math.min(implicitWidth, 60)
                    Layout.maximumWidth: Math.max(60, body.width - 80)
                }
                Text {
                    text: root.time
                    font.pixelSize: Theme.fontSmall
                    color: Theme.textFaint
                }
                Text {
                    objectName: "deliveryText"
                    visible: root.delivery !== MessagesModel.Stored
                    text: root.delivery === MessagesModel.Failed ? qsTr("not sent") : qsTr("sending…")
                    font.pixelSize: Theme.fontSmall
                    color: root.delivery === MessagesModel.Failed ? Theme.danger : Theme.textFaint
                }
                PcButton {
                    objectName: "retryButton"
                    visible: root.delivery === MessagesModel.Failed
                    text: qsTr("Retry")
                    Accessible.name: qsTr("Send this message again")
                    onClicked: root.retryRequested(root.clientMsgId)
                }
                Item {
                    Layout.fillWidth: true
                }
            }
            TextEdit {
                id: messageText
                objectName: "messageText"
                Layout.fillWidth: true
                text: root.shownText
                readOnly: true
                selectByMouse: true
                persistentSelection: true // the menu takes focus, the selection stays
                wrapMode: TextEdit.Wrap
                textFormat: TextEdit.PlainText
                font.pixelSize: Theme.fontNormal
                font.italic: root.undecryptable
                color: root.undecryptable ? Theme.textMuted : Theme.text
                selectionColor: Theme.selection
                selectedTextColor: Theme.text
                Keys.onPressed: event => {
                    if (event.matches(StandardKey.Copy)) {
                        root.copy();
                        event.accepted = true;
                    }
                }

                TapHandler {
                    acceptedButtons: Qt.RightButton
                    onTapped: menu.popup()
                }
            }
        }
    }

    PcMenu {
        id: menu
        objectName: "messageMenu"

        PcMenuItem {
            objectName: "copyMessage"
            text: messageText.selectedText.length > 0 ? qsTr("Copy") : qsTr("Copy message")
            onTriggered: root.copy()
        }
        PcMenuItem {
            text: qsTr("Copy invite")
            onTriggered: root.copyInviteRequested()
        }
    }
}
