import QtQuick
import QtTest
import PrivateChat.Client
import PrivateChat.Hosting

// HostController: a real host with its own Redis on a worker thread.
Item {
    id: root

    HostController { id: host }
    HostController { id: second }
    RealtimeClient { id: client }
    RoomSession { id: session; client: client }

    TestCase {
        name: "Hosting"

        function test_1_startCreateStop() {
            compare(host.state, HostController.Stopped);
            host.start("127.0.0.1:0");
            compare(host.state, HostController.Starting);
            tryCompare(host, "state", HostController.Running, 10000);
            verify(host.port > 0);
            compare(host.listenAddress, "127.0.0.1:" + host.port);
            compare(host.inviteHost, "127.0.0.1:" + host.port);
            compare(host.lanAddresses.length, 0);
            // The app's own client speaks TLS to its host, pinned like any guest's.
            compare(host.localUrl.toString(), "wss://127.0.0.1:" + host.port + "/api/realtime");
            compare(host.fingerprint.length, 43);

            client.setServer(host.localUrl, host.fingerprint);
            session.create(60, 2, "Host");
            tryCompare(session, "state", RoomSession.Joined, 10000);
            verify(session.inviteLink.indexOf("127.0.0.1:" + host.port + "/") > 0);
            verify(session.inviteLink.indexOf("?fp=" + host.fingerprint + "#k=") > 0, session.inviteLink);
            verify(session.endToEnd);

            host.stop();
            tryCompare(host, "state", HostController.Stopped, 10000);
            tryVerify(() => client.status !== RealtimeClient.Connected, 5000);
        }
        function test_2_defaultPortFallsBackWhenTaken() {
            const fingerprint = host.fingerprint;
            host.start("127.0.0.1:7878");
            tryCompare(host, "state", HostController.Running, 10000);
            compare(host.fingerprint, fingerprint); // the same identity on every start
            second.start("127.0.0.1:7878");
            tryCompare(second, "state", HostController.Running, 10000);
            verify(second.port !== host.port);
            second.stop();
            host.stop();
            tryCompare(second, "state", HostController.Stopped, 10000);
            tryCompare(host, "state", HostController.Stopped, 10000);
        }
        function test_3_badAddressFails() {
            host.start("nowhere");
            compare(host.state, HostController.Failed);
            verify(host.errorText.length > 0);
        }
        function test_4_everyAddressListsLanAddresses() {
            host.start("0.0.0.0:0");
            tryCompare(host, "state", HostController.Running, 10000);
            compare(host.localUrl.toString(), "wss://127.0.0.1:" + host.port + "/api/realtime");
            for (const address of host.lanAddresses)
                verify(address.endsWith(":" + host.port), address);
            verify(host.inviteHost.endsWith(":" + host.port));
            host.stop();
            tryCompare(host, "state", HostController.Stopped, 10000);
        }
    }
}
