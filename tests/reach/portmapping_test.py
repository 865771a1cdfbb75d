#!/usr/bin/python3
"""A host behind a home router, reached from the internet through the port the router opened.

Real parts only, in network namespaces this test makes (and removes) itself:

    LAN  192.168.77.2  the host (privatechat-server --map-port, or the app under Xvfb)
     |   veth
    ROUTER 192.168.77.1 / 44.44.44.1  miniupnpd (UPnP-IGD and NAT-PMP) with its nftables
     |   veth                         firewall and NAT; forwards only what it mapped
    WAN  44.44.44.2    a guest (privatechat-cli), who can reach only the router's address

The namespaces have no link to this machine's own network: every packet of the test stays
inside them. (44.44.44.0/24 stands for "the internet" only there; miniupnpd refuses to map
for a private or documentation address, as a real router would.)

Shown:
  * UPnP-IGD: the host prints "mapped: 44.44.44.1:PORT via upnp"; the guest joins through
    the external address and chats with a member on the LAN; the lease is renewed before it
    runs out; after SIGTERM the mapping is gone from the router;
  * NAT-PMP (the router's UPnP off): the same, "via natpmp";
  * no router answering: "not mapped: ..." within the time limit, and the host still hosts;
  * the app (--app): hosting offers the external invite first and says it works from the
    internet, and a guest on the WAN joins with it; with no router it says "Only on your
    network — your router did not open the port" and still hosts.

Where namespaces cannot be made it fails, as scripts/test wants (PC_REQUIRE_NETNS=1, its
default); with PC_REQUIRE_NETNS=0 it skips (exit 77) with the reason instead.

    portmapping_test.py --server PATH --cli PATH [--app PATH] [--screenshot FILE]
"""

import argparse
import atexit
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

TAG = "pc%d" % (os.getpid() % 100000)
LAN, ROUTER, WAN = TAG + "lan", TAG + "rtr", TAG + "wan"
HOST_IP, ROUTER_LAN_IP, ROUTER_WAN_IP, GUEST_IP = "192.168.77.2", "192.168.77.1", "44.44.44.1", "44.44.44.2"
TIME_LIMIT_S = 8  # the host's whole search for a router (reach::PortMapper::Options)
PROCS = []


def fail(why):
    print("FAIL: " + why, flush=True)
    sys.exit(1)


def check(condition, why):
    if not condition:
        fail(why)
    print("ok: " + why, flush=True)


def skip(why):
    if os.environ.get("PC_REQUIRE_NETNS", "1") != "0":
        fail("network namespaces are required here (PC_REQUIRE_NETNS=1): " + why)
    print("SKIP: " + why, flush=True)
    sys.exit(77)


def sh(*args, check_rc=True):
    out = subprocess.run(list(args), capture_output=True, text=True, timeout=30)
    if check_rc and out.returncode != 0:
        raise RuntimeError("%s: %s" % (" ".join(args), out.stderr.strip()))
    return out.stdout


def netns(ns, *args):
    return ["ip", "netns", "exec", ns] + list(args)


def make_network():
    for ns in (LAN, ROUTER, WAN):
        sh("ip", "netns", "add", ns)
        sh("ip", "-n", ns, "link", "set", "lo", "up")
    sh("ip", "link", "add", TAG + "l0", "netns", LAN, "type", "veth", "peer", "name", TAG + "r0", "netns", ROUTER)
    sh("ip", "link", "add", TAG + "w0", "netns", WAN, "type", "veth", "peer", "name", TAG + "r1", "netns", ROUTER)
    for ns, dev, cidr in ((LAN, TAG + "l0", HOST_IP + "/24"), (ROUTER, TAG + "r0", ROUTER_LAN_IP + "/24"),
                          (ROUTER, TAG + "r1", ROUTER_WAN_IP + "/24"), (WAN, TAG + "w0", GUEST_IP + "/24")):
        sh("ip", "-n", ns, "addr", "add", cidr, "dev", dev)
        sh("ip", "-n", ns, "link", "set", dev, "up")
    sh("ip", "-n", LAN, "route", "add", "default", "via", ROUTER_LAN_IP)
    # The router's own /proc/sys/net (per namespace); no sysctl (procps) needed.
    sh(*netns(ROUTER, "sh", "-c", "echo 1 > /proc/sys/net/ipv4/ip_forward"))
    # The router's firewall: nothing from the WAN gets in unless miniupnpd mapped it.
    ruleset = """
table inet filter {
  chain forward { type filter hook forward priority 0; policy drop;
    ct state established,related accept; iifname "%(lan)s" accept; jump miniupnpd; }
  chain miniupnpd { }
  chain prerouting { type nat hook prerouting priority -100; policy accept; jump prerouting_miniupnpd; }
  chain postrouting { type nat hook postrouting priority 100; policy accept; jump postrouting_miniupnpd; }
  chain prerouting_miniupnpd { }
  chain postrouting_miniupnpd { }
}
""" % {"lan": TAG + "r0"}
    subprocess.run(netns(ROUTER, "nft", "-f", "-"), input=ruleset, text=True, check=True, timeout=10)


