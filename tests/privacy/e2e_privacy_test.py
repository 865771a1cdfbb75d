#!/usr/bin/python3
"""What the host side of an end-to-end room can see: nothing of what members say.

Real parts only: a redis-server of its own, watched by `redis-cli MONITOR`; a
privatechat-server on it (TLS by default, chatty logs); a TCP proxy that records every byte
between one member's client and the host (that member talks plain ws:// on loopback, so the
recording shows each frame as it is); privatechat-cli as creator and members.

Shown:
  * a marker text and a marker name are read by the other members, and are found nowhere
    on the host side: not in any command Redis received, not in Redis afterwards, not in a
    core dump of the host (gcore), not in the host's log, not in any frame;
  * the room key (the invite's #k=) appears in no frame, no header, no command and no dump;
  * a message re-attributed to another member or moved to another room in Redis (what a
    modified host could do) is shown as undecryptable, not as someone else's words.

    e2e_privacy_test.py --server PATH --cli PATH
"""

import argparse
import asyncio
import base64
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fail(why):
    print("FAIL: " + why, flush=True)
    sys.exit(1)


def check(condition, why):
    if not condition:
        fail(why)
    print("ok: " + why, flush=True)


class Proxy(threading.Thread):
    """A TCP relay from a free port to the host that keeps every byte, both ways."""

    def __init__(self, target_port):
        super().__init__(daemon=True)
        self.port = free_port()
        self.target = target_port
        self.up = bytearray()    # client -> host
        self.down = bytearray()  # host -> client
        self.ready = threading.Event()

    def run(self):
        asyncio.run(self.serve())

    async def serve(self):
        async def pipe(reader, writer, sink):
            try:
                while data := await reader.read(65536):
                    sink.extend(data)
                    writer.write(data)
                    await writer.drain()
            except (ConnectionError, asyncio.CancelledError):
                pass
            finally:
                writer.close()

        async def on_client(client_reader, client_writer):
            host_reader, host_writer = await asyncio.open_connection("127.0.0.1", self.target)
            await asyncio.gather(pipe(client_reader, host_writer, self.up),
                                 pipe(host_reader, client_writer, self.down))

        server = await asyncio.start_server(on_client, "127.0.0.1", self.port)
        self.ready.set()
        async with server:
            await server.serve_forever()


class Member:
    """privatechat-cli --join LINK: JSON lines out, stdin lines in as messages."""

    def __init__(self, cli, link, name, env):
        self.lines = []
        self.errors = []
        self.proc = subprocess.Popen([cli, "--join", link, "--name", name, "--stay"],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, env=env)
        threading.Thread(target=self._read, args=(self.proc.stdout, self.lines), daemon=True).start()
        threading.Thread(target=self._read, args=(self.proc.stderr, self.errors), daemon=True).start()

    @staticmethod
    def _read(stream, into):
        for raw in stream:
            into.append(raw.decode("utf-8", "replace").rstrip("\n"))

    def say(self, text):
        self.proc.stdin.write((text + "\n").encode())
        self.proc.stdin.flush()

    def wait_for(self, predicate, what, timeout=15):
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
        fail("%s: not seen within %d s; stdout %s; stderr %s" % (what, timeout, self.lines, self.errors))

    def stop(self):
        self.proc.kill()
        self.proc.wait()


def create_room(cli, server_args, env):
    out = subprocess.run([cli, "--create", "--ttl", "600", "--max", "10"] + server_args,
                         capture_output=True, text=True, env=env, timeout=30)
    if out.returncode != 0:
        fail("--create failed: " + out.stderr)
    return out.stdout.strip().splitlines()[0]


def redis_cli(port, *args):
    return subprocess.run(["redis-cli", "-p", str(port), "--no-raw"] + list(args),
                          capture_output=True, text=True, timeout=10).stdout


def redis_raw(port, *args):
    return subprocess.run(["redis-cli", "-p", str(port), "--raw"] + list(args),
                          capture_output=True, timeout=10).stdout


def dump_redis(port):
    """Every key and every value, as bytes."""
    out = bytearray()
    for key in redis_raw(port, "--scan").decode().split():
        kind = redis_raw(port, "TYPE", key).decode().strip()
        out += key.encode() + b"\n"
        if kind == "string":
            out += redis_raw(port, "GET", key)
        elif kind == "hash":
            out += redis_raw(port, "HGETALL", key)
        elif kind == "list":
            out += redis_raw(port, "LRANGE", key, "0", "-1")
        elif kind == "set":
            out += redis_raw(port, "SMEMBERS", key)
        elif kind == "zset":
            out += redis_raw(port, "ZRANGE", key, "0", "-1", "WITHSCORES")
    return bytes(out)


