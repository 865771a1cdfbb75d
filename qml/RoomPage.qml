pragma ComponentBehavior: Bound

import QtQuick
import QtQuick.Controls.Basic
import QtQuick.Layouts
import PrivateChat
import PrivateChat.Client
import PrivateChat.Desktop

// A room in use: its ID and invite, countdown, connection, people, messages and the input.
Item {
    id: root

    required property RoomSession session
    required property RealtimeClient client
    property bool hosting: false
    property list<string> inviteAddresses
    property string reachText
    property bool reachRefused: false
    property string noticeText // a transient note, e.g. a message that was not sent

    signal destroyRequested
    signal leaveRequested
    signal stopHostingRequested
    signal inviteAddressChosen(string hostAndPort)

    readonly property bool wide: root.width >= 760
    // A narrow window (down to 380 px): the header keeps to the room ID, the countdown, Copy
    // invite and People; the rest is in More, and the details show on request.
    readonly property bool compact: root.width < 560
    property bool showDetails: false
    readonly property bool detailed: !root.compact || root.showDetails
    readonly property string lockText: root.session.locked ? qsTr("Unlock room") : qsTr("Lock room")

    function toggleLock(): void {
        root.session.setLocked(!root.session.locked);
    }

    function focusInput(): void {
        composer.focusInput();
    }
    function copyInvite(): void {
        Desktop.copyText(root.session.inviteLink);
        copiedNote.restart();
    }
    function showNotice(text: string): void {
        root.noticeText = text;
        noticeTimer.restart();
    }

    onVisibleChanged: {
        if (root.visible)
            composer.focusInput();
    }

    Timer {
        id: noticeTimer
        interval: 6000
        onTriggered: root.noticeText = ""
    }
    Timer {
        id: followTimer // scroll once the new rows are laid out
        interval: 0
        onTriggered: messageView.scrollToEnd()
    }
    Timer {
        id: copiedNote
        interval: 2000
    }
    Shortcut {
        sequence: "Ctrl+Shift+C"
        onActivated: root.copyInvite()
    }

    Rectangle {
        anchors.fill: parent
        color: Theme.background
    }

    ColumnLayout {
        anchors.fill: parent
        spacing: 0

        // Header: the room, its invite and its state.
        Rectangle {
            Layout.fillWidth: true
            implicitHeight: header.implicitHeight + 24
            color: Theme.surface
            border.color: Theme.border

            ColumnLayout {
                id: header
                anchors.fill: parent
                anchors.margins: 12
                spacing: 10

                RowLayout {
                    Layout.fillWidth: true
                    spacing: 12

                    Image {
                        visible: !root.compact
                        source: "qrc:/icons/privatechat.svg"
                        sourceSize.width: 30
                        sourceSize.height: 30
                        Layout.preferredWidth: 30
                        Layout.preferredHeight: 30
                        Accessible.ignored: true
                    }
                    ColumnLayout {
                        spacing: 0
                        Layout.fillWidth: true
                        Text {
                            visible: !root.compact
                            text: qsTr("ROOM")
                            font.pixelSize: Theme.fontSmall
                            font.letterSpacing: 2
                            color: Theme.textMuted
                        }
                        TextEdit {
                            objectName: "roomIdText"
                            Layout.fillWidth: true
                            text: root.session.roomId
                            readOnly: true
                            selectByMouse: true
                            activeFocusOnPress: false
                            font.pixelSize: root.compact ? Theme.fontNormal : Theme.fontLarge
                            font.bold: true
                            color: Theme.accent
                            selectionColor: Theme.selection
                            wrapMode: TextEdit.WrapAnywhere
                            Accessible.name: qsTr("Room ID %1").arg(root.session.roomId)
                        }
                    }
                    Countdown {
                        objectName: "countdown"
                        secondsLeft: root.session.secondsLeft
                        compact: root.compact
                    }
                }

                // Actions first, in a fixed order; what changes its width (the connection
                // status, with its Retry now) comes last, so no button moves under the pointer.
                Flow {
                    Layout.fillWidth: true
                    spacing: 10

                    PcButton {
                        objectName: "copyInviteButton"
                        text: copiedNote.running ? qsTr("Copied ✓") : qsTr("Copy invite")
                        variant: "primary"
                        Accessible.name: qsTr("Copy invite link")
                        onClicked: root.copyInvite()
                    }
                    PcButton {
                        objectName: "qrButton"
                        visible: !root.compact
                        text: qsTr("QR code")
                        Accessible.name: qsTr("Show the invite as a QR code")
                        onClicked: qrPopup.open()
                    }
                    PcComboBox {
                        objectName: "inviteAddressBox"
                        visible: root.hosting && root.inviteAddresses.length > 1
                        width: 230
                        model: root.inviteAddresses
                        Accessible.name: qsTr("Address in the invite: %1").arg(displayText)
                        onActivated: index => root.inviteAddressChosen(root.inviteAddresses[index])
                    }
                    PcButton {
                        id: peopleButton
                        objectName: "peopleButton"
                        visible: !root.wide
                        text: qsTr("People %1").arg(root.session.participants.count)
                        checkable: true
                        Accessible.name: qsTr("Show participants")
                    }
                    PcButton {
                        objectName: "leaveButton"
                        visible: !root.hosting && !root.compact
                        text: qsTr("Leave")
                        onClicked: root.leaveRequested()
                    }
                    PcButton {
                        objectName: "stopHostingButton"
                        visible: root.hosting && !root.compact
                        text: qsTr("Stop hosting")
                        onClicked: stopDialog.open()
                    }
                    PcButton {
                        objectName: "destroyButton"
                        visible: root.session.canDestroy && !root.compact
                        text: qsTr("Destroy now")
                        variant: "danger"
                        onClicked: destroyDialog.open()
                    }
                    PcButton {
                        objectName: "lockButton"
                        visible: root.session.isHost && !root.compact
                        text: root.lockText
                        Accessible.name: root.session.locked ? qsTr("Unlock the room: let new people join") : qsTr("Lock the room: let no one new join")
                        onClicked: root.toggleLock()
                    }
                    PcButton {
                        id: moreButton
                        objectName: "moreButton"
                        visible: root.compact
                        text: qsTr("More ▾")
                        Accessible.name: qsTr("More actions")
                        onClicked: moreMenu.popup(moreButton, 0, moreButton.height)
                    }
                    Text {
                        objectName: "lockedBadge"
                        visible: root.session.locked && !root.session.isHost
                        height: Theme.controlHeight
                        verticalAlignment: Text.AlignVCenter
                        text: qsTr("Locked: no one new can join")
                        font.pixelSize: Theme.fontSmall
                        color: Theme.amber
                    }
                    ConnectionStatus {
                        objectName: "connectionStatus"
                        height: Theme.controlHeight
                        client: root.client
                    }
                }

                TextEdit {
                    objectName: "inviteText"
                    Layout.fillWidth: true
                    visible: root.detailed
                    text: qsTr("Invite: %1").arg(root.session.inviteLink)
                    readOnly: true
                    selectByMouse: true
                    activeFocusOnPress: false
                    wrapMode: TextEdit.WrapAnywhere
                    font.pixelSize: Theme.fontSmall
                    color: Theme.text
                    selectionColor: Theme.selection
                }
                Text {
                    objectName: "privacyText"
                    Layout.fillWidth: true
                    text: !root.detailed
                          ? (!root.session.endToEnd ? qsTr("Not end-to-end encrypted")
                             : root.session.keyMissing ? qsTr("No room key: nothing can be read")
                             : qsTr("End-to-end encrypted · code %1").arg(root.session.safetyCode))
                          : !root.session.endToEnd
                          ? qsTr("Not end-to-end encrypted: the room's host can read it.")
                          : root.session.keyMissing
                            ? qsTr("End-to-end encrypted, but your invite has no room key: messages cannot be read or sent. Ask for the whole invite (with the part after #).")
                            : qsTr("End-to-end encrypted. Safety code %1 — compare it with the others by voice or in person.").arg(root.session.safetyCode)
                    wrapMode: Text.Wrap
                    font.pixelSize: Theme.fontSmall
                    color: root.session.endToEnd && !root.session.keyMissing ? Theme.accent : Theme.amber
                    Accessible.name: text
                }
                Text {
                    Layout.fillWidth: true
                    visible: root.hosting && root.detailed
                    text: qsTr("Hosting on this computer. Others join with the invite; quitting or stopping ends the room for everyone.")
                    wrapMode: Text.Wrap
                    font.pixelSize: Theme.fontSmall
                    color: Theme.textMuted
                }
                Text {
                    objectName: "reachText"
                    Layout.fillWidth: true
                    visible: root.hosting && text.length > 0 && root.detailed
                    text: root.reachText
                    wrapMode: Text.Wrap
                    font.pixelSize: Theme.fontSmall
                    color: root.reachRefused ? Theme.amber : Theme.textMuted
                    Accessible.name: text
                }
            }
        }

        AlertBanner {
            objectName: "endingSoonNote"
            Layout.fillWidth: true
            Layout.margins: 8
            kind: "warning"
            closable: false
            text: root.session.endingSoon ? qsTr("This room self-destructs in under a minute: its messages will be gone for everyone.") : ""
        }
        AlertBanner {
            objectName: "trimmedNote"
            Layout.fillWidth: true
            Layout.margins: 8
            kind: "warning"
            closable: false
            text: root.session.historyTrimmed ? qsTr("Older history was trimmed: only the latest messages are shown.") : ""
        }
        AlertBanner {
            objectName: "roomNotice"
            Layout.fillWidth: true
            Layout.margins: 8
            kind: "error"
            text: root.noticeText
            onDismissed: root.noticeText = ""
        }

        RowLayout {
            Layout.fillWidth: true
            Layout.fillHeight: true
            spacing: 0

            Item {
                Layout.fillWidth: true
                Layout.fillHeight: true

                ListView {
                    id: messageView
                    objectName: "messageList"

                    // Follow new messages only while the view is at the bottom.
                    property bool stick: true
                    property int unseen: 0
                    property int counted: 0 // count when unseen was last brought up to date
                    property bool scrolling: false

                    function scrollToEnd(): void {
                        messageView.scrolling = true;
                        messageView.positionViewAtEnd();
                        messageView.scrolling = false;
                        messageView.stick = true;
                        messageView.unseen = 0;
                    }

                    anchors.fill: parent
                    anchors.leftMargin: 12
                    anchors.rightMargin: 12
                    clip: true
                    spacing: 2
                    model: root.session.messages
                    activeFocusOnTab: true
                    boundsBehavior: Flickable.StopAtBounds
                    Accessible.role: Accessible.List
                    Accessible.name: qsTr("Messages")
                    header: Item { height: 8 }
                    footer: Item { height: 8 }
                    ScrollBar.vertical: ScrollBar {}

                    delegate: MessageDelegate {
                        width: ListView.view.width
                        onCopyInviteRequested: root.copyInvite()
                        onRetryRequested: clientMsgId => root.session.retry(clientMsgId)
                    }

                    onContentYChanged: {
                        if (!messageView.scrolling)
                            messageView.stick = messageView.atYEnd;
                        if (messageView.atYEnd)
                            messageView.unseen = 0;
                    }
                    onCountChanged: {
                        // Rows arrive in batches (a history page, a burst): count them all.
                        if (messageView.stick)
                            followTimer.restart();
                        else
                            messageView.unseen += Math.max(0, messageView.count - messageView.counted);
                        messageView.counted = messageView.count;
                    }
                    onHeightChanged: {
                        if (messageView.stick)
                            followTimer.restart();
                    }
                    Keys.onPressed: event => {
                        const page = messageView.height * 0.9;
                        if (event.key === Qt.Key_PageUp || event.key === Qt.Key_Up)
                            messageView.contentY = Math.max(messageView.originY, messageView.contentY - (event.key === Qt.Key_Up ? 40 : page));
                        else if (event.key === Qt.Key_PageDown || event.key === Qt.Key_Down)
                            messageView.contentY = Math.min(messageView.originY + messageView.contentHeight - messageView.height, messageView.contentY + (event.key === Qt.Key_Down ? 40 : page));
                        else if (event.key === Qt.Key_End)
                            messageView.scrollToEnd();
                        else
                            return;
                        event.accepted = true;
                    }
                }

                Rectangle { // focus on the list, visible when it came by keyboard
                    objectName: "messageListFocus"
                    anchors.fill: parent
                    anchors.margins: 2
                    visible: messageView.activeFocus
                    color: "transparent"
                    border.width: 2
                    border.color: Theme.accentStrong
                    radius: Theme.radius
                }

                Text {
                    objectName: "emptyState"
                    anchors.centerIn: parent
                    width: parent.width - 40
                    visible: messageView.count === 0
                    text: qsTr("No messages yet, start the conversation.")
                    horizontalAlignment: Text.AlignHCenter
                    wrapMode: Text.Wrap
                    font.pixelSize: Theme.fontNormal
                    color: Theme.textMuted
                }

                PcButton {
                    objectName: "jumpToLatest"
                    anchors.horizontalCenter: parent.horizontalCenter
                    anchors.bottom: parent.bottom
                    anchors.bottomMargin: 12
                    visible: !messageView.stick && messageView.unseen > 0
                    variant: "primary"
                    text: qsTr("%n new message(s) ↓", "", messageView.unseen)
                    onClicked: messageView.scrollToEnd()
                }
            }

            ParticipantsPanel {
                objectName: "participantsPanel"
                Layout.preferredWidth: 240
                Layout.fillHeight: true
                visible: root.wide || peopleButton.checked
                model: root.session.participants
                capacity: root.session.maxParticipants
                canRemove: root.session.isHost
                onRemoveRequested: (participantId, name) => {
                    removeDialog.participantId = participantId;
                    removeDialog.name = name;
                    removeDialog.open();
                }
            }
        }

        Text {
            objectName: "typingText"
            Layout.fillWidth: true
            Layout.leftMargin: 14
            // Keeps its line while empty, so the composer does not jump.
            text: root.session.typingText.length > 0 ? root.session.typingText : " "
            textFormat: Text.PlainText // names: never markup
            font.pixelSize: Theme.fontSmall
            font.italic: true
            color: Theme.textMuted
            elide: Text.ElideRight
        }

        Composer {
            id: composer
            objectName: "composer"
            Layout.fillWidth: true
            enabled: root.session.canWrite
            onTextChanged: {
                if (composer.text.length > 0)
                    root.session.typing();
            }
            onSubmitted: text => {
                messageView.stick = true;
                root.session.send(text);
            }
        }
    }

    // The header's actions that a narrow window has no room for.
    PcMenu {
        id: moreMenu
        objectName: "moreMenu"

        PcMenuItem {
            text: qsTr("QR code")
            onTriggered: qrPopup.open()
        }
        PcMenuItem {
            objectName: "lockMenuItem"
            shown: root.session.isHost
            text: root.lockText
            onTriggered: root.toggleLock()
        }
        PcMenuItem {
            objectName: "detailsMenuItem"
            text: root.showDetails ? qsTr("Hide details") : qsTr("Show details")
            onTriggered: root.showDetails = !root.showDetails
        }
        PcMenuItem {
            objectName: "leaveMenuItem"
            text: root.hosting ? qsTr("Stop hosting") : qsTr("Leave")
            onTriggered: root.hosting ? stopDialog.open() : root.leaveRequested()
        }
        PcMenuItem {
            objectName: "destroyMenuItem"
            shown: root.session.canDestroy
            text: qsTr("Destroy now")
            danger: true
            onTriggered: destroyDialog.open()
        }
    }

    Popup {
        id: qrPopup
        objectName: "qrPopup"
        anchors.centerIn: parent
        modal: true
        padding: 16
        background: Rectangle {
            color: Theme.surface
            border.color: Theme.border
            radius: Theme.radius
        }
        onClosed: composer.focusInput()

        ColumnLayout {
            spacing: 10

            Text {
                text: qsTr("Scan to join")
                font.pixelSize: Theme.fontNormal
                font.bold: true
                color: Theme.text
            }
            Image {
                objectName: "qrImage"
                // Big enough for a phone camera across a desk, within the smallest window.
                readonly property int side: Math.min(300, root.height - 140)
                Layout.preferredWidth: side
                Layout.preferredHeight: side
                sourceSize.width: side
                sourceSize.height: side
                source: root.session.inviteLink.length > 0
                        ? "image://qr/" + encodeURIComponent(root.session.inviteLink) : ""
                fillMode: Image.PreserveAspectFit
                smooth: false // module edges stay sharp
                cache: false
                Accessible.name: qsTr("QR code of the invite %1").arg(root.session.inviteLink)
            }
            Text {
                Layout.maximumWidth: 300
                text: root.session.inviteLink
                wrapMode: Text.WrapAnywhere
                font.pixelSize: Theme.fontSmall
                color: Theme.textMuted
            }
            PcButton {
                Layout.alignment: Qt.AlignRight
                text: qsTr("Close")
                onClicked: qrPopup.close()
            }
        }
    }

    ConfirmDialog {
        id: destroyDialog
        objectName: "destroyDialog"
        title: qsTr("Destroy this room?")
        message: qsTr("Every message is deleted and everyone is sent back to the lobby, right now. This cannot be undone.")
        confirmText: qsTr("Destroy now")
        onAccepted: root.destroyRequested()
        onClosed: composer.focusInput()
    }
    ConfirmDialog {
        id: removeDialog
        objectName: "removeDialog"

        property string participantId
        property string name

        title: qsTr("Remove %1?").arg(removeDialog.name)
        message: qsTr("%1 leaves the room at once and cannot come back while the room is locked.").arg(removeDialog.name)
        confirmText: qsTr("Remove")
        onAccepted: root.session.removeMember(removeDialog.participantId)
        onClosed: composer.focusInput()
    }
    ConfirmDialog {
        id: stopDialog
        objectName: "stopHostingDialog"
        title: qsTr("Stop hosting?")
        message: qsTr("The room is destroyed for everyone and the room host on this computer stops.")
        confirmText: qsTr("Stop hosting")
        onAccepted: root.stopHostingRequested()
        onClosed: composer.focusInput()
    }
}