def remove_network():
    for p in PROCS:
        if p.poll() is None:
            p.kill()
            p.wait()
    for ns in (LAN, ROUTER, WAN):
        subprocess.run(["ip", "netns", "del", ns], capture_output=True)


class Process:
    """A process in a namespace whose output lines are kept."""

    def __init__(self, ns, argv, env=None, stdin=False):
        self.lines = []
        self.errors = []
        self.proc = subprocess.Popen(netns(ns, *argv), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     stdin=subprocess.PIPE if stdin else subprocess.DEVNULL, env=env)
        PROCS.append(self.proc)
        for stream, into in ((self.proc.stdout, self.lines), (self.proc.stderr, self.errors)):
            threading.Thread(target=self._read, args=(stream, into), daemon=True).start()

    @staticmethod
    def _read(stream, into):
        for raw in stream:
            into.append(raw.decode("utf-8", "replace").rstrip("\n"))

    def wait_line(self, pattern, what, timeout=15):
        deadline = time.time() + timeout
        while time.time() < deadline:
            exited = self.proc.poll() is not None  # before reading: its last lines are in
            for line in list(self.lines):
                m = re.search(pattern, line)
                if m:
                    return m
            if exited:
                time.sleep(0.2)  # the reader threads' last lines
                if not any(re.search(pattern, line) for line in self.lines):
                    fail("%s: it exited (%s); stdout %s; stderr %s" % (what, self.proc.returncode, self.lines, self.errors[-15:]))
                continue
            time.sleep(0.05)
        fail("%s: not seen within %d s; stdout %s; stderr %s" % (what, timeout, self.lines, self.errors[-15:]))

    def wait_json(self, predicate, what, timeout=15):
        deadline = time.time() + timeout
        while time.time() < deadline:
            for line in list(self.lines):
                try:
                    obj = json.loads(line)
                except ValueError:
                    continue
                if predicate(obj):
                    return obj
            time.sleep(0.05)
        fail("%s: not seen within %d s; stdout %s; stderr %s" % (what, timeout, self.lines, self.errors[-15:]))

    def say(self, text):
        self.proc.stdin.write((text + "\n").encode())
        self.proc.stdin.flush()

    def stop(self, sig=signal.SIGTERM, timeout=10):
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            return self.proc.wait()


class Router:
    def __init__(self, work, upnp, natpmp):
        self.leases = os.path.join(work, "leases")
        conf = os.path.join(work, "miniupnpd.conf")
        with open(conf, "w") as f:
            f.write("ext_ifname=%sr1\nlistening_ip=%sr0\nport=0\n" % (TAG, TAG))
            f.write("enable_upnp=%s\nenable_natpmp=%s\n" % ("yes" if upnp else "no", "yes" if natpmp else "no"))
            f.write("secure_mode=yes\nsystem_uptime=yes\nlease_file=%s\n" % self.leases)
            f.write("uuid=3d3cec3a-8cf0-11e0-98ee-001a6bd2d07d\n")
            f.write("allow 1024-65535 192.168.77.0/24 1024-65535\ndeny 0-65535 0.0.0.0/0 0-65535\n")
        self.proc = Process(ROUTER, ["miniupnpd", "-d", "-f", conf])
        deadline = time.time() + 10
        while not any("Listening for NAT-PMP" in l or "HTTP listening" in l for l in self.proc.errors):
            if time.time() > deadline or self.proc.proc.poll() is not None:
                fail("miniupnpd did not start: %s" % self.proc.errors)
            time.sleep(0.05)

    def forwards(self, port):
        """The router's NAT rules that send the external port in."""
        rules = sh(*netns(ROUTER, "nft", "list", "chain", "inet", "filter", "prerouting_miniupnpd"))
        return [l.strip() for l in rules.splitlines() if "dport %d " % port in l and "dnat" in l]

    def lease(self, port):
        """miniupnpd's lease file line for the port: (protocol, ext port, client, int port, expires, desc)."""
        try:
            with open(self.leases) as f:
                for line in f:
                    parts = line.strip().split(":")
                    if len(parts) >= 5 and parts[1] == str(port):
                        return parts
        except FileNotFoundError:
            pass
        return None

    def stop(self):
        self.proc.stop()