def websocket_payloads(stream):
    """The HTTP head and every frame's payload, unmasked (a client masks what it sends, so the
    raw bytes would hide a secret from a plain search)."""
    head_end = stream.find(b"\r\n\r\n")
    if head_end < 0:
        return bytes(stream)
    out = bytearray(stream[:head_end + 4])
    i = head_end + 4
    while i + 2 <= len(stream):
        b1 = stream[i + 1]
        length = b1 & 0x7F
        i += 2
        if length == 126:
            length = int.from_bytes(stream[i:i + 2], "big")
            i += 2
        elif length == 127:
            length = int.from_bytes(stream[i:i + 8], "big")
            i += 8
        mask = None
        if b1 & 0x80:
            mask = stream[i:i + 4]
            i += 4
        payload = stream[i:i + length]
        i += length
        if mask:
            payload = bytes(c ^ mask[n % 4] for n, c in enumerate(payload))
        out += payload + b"\n"
    return bytes(out)


def forms(text):
    """The ways a secret could appear: as it is, in UTF-16 (Qt's QString), JSON-escaped."""
    raw = text.encode()
    return [raw, text.encode("utf-16-le"), json.dumps(text).encode()[1:-1]]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--server", required=True)
    ap.add_argument("--cli", required=True)
    args = ap.parse_args()
    for tool in ("redis-server", "redis-cli", "gcore"):
        if not shutil.which(tool):
            fail("%s is missing (scripts/packages.txt installs it)" % tool)

    work = tempfile.mkdtemp(prefix="pc-privacy-")
    procs = []
    try:
        run(args, work, procs)
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()
        shutil.rmtree(work, ignore_errors=True)


