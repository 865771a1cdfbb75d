import QtQuick
import QtTest
import PrivateChat

// The lobby page: name, hosting choices, the join field's validation, alerts, keyboard.
Item {
    id: root
    width: 900
    height: 900

    LobbyPage {
        id: lobby
        anchors.fill: parent
        identity: "calm-otter-1"
        ttlSeconds: 600
        maxParticipants: 2
    }
    SignalSpy { id: joinSpy; target: lobby; signalName: "joinRequested" }
    SignalSpy { id: hostSpy; target: lobby; signalName: "hostRequested" }
    SignalSpy { id: nameSpy; target: lobby; signalName: "identityEdited" }
    SignalSpy { id: cancelSpy; target: lobby; signalName: "cancelRequested" }
    SignalSpy { id: createOnSpy; target: lobby; signalName: "createOnRequested" }
    SignalSpy { id: mapPortSpy; target: lobby; signalName: "mapPortEdited" }

    TestCase {
        name: "Lobby"
        when: windowShown

        readonly property string roomId: "abcdefghijklmnopqrstu"

        function named(name) {
            const item = findChild(lobby, name);
            verify(item, name);
            return item;
        }
        function init() {
            joinSpy.clear();
            hostSpy.clear();
            nameSpy.clear();
            cancelSpy.clear();
            createOnSpy.clear();
            mapPortSpy.clear();
            named("joinField").text = "";
            lobby.alertText = "";
            lobby.busy = false;
            lobby.cancellable = true;
        }

        function test_0_nameIsShownAndFocused() {
            compare(named("nameField").text, "calm-otter-1");
            tryVerify(() => named("nameField").activeFocus);
        }
        function test_newNameIsGenerated() {
            mouseClick(named("newNameButton"));
            compare(nameSpy.count, 1);
            const name = named("nameField").text;
            verify(name !== "calm-otter-1");
            verify(/^[a-z]+-[a-z]+-\d+$/.test(name), name);
        }
        function test_joinFieldValidates() {
            const field = named("joinField");
            const button = named("joinButton");
            verify(!button.enabled);
            field.text = "not an invite";
            verify(field.invalid);
            verify(!button.enabled);
            field.text = "127.0.0.1:7878/" + roomId;
            verify(!field.invalid);
            verify(button.enabled);
            mouseClick(button);
            compare(joinSpy.count, 1);
            compare(joinSpy.signalArguments[0][0], "privatechat://127.0.0.1:7878/" + roomId);
        }
        function test_enterInTheJoinFieldJoins() {
            const field = named("joinField");
            field.forceActiveFocus();
            field.text = "privatechat://[::1]:9000/" + roomId;
            keyClick(Qt.Key_Return);
            compare(joinSpy.count, 1);
            compare(joinSpy.signalArguments[0][0], "privatechat://[::1]:9000/" + roomId);
        }
        // "Create on a server…": a server used before fills the fields; Enter creates with the
        // lobby's lifetime and size; Escape gives up without a word.
        function test_createOnAServer() {
            lobby.servers = ["chat.example.org:7878 AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "127.0.0.1:9000"];
            named("capacityBox").value = 3;
            mouseClick(named("createOnButton"));
            const dialog = named("serverDialog");
            tryVerify(() => dialog.opened);
            const server = findChild(dialog.contentItem, "serverField");
            const fingerprint = findChild(dialog.contentItem, "fingerprintField");
            compare(server.text, "chat.example.org:7878");
            compare(fingerprint.text, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
            dialog.pick(lobby.servers[1]);
            compare(fingerprint.text, "");
            tryVerify(() => server.activeFocus);
            keyClick(Qt.Key_Return);
            compare(createOnSpy.count, 1);
            compare(createOnSpy.signalArguments[0][0], "127.0.0.1:9000");
            compare(createOnSpy.signalArguments[0][1], "");
            compare(createOnSpy.signalArguments[0][3], 3);
            tryVerify(() => !dialog.visible);

            mouseClick(named("createOnButton"));
            tryVerify(() => dialog.opened);
            keyClick(Qt.Key_Escape);
            tryVerify(() => !dialog.visible);
            compare(createOnSpy.count, 1);
        }
        function test_mapPortIsAChoice() {
            const box = named("mapPortBox");
            verify(box.checked);
            mouseClick(box);
            compare(mapPortSpy.count, 1);
            compare(mapPortSpy.signalArguments[0][0], false);
        }
        function test_hostAsksWithTheChoices() {
            named("capacityBox").value = 5;
            mouseClick(named("hostButton"));
            compare(hostSpy.count, 1);
            compare(hostSpy.signalArguments[0][0], 600);
            compare(hostSpy.signalArguments[0][1], 5);
        }
        function test_customLifetime() {
            const box = named("lifetimeBox");
            compare(box.count, 8);
            box.currentIndex = box.count - 1;
            const minutes = named("customMinutes");
            verify(minutes.visible);
            minutes.value = 90;
            mouseClick(named("hostButton"));
            compare(hostSpy.signalArguments[0][0], 90 * 60);
            box.currentIndex = 2;
        }
        function test_busyDisablesActions() {
            lobby.busy = true;
            lobby.progressText = "Starting the room host…";
            named("joinField").text = "127.0.0.1:7878/" + roomId;
            verify(!named("hostButton").enabled);
            verify(!named("joinButton").enabled);
            compare(named("progressText").text, "Starting the room host…");
        }
        function test_aWaitCanBeCancelled() {
            verify(!named("cancelButton").visible);
            keyClick(Qt.Key_Escape);
            compare(cancelSpy.count, 0); // nothing to cancel
            lobby.busy = true;
            verify(named("cancelButton").visible);
            mouseClick(named("cancelButton"));
            compare(cancelSpy.count, 1);
            named("joinField").forceActiveFocus();
            keyClick(Qt.Key_Escape);
            compare(cancelSpy.count, 2);
        }
        function test_closingARoomIsNoWaitToCancel() {
            lobby.busy = true;
            lobby.cancellable = false;
            lobby.progressText = "Closing the room and stopping the room host…";
            verify(!named("cancelButton").visible);
            verify(!named("hostButton").enabled);
            compare(named("progressText").text, "Closing the room and stopping the room host…");
            named("joinField").forceActiveFocus();
            keyClick(Qt.Key_Escape);
            compare(cancelSpy.count, 0);
        }
        function test_alertIsShownAndDismissed() {
            const alert = named("lobbyAlert");
            verify(!alert.visible);
            lobby.alertText = "The room was destroyed.";
            verify(alert.visible);
            compare(named("alertText").text, "The room was destroyed.");
        }
        function test_keyboardReachesEveryControl() {
            named("nameField").forceActiveFocus();
            const seen = [];
            for (let i = 0; i < 12; ++i) {
                keyClick(Qt.Key_Tab);
                let focused = root.Window.activeFocusItem;
                while (focused && !focused.objectName)
                    focused = focused.parent; // e.g. the text input inside a spin box
                if (focused)
                    seen.push(focused.objectName);
            }
            for (const name of ["newNameButton", "lifetimeBox", "capacityBox", "hostButton", "joinField"])
                verify(seen.indexOf(name) >= 0, name + " not reached by Tab: " + seen);
        }
    }
}