def start_host(server, work, extra):
    ident = os.path.join(work, "identity")
    host = Process(LAN, [server, "--listen", "0.0.0.0:0", "--identity", ident] + extra)
    m = host.wait_line(r"^listening on wss://[^:]+:(\d+)/", "the host listens")
    port = int(m.group(1))
    fp = host.wait_line(r"^fingerprint: (\S+)$", "the host's fingerprint").group(1)
    return host, port, fp


def chat_through(cli, port, fp, external, via):
    """A LAN member creates a room on the host; a guest on the WAN joins by the external address."""
    out = subprocess.run(netns(LAN, cli, "--create", "--server", "%s:%d" % (HOST_IP, port), "--fingerprint", fp),
                         capture_output=True, text=True, timeout=30)
    check(out.returncode == 0, "a member on the LAN creates a room (%s)" % out.stderr.strip())
    link = out.stdout.strip().splitlines()[0]
    outside = link.replace("%s:%d" % (HOST_IP, port), external)
    check(outside != link and external in outside, "the invite names the external address: " + re.sub(r"#k=.*", "#k=…", outside))
    member = Process(LAN, [cli, "--join", link, "--name", "Lan", "--stay"], stdin=True)
    guest = Process(WAN, [cli, "--join", outside, "--name", "Wan", "--stay"], stdin=True)
    member.wait_json(lambda o: o.get("status") == "joined", "the LAN member joins")
    guest.wait_json(lambda o: o.get("status") == "joined", "the WAN guest joins through %s" % external)
    guest.say("hello from the internet via " + via)
    member.wait_json(lambda o: (o.get("data") or {}).get("text") == "hello from the internet via " + via,
                     "the LAN member reads the guest")
    member.say("hello back")
    guest.wait_json(lambda o: (o.get("data") or {}).get("text") == "hello back", "the guest reads the LAN member")
    check(True, "the guest on the WAN and the member on the LAN chat through the router (%s)" % via)
    member.stop(signal.SIGKILL)
    guest.stop(signal.SIGKILL)


def mapped_case(args, work, upnp):
    via = "upnp" if upnp else "natpmp"
    router = Router(work, upnp=upnp, natpmp=not upnp)
    lease = 20
    t0 = time.time()
    host, port, fp = start_host(args.server, work, ["--map-port", "--map-lease", str(lease)])
    m = host.wait_line(r"^mapped: ([\d.]+):(\d+) via (\w+)$", "the mapped line", timeout=TIME_LIMIT_S + 4)
    check(m.group(1) == ROUTER_WAN_IP and m.group(3) == via,
          "the host prints \"%s\" after %.1f s" % (m.group(0), time.time() - t0))
    external_port = int(m.group(2))
    check(router.forwards(external_port), "the router forwards %s:%d to the host" % (ROUTER_WAN_IP, external_port))
    chat_through(args.cli, port, fp, "%s:%d" % (ROUTER_WAN_IP, external_port), via)

    first = router.lease(external_port)
    check(first is not None, "miniupnpd keeps a lease for the port: %s" % (first,))
    time.sleep(lease * 0.75)  # past the renewal at half the lease
    renewed = router.lease(external_port)
    check(renewed is not None and int(renewed[4]) > int(first[4]) and router.forwards(external_port),
          "the host renewed the lease before it ran out (expiry %s -> %s)" % (first[4], renewed and renewed[4]))

    rc = host.stop(signal.SIGTERM)
    check(rc == 0, "the host stops on SIGTERM (exit %s)" % rc)
    check(not router.forwards(external_port) and router.lease(external_port) is None,
          "the mapping is gone from the router once the host stopped")
    router.stop()


def unmapped_case(args, work):
    t0 = time.time()
    host, port, fp = start_host(args.server, work, ["--map-port"])
    m = host.wait_line(r"^not mapped: (.*)$", "the not-mapped line", timeout=TIME_LIMIT_S + 4)
    took = time.time() - t0
    check(took <= TIME_LIMIT_S + 2, "with no router answering the host says \"%s\" after %.1f s" % (m.group(0), took))
    out = subprocess.run(netns(LAN, args.cli, "--create", "--server", "%s:%d" % (HOST_IP, port), "--fingerprint", fp),
                         capture_output=True, text=True, timeout=30)
    check(out.returncode == 0 and out.stdout.startswith("privatechat://"), "and it still hosts rooms on its network")
    check(host.stop() == 0, "and stops cleanly")


