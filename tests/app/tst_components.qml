import QtQuick
import QtTest
import PrivateChat

// Small components: countdown colours and format, the composer, a message row.
Item {
    id: root
    width: 600
    height: 400

    Countdown { id: countdown }
    Composer {
        id: composer
        y: 100
        width: 600
    }
    SignalSpy { id: submitted; target: composer; signalName: "submitted" }
    MessageDelegate {
        id: message
        y: 250
        width: 600
        index: 0
        sender: "Bob"
        text: "hello"
        time: "12:34"
        own: false
        notice: false
        delivery: 0 // MessagesModel.Stored
        clientMsgId: ""
        seal: 0 // MessagesModel.None
    }

    TestCase {
        name: "Components"
        when: windowShown

        function test_countdownFormatsAndColours() {
            compare(countdown.format(59), "00:59");
            compare(countdown.format(600), "10:00");
            compare(countdown.format(3725), "1:02:05");
            countdown.secondsLeft = 30;
            compare(countdown.tone, Theme.danger);
            countdown.secondsLeft = 200;
            compare(countdown.tone, Theme.amber);
            countdown.secondsLeft = 900;
            compare(countdown.tone, Theme.accent);
        }
        function test_composerCountsAndSends() {
            const input = findChild(composer, "messageInput");
            const send = findChild(composer, "sendButton");
            const counter = findChild(composer, "lengthCounter");
            verify(!send.enabled);
            input.text = "   ";
            verify(!send.enabled);
            input.text = "abc";
            compare(counter.text, "3/1000");
            verify(send.enabled);
            input.text = "x".repeat(1001);
            verify(!send.enabled);
            compare(counter.color, Theme.danger);
            input.text = "";
            input.forceActiveFocus();
            keyClick("h");
            keyClick("i");
            keyClick(Qt.Key_Return, Qt.ShiftModifier);
            keyClick("x");
            compare(input.text, "hi\nx");
            keyClick(Qt.Key_Return);
            compare(submitted.count, 1);
            compare(submitted.signalArguments[0][0], "hi\nx");
            compare(input.text, "");
        }
        function test_messageRowMarksOwn() {
            verify(message.Accessible.name.indexOf("Bob") >= 0);
            message.own = true;
            verify(message.Accessible.name.indexOf("You") === 0);
        }
    }
}
