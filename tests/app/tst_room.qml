import QtQuick
import QtTest
import PrivateChat
import PrivateChat.Client
import PrivateChat.Desktop

// The room page on a real room of a real host (testHostUrl), with a second real member.
Item {
    id: root
    width: 1000
    height: 700

    RealtimeClient { id: aliceClient; url: testHostUrl }
    RoomSession { id: alice; client: aliceClient }
    RealtimeClient { id: bobClient }
    RoomSession { id: bob; client: bobClient }
    RealtimeClient { id: carlClient }
    RoomSession { id: carl; client: carlClient }
    SignalSpy { id: carlSubscribed; target: carlClient; signalName: "channelSubscribed" }
    RealtimeClient { id: daveClient }
    RoomSession { id: dave; client: daveClient }

    RoomPage {
        id: page
        anchors.fill: parent
        session: alice
        client: aliceClient
        onDestroyRequested: alice.destroyRoom()
    }

    // A second page on a room that is about to end (a separate TestCase: its own room).
    RealtimeClient { id: shortClient; url: testHostUrl }
    RoomSession { id: shortRoom; client: shortClient }
    RoomPage {
        id: shortPage
        visible: false
        width: 1000
        height: 700
        session: shortRoom
        client: shortClient
    }
    TestCase {
        name: "RoomEndingSoon"
        when: windowShown

        // The last minute is said in the room, in words, until the room ends.
        function test_theLastMinuteIsShown() {
            const note = findChild(shortPage, "endingSoonNote");
            verify(note);
            shortRoom.create(62, 2, "Short");
            tryCompare(shortRoom, "state", RoomSession.Joined, 10000);
            verify(note.text === "");
            tryVerify(() => note.text !== "", 6000);
            compare(note.text, "This room self-destructs in under a minute: its messages will be gone for everyone.");
            compare(note.kind, "warning");
            shortRoom.destroyRoom();
            tryCompare(shortRoom, "state", RoomSession.Destroyed, 5000);
            compare(note.text, ""); // the room is over: nothing is ending any more
        }
    }

    TestCase {
        name: "Room"
        when: windowShown

        function named(name) {
            const item = findChild(page, name);
            verify(item, name);
            return item;
        }
        // A row of Alice's messages model, by role.
        function row(i, role) {
            return alice.messages.data(alice.messages.index(i, 0), role);
        }
        function initTestCase() {
            alice.create(600, 3, "Alice");
            tryCompare(alice, "state", RoomSession.Joined, 10000);
        }

        function test_1_header() {
            compare(named("roomIdText").text, alice.roomId);
            compare(alice.roomId.length, 21);
            tryVerify(() => named("countdownText").text.startsWith("09:") || named("countdownText").text === "10:00", 3000);
            tryCompare(named("connectionText"), "text", "connected", 5000);
            verify(!named("retryButton").visible);
        }
        function test_2_emptyStateAndFocus() {
            verify(named("emptyState").visible);
            compare(named("emptyState").text, "No messages yet, start the conversation.");
            verify(!named("sendButton").enabled);
            page.focusInput();
            verify(named("messageInput").activeFocus);
        }
        function test_3_enterSendsOwnMessage() {
            const input = named("messageInput");
            const list = named("messageList");
            input.forceActiveFocus();
            keyClick("h");
            keyClick("i");
            keyClick(Qt.Key_Return, Qt.ShiftModifier);
            keyClick("x");
            keyClick(Qt.Key_Return);
            compare(input.text, "");
            tryCompare(list, "count", 1, 5000);
            tryVerify(() => !named("emptyState").visible, 2000, "the empty state stayed after the first message");
            verify(row(0, MessagesModel.OwnRole));
            compare(row(0, MessagesModel.TextRole), "hi\nx");
            const time = row(0, MessagesModel.TimeRole);
            verify(/^\d\d:\d\d$/.test(time), time);
        }
        function test_4_guestJoinsAndTalks() {
            const list = named("messageList");
            bob.join(alice.inviteLink, "Bob");
            tryCompare(bob, "state", RoomSession.Joined, 10000);
            tryCompare(alice.participants, "count", 2, 5000);
            tryCompare(list, "count", 2, 5000);
            verify(row(1, MessagesModel.NoticeRole));
            verify(row(1, MessagesModel.TextRole).indexOf("Bob") >= 0);
            bob.send("hello Alice");
            tryCompare(list, "count", 3, 5000);
            compare(row(2, MessagesModel.SenderRole), "Bob");
            compare(row(2, MessagesModel.TextRole), "hello Alice");
            verify(!row(2, MessagesModel.OwnRole));
            tryCompare(bob.messages, "count", 2, 5000); // Alice's message and Bob's own
        }
        function test_5_copyInvite() {
            mouseClick(named("copyInviteButton"));
            compare(Desktop.clipboardText(), alice.inviteLink);
            verify(alice.inviteLink.startsWith("privatechat://" + testHostAuthority + "/"));
        }
        function test_2b_tabLeavesAnEmptyMessageBox() {
            const input = named("messageInput");
            input.forceActiveFocus();
            compare(input.text, "");
            keyClick(Qt.Key_Tab);
            verify(!input.activeFocus, "Tab stayed in the empty message box");
            compare(input.text, "", "Tab was typed into the message");
            keyClick(Qt.Key_Backtab);
            verify(input.activeFocus, "Shift+Tab did not come back");
        }
        function test_3b_counterCountsWhatAPersonSees() {
            const input = named("messageInput");
            input.text = "😀".repeat(400); // 800 UTF-16 units
            compare(named("lengthCounter").text, "400/1000");
            verify(named("sendButton").enabled);
            verify(!named("tooLongHint").visible);
            input.text = "👍🏽".repeat(300); // a thumb with its skin tone is one: 1200 units
            compare(named("lengthCounter").text, "300/1000");
            verify(!named("sendButton").enabled);
            verify(named("tooLongHint").visible);
            verify(named("tooLongHint").text.indexOf("emoji") >= 0, named("tooLongHint").text);
            input.text = "";
        }
        function test_5b_copyAMessage() {
            const list = named("messageList");
            const delegate = list.itemAtIndex(0);
            verify(delegate);
            const text = findChild(delegate, "messageText");
            compare(text.text, "hi\nx");
            Desktop.copyText("");
            mouseClick(text, 2, text.height / 2); // focus, as a reader's click does
            text.select(0, 2);
            keySequence(StandardKey.Copy);
            compare(Desktop.clipboardText(), "hi");
            text.deselect();
            mouseClick(text, 2, text.height / 2, Qt.RightButton);
            const menu = findChild(delegate, "messageMenu");
            tryVerify(() => menu.opened);
            const item = findChild(menu.contentItem, "copyMessage") || menu.itemAt(0);
            compare(item.text, "Copy message");
            mouseClick(item);
            compare(Desktop.clipboardText(), "hi\nx");
            tryVerify(() => !menu.visible);
        }
        function test_5c_inviteAsAQrCodeScansBack() {
            mouseClick(named("qrButton"));
            const popup = findChild(page, "qrPopup");
            tryVerify(() => popup.opened);
            const image = named("qrImage");
            tryCompare(image, "status", Image.Ready, 5000);
            verify(image.paintedWidth >= 200, "too small to scan: " + image.paintedWidth);
            let saved = false;
            const path = testTempDir + "/invite-qr.png";
            image.grabToImage(result => saved = result.saveToFile(path));
            tryVerify(() => saved, 5000);
            compare(testHostControl.scan(path), alice.inviteLink);
            popup.close();
            tryVerify(() => !popup.visible);
        }
        function test_6_autoScrollRespectsScrollingUp() {
            const list = named("messageList");
            const before = list.count;
            for (let i = 0; i < 30; ++i)
                bob.send("line " + i + " " + "filler ".repeat(10));
            tryCompare(list, "count", before + 30, 10000);
            // count changes at once, the layout at the next polish: wait until it overflows.
            tryVerify(() => list.contentHeight > list.height, 3000);
            tryVerify(() => list.atYEnd, 3000);
            list.contentY = list.originY; // the reader scrolls to the top
            verify(!list.atYEnd);
            bob.send("one more");
            tryCompare(list, "count", before + 31, 5000);
            wait(100);
            verify(!list.atYEnd, "a new message pulled the reader down");
            tryVerify(() => named("jumpToLatest").visible);
            for (let i = 0; i < 19; ++i)
                bob.send("and more " + i);
            tryCompare(list, "count", before + 50, 5000);
            tryVerify(() => named("jumpToLatest").text.startsWith("20 new message"), 3000, named("jumpToLatest").text);
            mouseClick(named("jumpToLatest"));
            tryVerify(() => list.atYEnd, 3000);
        }
        function test_6b_aHostThatStaysAwayIsSaidSo() {
            const status = named("connectionStatus");
            const label = named("connectionText");
            status.awayAfterMs = 300;
            testHostControl.stopHost();
            tryCompare(label, "text", "reconnecting…", 5000);
            tryVerify(() => label.text.indexOf("not answering") >= 0, 3000);
            verify(named("retryButton").visible);
            verify(testHostControl.restartHost());
            aliceClient.reconnectNow();
            tryCompare(label, "text", "connected", 10000);
            compare(alice.state, RoomSession.Joined);
        }
        // The row of the people list that shows name.
        function personRow(name) {
            const list = named("participantsList");
            for (let i = 0; i < list.contentItem.children.length; ++i) {
                const item = list.contentItem.children[i];
                if (item.name === name)
                    return item;
            }
            return null;
        }
        // Alice made the room, so she is its host: marked, with the lock and Remove.
        function test_6c_hostControls() {
            tryVerify(() => personRow("Bob") !== null, 3000);
            verify(findChild(personRow("Alice"), "hostBadge").visible);
            verify(!findChild(personRow("Bob"), "hostBadge").visible);
            verify(!findChild(personRow("Alice"), "removeButton").visible);
            verify(findChild(personRow("Bob"), "removeButton").visible);
            verify(!named("lockedBadge").visible);

            const lock = named("lockButton");
            compare(lock.text, "Lock room");
            mouseClick(lock);
            tryCompare(alice, "locked", true, 5000);
            compare(lock.text, "Unlock room");
            tryCompare(bob, "locked", true, 5000);
            carl.join(alice.inviteLink, "Carl");
            tryCompare(carl, "state", RoomSession.Locked, 5000);
            mouseClick(lock);
            tryCompare(alice, "locked", false, 5000);
            carl.join(alice.inviteLink, "Carl");
            tryCompare(carl, "state", RoomSession.Joined, 5000);
            tryVerify(() => carlSubscribed.count > 0, 5000); // removed while subscribed

            tryVerify(() => personRow("Carl") !== null, 3000);
            const dialog = findChild(page, "removeDialog");
            mouseClick(findChild(personRow("Carl"), "removeButton"));
            tryVerify(() => dialog.opened);
            compare(dialog.title, "Remove Carl?");
            mouseClick(findChild(dialog.contentItem, "confirmAccept"));
            tryCompare(carl, "state", RoomSession.RemovedByHost, 5000);
            tryCompare(alice.participants, "count", 2, 5000);
            tryVerify(() => row(alice.messages.count - 1, MessagesModel.TextRole) === "The host removed Carl", 3000);
            compare(bob.state, RoomSession.Joined);
        }
        // At the smallest window the header keeps to one line of room ID and one row of
        // buttons, the rest in More; the buttons stay where they are when the link drops.
        function test_6d_narrowWindow() {
            page.anchors.fill = undefined;
            page.width = 380;
            page.height = 480;
            try {
                const roomId = named("roomIdText");
                tryVerify(() => roomId.lineCount === 1, 2000, "the room ID wraps");
                verify(!named("destroyButton").visible && !named("leaveButton").visible);
                verify(named("moreButton").visible && named("peopleButton").visible);
                const header = roomId.parent.parent.parent.parent;
                verify(header.height <= 170, "the header is " + header.height + " px high");
                const more = named("moreButton");
                const before = more.mapToItem(page, 0, 0);
                testHostControl.stopHost();
                tryCompare(named("connectionText"), "text", "reconnecting…", 5000);
                verify(named("retryButton").visible);
                const after = more.mapToItem(page, 0, 0);
                compare(after.x, before.x);
                compare(after.y, before.y);
                verify(testHostControl.restartHost());
                aliceClient.reconnectNow();
                tryCompare(named("connectionText"), "text", "connected", 10000);

                mouseClick(more);
                const menu = findChild(page, "moreMenu");
                tryVerify(() => menu.opened);
                const texts = [];
                for (let i = 0; i < menu.count; ++i)
                    texts.push(menu.itemAt(i).text);
                compare(texts, ["QR code", "Lock room", "Show details", "Leave", "Destroy now"]);
                menu.close();
            } finally {
                page.anchors.fill = root;
            }
        }
        // A name is shown as it was typed, never as markup: an <img> in it would make every
        // member's app fetch a URL of the name-giver's choosing.
        function test_6e_namesAreNeverMarkup() {
            const name = "<img src=\"http://127.0.0.1:9/x\"><b>Dave</b>";
            dave.join(alice.inviteLink, name);
            tryCompare(dave, "state", RoomSession.Joined, 5000);
            tryVerify(() => personRow(name) !== null, 3000);
            const shown = findChild(personRow(name), "personName");
            compare(shown.textFormat, Text.PlainText);
            compare(shown.text, name);
            const list = named("messageList");
            // Its notice, wherever it is: a notice of an earlier test may arrive after it.
            let at = -1;
            tryVerify(() => {
                for (let i = alice.messages.count - 1; i >= 0 && at < 0; --i)
                    if (row(i, MessagesModel.TextRole) === name + " joined")
                        at = i;
                return at >= 0;
            }, 5000);
            list.positionViewAtIndex(at, ListView.Contain);
            const notice = list.itemAtIndex(at);
            verify(notice);
            const texts = [];
            for (let i = 0; i < notice.children.length; ++i)
                if (notice.children[i].text !== undefined && notice.children[i].visible)
                    texts.push(notice.children[i]);
            verify(texts.length > 0);
            compare(texts[0].textFormat, Text.PlainText);
            dave.leave();
            tryCompare(alice.participants, "count", 2, 5000);
        }
        function test_7_destroyNeedsConfirmation() {
            const dialog = findChild(page, "destroyDialog");
            mouseClick(named("destroyButton"));
            tryVerify(() => dialog.opened);
            mouseClick(findChild(dialog.contentItem, "confirmCancel"));
            tryVerify(() => !dialog.visible);
            compare(alice.state, RoomSession.Joined);
            mouseClick(named("destroyButton"));
            tryVerify(() => dialog.opened);
            mouseClick(findChild(dialog.contentItem, "confirmAccept"));
            tryCompare(alice, "state", RoomSession.Destroyed, 5000);
            tryCompare(bob, "state", RoomSession.Destroyed, 5000);
        }
    }
}