def run(args, work, procs):
    env = dict(os.environ, QT_LOGGING_RULES="pc.*=true")  # the host's every log line
    marker = "MARKER-" + secrets.token_hex(8)
    name_marker = "NAME-" + secrets.token_hex(6)

    redis_port = free_port()
    redis = subprocess.Popen(["redis-server", "--port", str(redis_port), "--bind", "127.0.0.1",
                              "--save", "", "--appendonly", "no", "--dir", work],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    procs.append(redis)
    for _ in range(100):
        if redis_cli(redis_port, "PING").strip() == "PONG":
            break
        time.sleep(0.05)
    monitor_file = open(os.path.join(work, "monitor.log"), "wb")
    monitor = subprocess.Popen(["redis-cli", "-p", str(redis_port), "MONITOR"], stdout=monitor_file)
    procs.append(monitor)

    host_port = free_port()
    host_log = open(os.path.join(work, "host.log"), "wb")
    host = subprocess.Popen([args.server, "--listen", "127.0.0.1:%d" % host_port,
                             "--redis", "redis://127.0.0.1:%d" % redis_port,
                             "--identity", os.path.join(work, "identity")],
                            stdout=subprocess.PIPE, stderr=host_log, env=env)
    procs.append(host)
    listening = host.stdout.readline().decode().strip()
    check(listening == "listening on wss://127.0.0.1:%d/api/realtime" % host_port,
          "the host serves wss:// by default (%s)" % listening)
    fp_line = host.stdout.readline().decode().strip()
    m = re.fullmatch(r"fingerprint: ([A-Za-z0-9_-]{43})", fp_line)
    check(m is not None, "the host prints its fingerprint (%s)" % fp_line)
    fingerprint = m.group(1)

    proxy = Proxy(host_port)
    proxy.start()
    proxy.ready.wait(5)

    # The creator over TLS, pinned: the invite carries the pin and the key.
    invite = create_room(args.cli, ["--server", "127.0.0.1:%d" % host_port,
                                    "--fingerprint", fingerprint], env)
    m = re.fullmatch(r"privatechat://127\.0\.0\.1:(\d+)/([A-Za-z0-9_-]{21})\?fp=([A-Za-z0-9_-]{43})#k=([A-Za-z0-9_-]{43})", invite)
    check(m is not None and m.group(3) == fingerprint, "--create prints the pinned invite with its key")
    room, key = m.group(2), m.group(4)
    key_bytes = base64.urlsafe_b64decode(key + "=")

    # Alice through the recording proxy (plain ws:// on loopback, so frames show as they are);
    # Bob over TLS with the pin.
    alice = Member(args.cli, "privatechat://127.0.0.1:%d/%s?plain=1#k=%s" % (proxy.port, room, key),
                   name_marker, env)
    joined = alice.wait_for(lambda o: o.get("status") == "joined", "alice joins")
    check(re.fullmatch(r"\d{4} \d{4} \d{4} \d{4}", joined.get("safetyCode", "")) is not None,
          "the CLI prints the safety code on join")
    bob = Member(args.cli, invite, "Bob", env)
    bob_joined = bob.wait_for(lambda o: o.get("status") == "joined", "bob joins")
    alice.wait_for(lambda o: o.get("event") == "presence.join", "alice sees bob join")

    alice.say("hello " + marker)
    got = bob.wait_for(lambda o: o.get("event") == "chat.message", "bob gets alice's message")
    check(got.get("e2e") is True and got["data"].get("text") == "hello " + marker
          and got["data"].get("sender") == name_marker,
          "bob reads alice's text and name, decrypted (%s)" % json.dumps(got))
    alice.wait_for(lambda o: o.get("event") == "chat.message", "alice gets her own message back")
    # The code covers the host's identity: alice's plain path has none to compare, bob's has.
    check(bob_joined.get("safetyCode") != joined.get("safetyCode"),
          "the safety code differs between a pinned and an unpinned path to the host")

    # Everything the host side holds, while the room is alive.
    core = os.path.join(work, "host.core")
    subprocess.run(["gcore", "-o", core, str(host.pid)], capture_output=True, timeout=120)
    core_files = [f for f in os.listdir(work) if f.startswith("host.core")]
    check(core_files, "gcore dumped the host's memory")
    core_bytes = open(os.path.join(work, core_files[0]), "rb").read()
    check(len(core_bytes) > 1_000_000, "the core dump holds the host's memory (%d bytes)" % len(core_bytes))
    redis_bytes = dump_redis(redis_port)
    check(b"sealedName" in redis_bytes or b"ciphertext" in redis_bytes,
          "Redis holds the room's sealed values (the dump works)")

    # --- tampering, done to Redis as a modified host would: then a new member reads history.
    stored = redis_raw(redis_port, "LRANGE", "messages:{%s}" % room, "0", "-1").decode().split("\n")
    stored = [s for s in stored if s.startswith("{")]
    check(len(stored) == 1, "one message is stored")
    message = json.loads(stored[0])
    reattributed = dict(message, participantId="X" * len(message["participantId"]))
    redis_cli(redis_port, "LSET", "messages:{%s}" % room, "0", json.dumps(reattributed, separators=(",", ":")))
    carol = Member(args.cli, invite, "Carol", env)
    seen = carol.wait_for(lambda o: o.get("event") == "chat.message", "carol gets the history")
    check(seen.get("e2e") is True and seen["data"].get("error") == "undecryptable"
          and not seen["data"].get("text"),
          "a message re-attributed by the host is shown as undecryptable (%s)" % json.dumps(seen))
    carol.stop()

    other = create_room(args.cli, ["--server", "127.0.0.1:%d" % host_port,
                                   "--fingerprint", fingerprint], env)
    other_room = re.search(r"/([A-Za-z0-9_-]{21})\?", other).group(1)
    dave = Member(args.cli, "privatechat://127.0.0.1:%d/%s?fp=%s#k=%s" % (host_port, other_room, fingerprint, key),
                  "Dave", env)
    dave.wait_for(lambda o: o.get("status") == "joined", "dave joins the other room (with the first room's key)")
    dave.say("filler")
    dave.wait_for(lambda o: o.get("event") == "chat.message", "dave's own message")
    moved = dict(message, roomId=other_room, seq=1)
    redis_cli(redis_port, "LSET", "messages:{%s}" % other_room, "0", json.dumps(moved, separators=(",", ":")))
    erin = Member(args.cli, "privatechat://127.0.0.1:%d/%s?fp=%s#k=%s" % (host_port, other_room, fingerprint, key),
                  "Erin", env)
    seen = erin.wait_for(lambda o: o.get("event") == "chat.message", "erin gets the other room's history")
    check(seen["data"].get("error") == "undecryptable",
          "a message moved to another room is undecryptable there, even with its own key (%s)" % json.dumps(seen))
    for m_ in (erin, dave, carol, alice, bob):
        m_.stop()

    host.send_signal(signal.SIGTERM)
    host.wait(timeout=15)
    monitor.terminate()
    monitor.wait()
    monitor_file.close()
    host_log.close()
    monitor_bytes = open(os.path.join(work, "monitor.log"), "rb").read()
    log_bytes = open(os.path.join(work, "host.log"), "rb").read()
    check(b"EVALSHA" in monitor_bytes or b"evalsha" in monitor_bytes,
          "MONITOR recorded the host's commands (%d bytes)" % len(monitor_bytes))
    check(len(log_bytes) > 0, "the host logged (%d bytes)" % len(log_bytes))
    frames = websocket_payloads(bytes(proxy.up)) + websocket_payloads(bytes(proxy.down))
    check(b"GET /api/realtime" in frames and b'"op":"messages.send"' in frames,
          "the proxy recorded alice's upgrade request and frames (%d bytes)" % len(frames))

    # The searches can find what is there: the stored ciphertext is in each place it passed.
    sealed = message["ciphertext"].encode()
    check(sealed in monitor_bytes and sealed in frames and sealed in core_bytes,
          "the message's ciphertext is found in MONITOR, alice's frames and the core dump")
    places = {"Redis commands (MONITOR)": monitor_bytes, "Redis afterwards": redis_bytes,
              "the host's core dump": core_bytes, "the host's log": log_bytes,
              "alice's frames, both ways": frames,
              "alice's raw bytes, both ways": bytes(proxy.up) + bytes(proxy.down)}
    secrets_ = {"the marker text": forms(marker), "the marker name": forms(name_marker),
                "the room key": forms(key) + [key_bytes]}
    for what, patterns in secrets_.items():
        for where, data in places.items():
            check(not any(p in data for p in patterns), "%s is not in %s" % (what, where))
    print("PASS", flush=True)


if __name__ == "__main__":
    main()