def app_case(args, work):
    router = Router(work, upnp=True, natpmp=True)
    home = os.path.join(work, "app")
    env = dict(os.environ, HOME=home, XDG_CONFIG_HOME=home + "/config", XDG_DATA_HOME=home + "/data",
               XDG_STATE_HOME=home + "/state", XDG_RUNTIME_DIR=home + "/run", QT_QUICK_CONTROLS_STYLE="Basic")
    os.makedirs(home + "/run", mode=0o700)
    display = [] if args.screenshot else ["-platform", "offscreen"]
    argv = [args.app, "--host", "--name", "Hoster"] + display
    if args.screenshot:
        argv = ["xvfb-run", "-a", "-s", "-screen 0 1000x700x24", "sh", "-c",
                '"$@" & app=$!; echo $app > "$PC_SHOT.pid"; while [ ! -e "$PC_SHOT_GO" ]; do sleep 0.2; done; '
                'import -window root "$PC_SHOT"; '
                # and with the QR code open (xdotool, where installed: the button's place at 1000x700)
                'if command -v xdotool >/dev/null; then xdotool mousemove 185 81 click 1; sleep 1; '
                'import -window root "${PC_SHOT%.png}-qr.png"; fi; touch "$PC_SHOT.done"; wait $app', "app"] + argv
        env.update(PC_SHOT=args.screenshot, PC_SHOT_GO=os.path.join(work, "shoot"))
    app = Process(LAN, argv, env=env)
    m = app.wait_line(r"^invite: (privatechat://%s:(\d+)/\S+)$" % re.escape(ROUTER_WAN_IP),
                      "the app's invite with the external address", timeout=40)
    check(True, "the app offers the invite from the internet: " + re.sub(r"#k=.*", "#k=…", m.group(1)))
    guest = Process(WAN, [args.cli, "--join", m.group(1), "--name", "Wan", "--stay"], stdin=True)
    guest.wait_json(lambda o: o.get("status") == "joined", "the WAN guest joins the app's room")
    guest.say("hello app")
    if args.screenshot:
        time.sleep(2)
        open(os.path.join(work, "shoot"), "w").close()
        deadline = time.time() + 20
        while not os.path.exists(args.screenshot + ".done") and time.time() < deadline:
            time.sleep(0.2)
        os.unlink(args.screenshot + ".done")
        check(os.path.exists(args.screenshot), "screenshot " + args.screenshot)
    guest.stop(signal.SIGKILL)
    if args.screenshot:  # the app itself, not xvfb-run around it
        with open(args.screenshot + ".pid") as f:
            os.kill(int(f.read()), signal.SIGTERM)
        os.unlink(args.screenshot + ".pid")
    app.stop(signal.SIGTERM, timeout=15)
    check(any(l.startswith("reach: The invite works from the internet (%s:%s)" % (ROUTER_WAN_IP, m.group(2)))
              for l in app.lines), "the room page says the invite works from the internet")
    check(not router.forwards(int(m.group(2))), "the app's mapping is gone once it quit")
    router.stop()

    # No router answering: the app still hosts, and says who can use the invite.
    shutil.rmtree(home)
    os.makedirs(home + "/run", mode=0o700)
    app = Process(LAN, [args.app, "--host", "--name", "Hoster", "-platform", "offscreen"], env=env)
    t0 = time.time()
    app.wait_line(r"^invite: privatechat://%s:" % re.escape(HOST_IP), "the app hosts without a router", timeout=30)
    m = app.wait_line(r"^reach: (Only on your network .*)$", "the app's words for no router", timeout=TIME_LIMIT_S + 6)
    check(time.time() - t0 <= TIME_LIMIT_S + 4, "with no router the room page says \"%s\"" % m.group(1))
    app.stop(signal.SIGTERM, timeout=15)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--server", required=True)
    parser.add_argument("--cli", required=True)
    parser.add_argument("--app")
    parser.add_argument("--screenshot")
    args = parser.parse_args()

    if os.geteuid() != 0:
        skip("network namespaces need root")
    for tool in ("ip", "nft", "miniupnpd"):
        if not shutil.which(tool):
            skip("%s is not installed (scripts/packages.txt has it)" % tool)
    atexit.register(remove_network)
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: sys.exit(1))
    try:
        make_network()
    except (RuntimeError, subprocess.CalledProcessError) as e:
        skip("cannot make the test's network namespaces: %s" % e)

    with tempfile.TemporaryDirectory(prefix="pc-reach-") as work:
        for name, case in (("upnp", lambda w: mapped_case(args, w, upnp=True)),
                           ("natpmp", lambda w: mapped_case(args, w, upnp=False)),
                           ("no router", lambda w: unmapped_case(args, w))) + \
                          ((("app", lambda w: app_case(args, w)),) if args.app else ()):
            print("-- %s" % name, flush=True)
            sub = os.path.join(work, name.replace(" ", "-"))
            os.makedirs(sub)
            case(sub)
    print("PASS", flush=True)


if __name__ == "__main__":
    main()
