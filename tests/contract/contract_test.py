#!/usr/bin/python3
"""Independent conformance suite for a Private Chat room host (wire protocol v1).

Written against the contract (docs/protocol.md, "Private Chat wire protocol —
version 1") only, as a third-party client author would: it starts the server
binary itself, talks to it over WebSocket, and (in two-hosts mode) inspects the
shared Redis from outside.

    /usr/bin/python3 contract_test.py --server PATH --mode single|two-hosts [--schema FILE]

With --schema (the build's generated/schema.json), it first checks that the host's own schema
names exactly the ops, events, error codes and limits this suite was written against.

Prints one line per check (`PASS name` / `FAIL name: what differed`) and ends with
`N passed, M failed`. Exit status 0 only if every check passed.

Needs only the standard library plus Debian's python3-websockets (10.x), and
Debian's redis-server for --mode two-hosts.
"""

import argparse
import asyncio
import json
import os
import queue
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

try:
    import websockets
    from websockets.exceptions import ConnectionClosed
except ImportError:  # pragma: no cover
    print("FAIL setup: python3-websockets is missing (apt-get install python3-websockets; "
          "run with /usr/bin/python3)")
    print("0 passed, 1 failed")
    sys.exit(1)

MAX_SAFE = 2 ** 53 - 1
ROOM_ID_RE = re.compile(r"[A-Za-z0-9_-]{21}")
ROOM_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"
ERROR_CODES = {"bad-request", "unknown-op", "too-large", "room-not-found", "unauthorized",
               "room-full", "rate-limited", "unavailable", "internal"}
# The contract's tables as this suite knows them (compared with the host's schema dump).
CONTRACT_OPS = {"room.create": "open", "room.join": "open", "room.leave": "member",
                "room.ttl": "member", "room.info": "member", "room.destroy": "member",
                "messages.send": "member", "messages.list": "member", "subscribe": "member",
                "unsubscribe": "open"}
CONTRACT_EVENTS = {"chat.message", "chat.destroy", "presence.join", "presence.leave", "room.resync"}
CONTRACT_LIMITS = {"maxNameLength": 100, "maxTextLength": 1000, "maxClientMsgIdLength": 64,
                   "maxIncomingMessageBytes": 65536, "maxOutgoingQueueBytes": 1048576,
                   "minTtl": 5, "maxTtl": 604800, "defaultTtl": 600, "minParticipants": 2,
                   "maxParticipants": 100, "defaultParticipants": 2, "maxListLimit": 1000,
                   "historyLength": 1000, "roomIdLength": 21, "idleTimeoutMs": 60000,
                   "maxSafeInteger": MAX_SAFE, "maxStringIdLength": 64}
NAMES = ["Alice", "Bob", "Carol", "Dave", "Erin", "Frank", "Grace", "Heidi", "Ivan", "Judy",
         "Mallet", "Niaj", "Olivia", "Peggy"]
QUIET = 0.8          # seconds we wait to be sure an event does NOT arrive
RUN_BUDGET = 175.0   # whole run, seconds (the brief: < 3 minutes)
MISSING = object()

CHILDREN = []        # Popen objects we started; each leads its own process group
ALL_CLIENTS = []     # every WebSocket client of the run (their frames feed the privacy check)
TOKENS = {}          # every token a room.join reply ever granted -> description


class CheckFail(Exception):
    pass


class SetupError(Exception):
    pass


def short(x, n=300):
    if isinstance(x, (bytes, bytearray)):
        s = repr(bytes(x[:n]))
    elif isinstance(x, str):
        s = x
    else:
        try:
            s = json.dumps(x, ensure_ascii=False)
        except Exception:
            s = repr(x)
    return s if len(s) <= n else s[:n] + "…(%d chars)" % len(s)


def same_json(a, b):
    """Equality of JSON values that also distinguishes int/float/bool."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same_json(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same_json(x, y) for x, y in zip(a, b))
    return a == b


def has_fields(d, want):
    """d is an object holding at least want's fields with equal values (extra optional
    fields are an allowed additive extension)."""
    return isinstance(d, dict) and all(k in d and same_json(d[k], v) for k, v in want.items())


def is_int(v):
    return type(v) is int


def now_ms():
    return int(time.time() * 1000)


def random_room_id():
    return "".join(secrets.choice(ROOM_ALPHABET) for _ in range(21))


def is_err(reply, code):
    return (isinstance(reply, dict) and reply.get("ok") is False
            and isinstance(reply.get("error"), dict) and reply["error"].get("code") == code)


def code_of(reply):
    if isinstance(reply, dict):
        if reply.get("ok") is True:
            return "ok"
        if isinstance(reply.get("error"), dict):
            return reply["error"].get("code")
    return "?"


# --------------------------------------------------------------------------------------
# Child processes
# --------------------------------------------------------------------------------------

def spawn(argv, stdout, stderr):
    p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=stdout, stderr=stderr,
                         start_new_session=True)
    CHILDREN.append(p)
    return p


def kill_children():
    for p in CHILDREN:
        try:
            os.killpg(p.pid, signal.SIGTERM)
        except (ProcessLookupError, PermissionError):
            pass
    deadline = time.time() + 3
    for p in CHILDREN:
        try:
            p.wait(timeout=max(0.05, deadline - time.time()))
        except subprocess.TimeoutExpired:
            pass
    for p in CHILDREN:
        try:
            os.killpg(p.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        try:
            p.wait(timeout=1)
        except Exception:
            pass
    CHILDREN.clear()


class Server:
    """One privatechat-server process; its stdout is pumped by a thread."""

    def __init__(self, binary, name, extra, logdir):
        self.name = name
        self.argv = [binary, "--listen", "127.0.0.1:0"] + extra
        self.errpath = os.path.join(logdir, name + ".stderr")
        self.err = open(self.errpath, "wb")
        self.p = spawn(self.argv, subprocess.PIPE, self.err)
        self.lines = []
        self.q = queue.Queue()
        self.url = None
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self):
        for line in iter(self.p.stdout.readline, b""):
            s = line.decode("utf-8", "replace").rstrip("\r\n")
            self.lines.append(s)
            self.q.put(s)
        self.q.put(None)

    def stderr_tail(self, n=600):
        try:
            with open(self.errpath, "rb") as f:
                data = f.read()
            return data[-n:].decode("utf-8", "replace")
        except OSError:
            return ""

    def wait_ready(self, deadline):
        while True:
            rem = deadline - time.time()
            try:
                s = self.q.get(timeout=max(0.01, rem))
            except queue.Empty:
                raise SetupError("%s (%s) printed no 'listening on ws://HOST:PORT/api/realtime' line "
                                 "in time; stdout so far %r; stderr tail %r"
                                 % (self.name, " ".join(self.argv), self.lines, self.stderr_tail()))
            if s is None:
                raise SetupError("%s (%s) exited with status %s before listening; stdout %r; "
                                 "stderr tail %r" % (self.name, " ".join(self.argv), self.p.wait(),
                                                     self.lines, self.stderr_tail()))
            m = re.fullmatch(r"listening on (wss?://[^/\s]+/api/realtime)", s)
            if m:
                self.url = m.group(1)
                if self.url.startswith("wss://"):
                    # Then the host's pin: "fingerprint: FP".
                    try:
                        line = self.q.get(timeout=max(0.01, deadline - time.time()))
                    except queue.Empty:
                        line = None
                    f = re.fullmatch(r"fingerprint: ([A-Za-z0-9_-]{43})", line or "")
                    if not f:
                        raise SetupError("%s printed %r after its wss:// line, not 'fingerprint: FP'"
                                         % (self.name, line))
                    self.fingerprint = f.group(1)
                    PINS[self.url] = self.fingerprint
                    if not TLS["on"]:
                        # Loopback clients may speak plain ws:// to a TLS host (v1's transport).
                        self.url = "ws://" + self.url[len("wss://"):]
                return


# --------------------------------------------------------------------------------------
# A minimal RESP client (binary-safe) for inspecting the shared Redis from outside
# --------------------------------------------------------------------------------------

class RedisError(Exception):
    pass


class Redis:
    def __init__(self, path):
        self.path = path
        self.lock = asyncio.Lock()
        self.r = self.w = None

    async def connect(self):
        self.r, self.w = await asyncio.open_unix_connection(self.path)

    def close(self):
        if self.w:
            self.w.close()

    @staticmethod
    def encode(args):
        out = [b"*%d\r\n" % len(args)]
        for a in args:
            if isinstance(a, str):
                a = a.encode()
            elif isinstance(a, int):
                a = str(a).encode()
            out.append(b"$%d\r\n%s\r\n" % (len(a), a))
        return b"".join(out)

    async def read(self):
        line = await self.r.readline()
        if not line:
            raise RedisError("connection closed")
        t, rest = line[:1], line[1:-2]
        if t == b"+":
            return rest.decode()
        if t == b"-":
            return RedisError(rest.decode())
        if t == b":":
            return int(rest)
        if t == b"$":
            n = int(rest)
            if n < 0:
                return None
            return (await self.r.readexactly(n + 2))[:-2]
        if t == b"*":
            n = int(rest)
            if n < 0:
                return None
            return [await self.read() for _ in range(n)]
        raise RedisError("bad RESP type %r" % line)

    async def cmd(self, *args):
        async with self.lock:
            self.w.write(self.encode(args))
            await self.w.drain()
            return await asyncio.wait_for(self.read(), 5)

    async def all_keys(self):
        keys, cursor = [], b"0"
        while True:
            cursor, batch = await self.cmd("SCAN", cursor, "COUNT", 1000)
            keys.extend(batch)
            if cursor in (b"0", "0"):
                return keys

    async def keys_with(self, text):
        t = text.encode()
        return [k for k in await self.all_keys() if t in k]

    async def values_of(self, key):
        """Every byte string stored under key: type-specific reads plus DUMP."""
        typ = await self.cmd("TYPE", key)
        vals = []
        if typ == "string":
            vals.append(await self.cmd("GET", key))
        elif typ == "hash":
            vals.extend(await self.cmd("HGETALL", key))
        elif typ == "list":
            vals.extend(await self.cmd("LRANGE", key, 0, -1))
        elif typ == "set":
            vals.extend(await self.cmd("SMEMBERS", key))
        elif typ == "zset":
            vals.extend(await self.cmd("ZRANGE", key, 0, -1, "WITHSCORES"))
        elif typ == "stream":
            def flat(x):
                if isinstance(x, list):
                    for y in x:
                        yield from flat(y)
                elif isinstance(x, bytes):
                    yield x
            vals.extend(flat(await self.cmd("XRANGE", key, "-", "+")))
        d = await self.cmd("DUMP", key)
        if isinstance(d, bytes):
            vals.append(d)
        return typ, [v for v in vals if isinstance(v, bytes)]


# --------------------------------------------------------------------------------------
# WebSocket client that records every frame it receives
# --------------------------------------------------------------------------------------

class Frame:
    __slots__ = ("t", "raw", "msg", "binary", "allowed", "op")

    def __init__(self, raw, binary):
        self.t = time.time()
        self.binary = binary
        self.raw = raw.decode("utf-8", "replace") if binary else raw
        try:
            self.msg = json.loads(self.raw)
        except Exception:
            self.msg = None
        self.allowed = ()   # tokens this frame may legitimately contain
        self.op = None      # the op this frame replies to (when we know it)


def raw_ws_frame(opcode, payload, fin=True):
    """A masked client frame built by hand (for protocol-error checks)."""
    b0 = (0x80 if fin else 0) | opcode
    n = len(payload)
    if n < 126:
        hdr = bytes([b0, 0x80 | n])
    elif n < 65536:
        hdr = bytes([b0, 0x80 | 126]) + n.to_bytes(2, "big")
    else:
        hdr = bytes([b0, 0x80 | 127]) + n.to_bytes(8, "big")
    mask = os.urandom(4)
    return hdr + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload))


# --tls: every client speaks wss:// and accepts only the certificate the host printed.
TLS = {"on": False}
PINS = {}  # wss URL -> the fingerprint its host printed


def tls_context(url):
    if not url.startswith("wss://"):
        return None
    import ssl
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE  # the pin below decides, as the project's clients do
    return ctx


def check_pin(url, ssl_object):
    import base64 as b64
    import hashlib
    der = ssl_object.getpeercert(binary_form=True)
    got = b64.urlsafe_b64encode(hashlib.sha256(der).digest()).rstrip(b"=").decode()
    if got != PINS.get(url):
        raise CheckFail("%s: the certificate is not the pinned one (%s, want %s)" % (url, got, PINS.get(url)))


async def ws_connect(url, **kwargs):
    ws = await websockets.connect(url, ssl=tls_context(url), **kwargs)
    if url.startswith("wss://"):
        check_pin(url, ws.transport.get_extra_info("ssl_object"))
    return ws


class Client:
    def __init__(self, url, label):
        self.url = url
        self.label = label
        self.frames = []
        self.closed = False
        self.close_code = None
        self.close_t = None
        self.ws = None
        self.task = None
        self._ev = asyncio.Event()
        self._n = 0
        self.sent = {}   # json(id) -> (op, token sent, frame index at send time)

    async def open(self, want_hello=True):
        try:
            self.ws = await asyncio.wait_for(ws_connect(
                self.url, compression=None, max_size=2 ** 24, ping_interval=None,
                close_timeout=1, open_timeout=5), 6)
        except Exception as e:
            raise CheckFail("%s: cannot connect to %s: %s: %s" % (self.label, self.url, type(e).__name__, e))
        ALL_CLIENTS.append(self)
        self.task = asyncio.ensure_future(self._reader())
        if want_hello:
            await self.wait_frame(lambda f: True, 5, "hello frame")

    def _notify(self):
        self._ev.set()
        self._ev = asyncio.Event()

    async def _reader(self):
        try:
            async for m in self.ws:
                f = Frame(m, isinstance(m, bytes))
                msg = f.msg
                if isinstance(msg, dict) and msg.get("type") == "reply" and "id" in msg:
                    key = self._key(msg["id"])
                    if key in self.sent:
                        op, tok, _ = self.sent[key]
                        f.op = op
                        if op == "room.join":
                            allowed = set()
                            if isinstance(tok, str):
                                allowed.add(tok)
                            d = msg.get("data")
                            if msg.get("ok") is True and isinstance(d, dict) and isinstance(d.get("token"), str):
                                allowed.add(d["token"])
                                TOKENS.setdefault(d["token"], "%s (%s)" % (d.get("name"), self.label))
                            f.allowed = tuple(allowed)
                self.frames.append(f)
                self._notify()
        except ConnectionClosed:
            pass
        except Exception:
            pass
        finally:
            self.closed = True
            self.close_code = self.ws.close_code
            self.close_t = time.time()
            self._notify()

    @staticmethod
    def _key(id_):
        try:
            return type(id_).__name__ + ":" + json.dumps(id_, sort_keys=True)
        except Exception:
            return repr(id_)

    def new_id(self):
        self._n += 1
        return self._n if self._n % 3 else "%s-%d" % (self.label[-6:], self._n)

    async def wait_change(self, timeout):
        ev = self._ev
        try:
            await asyncio.wait_for(ev.wait(), max(0.0, timeout))
        except asyncio.TimeoutError:
            pass

    async def wait_frame(self, pred, timeout, what, start=0):
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        i = start
        while True:
            while i < len(self.frames):
                f = self.frames[i]
                i += 1
                if pred(f):
                    return f
            if self.closed:
                raise CheckFail("%s: connection closed (code %s) while waiting for %s"
                                % (self.label, self.close_code, what))
            rem = deadline - loop.time()
            if rem <= 0:
                raise CheckFail("%s: no %s within %.1fs" % (self.label, what, timeout))
            await self.wait_change(rem)

    async def wait_closed(self, timeout):
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not self.closed and loop.time() < deadline:
            await self.wait_change(deadline - loop.time())
        return self.closed

    async def send_raw(self, data):
        """Send a text (str), binary (bytes) or fragmented (list) message; note join requests."""
        if isinstance(data, str):
            try:
                obj = json.loads(data)
            except Exception:
                obj = None
            if isinstance(obj, dict) and "id" in obj:
                self.sent[self._key(obj["id"])] = (obj.get("op"), obj.get("token"), len(self.frames))
        try:
            await self.ws.send(data)
        except ConnectionClosed:
            raise CheckFail("%s: connection already closed (code %s) when sending %s"
                            % (self.label, self.ws.close_code, short(data, 120)))

    async def send_req(self, op, params=None, id_=MISSING):
        if id_ is MISSING:
            id_ = self.new_id()
        msg = {"id": id_, "op": op}
        msg.update(params or {})
        await self.send_raw(json.dumps(msg, ensure_ascii=False))
        return id_

    async def wait_reply(self, id_, timeout=5, what=None):
        key = self._key(id_)
        start = self.sent.get(key, (None, None, 0))[2]
        f = await self.wait_frame(
            lambda f: isinstance(f.msg, dict) and f.msg.get("type") == "reply" and "id" in f.msg
            and self._key(f.msg["id"]) == key, timeout, what or "reply to id %s" % short(id_), start)
        return f.msg

    async def req(self, op, params=None, timeout=5, id_=MISSING):
        id_ = await self.send_req(op, params, id_)
        return await self.wait_reply(id_, timeout, "reply to %s (id %s)" % (op, short(id_)))

    async def raw_req(self, data, timeout=5, what=None):
        """Send anything, return the next reply frame (for inputs whose id may not be echoed)."""
        mark = len(self.frames)
        await self.send_raw(data)
        f = await self.wait_frame(lambda f: isinstance(f.msg, dict) and f.msg.get("type") == "reply",
                                  timeout, what or "reply to %s" % short(data, 80), mark)
        return f.msg

    def events(self, name=None, channel=None, start=0):
        out = []
        for f in self.frames[start:]:
            m = f.msg
            if isinstance(m, dict) and m.get("type") == "event":
                if (name is None or m.get("event") == name) and (channel is None or m.get("channel") == channel):
                    out.append(m)
        return out

    async def wait_events(self, n, name=None, channel=None, timeout=5, start=0):
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            evs = self.events(name, channel, start)
            if len(evs) >= n or self.closed or loop.time() >= deadline:
                return evs
            await self.wait_change(deadline - loop.time())

    async def close(self):
        if self.ws is not None:
            try:
                await asyncio.wait_for(self.ws.close(), 2)
            except Exception:
                pass
        if self.task is not None:
            try:
                await asyncio.wait_for(self.task, 1)
            except Exception:
                self.task.cancel()


class Member:
    def __init__(self, client, room_id, join_data, name):
        self.c = client
        self.room = room_id
        self.join = join_data
        self.token = join_data["token"]
        self.pid = join_data["participantId"]
        self.name = name

    def params(self, op, kw):
        if op in ("subscribe", "unsubscribe"):
            p = {"channel": self.room, "token": self.token}
        else:
            p = {"roomId": self.room, "token": self.token}
        p.update(kw)
        return p

    async def call(self, op, timeout=5, **kw):
        return await self.c.req(op, self.params(op, kw), timeout)

    async def send_nowait(self, op, **kw):
        return await self.c.send_req(op, self.params(op, kw))


class Room:
    def __init__(self, create_data):
        self.create = create_data
        self.id = create_data["roomId"]
        self.expires = create_data.get("expiresAt")
        self.members = []


# --------------------------------------------------------------------------------------
# Check context
# --------------------------------------------------------------------------------------

class TcpRedis(Redis):
    def __init__(self, host, port):
        super().__init__(None)
        self.addr = (host, port)

    async def connect(self):
        self.r, self.w = await asyncio.open_connection(*self.addr)


class ClusterRedis(Redis):
    """A Redis Cluster the caller runs (--redis-url redis+cluster://…): a command follows MOVED
    to the node that owns its key; SCAN and PUBSUB SHARDCHANNELS ask every master."""

    def __init__(self, seeds):
        super().__init__(None)
        self.seeds = seeds
        self.nodes = {}

    async def node(self, addr):
        if addr not in self.nodes:
            n = TcpRedis(*addr)
            await n.connect()
            self.nodes[addr] = n
        return self.nodes[addr]

    async def connect(self):
        await self.node(self.seeds[0])

    async def masters(self):
        ranges = await (await self.node(self.seeds[0])).cmd("CLUSTER", "SLOTS")
        return sorted({(r[2][0].decode() or self.seeds[0][0], r[2][1]) for r in ranges})

    async def cmd(self, *args):
        addr, reply = self.seeds[0], None
        for _ in range(5):
            reply = await (await self.node(addr)).cmd(*args)
            if not (isinstance(reply, RedisError) and str(reply).startswith("MOVED ")):
                break
            host, port = str(reply).split()[2].rsplit(":", 1)
            addr = (host, int(port))
        return reply

    async def all_keys(self):
        keys = []
        for addr in await self.masters():
            n, cursor = await self.node(addr), b"0"
            while True:
                cursor, batch = await n.cmd("SCAN", cursor, "COUNT", 1000)
                keys.extend(batch)
                if cursor in (b"0", "0"):
                    break
        return keys

    def close(self):
        for n in self.nodes.values():
            n.close()


def cluster_seeds(url):
    """The seed nodes of redis+cluster://host:port[,host:port…], or None for another URL."""
    if not url.startswith("redis+cluster://"):
        return None
    seeds = []
    for item in url[len("redis+cluster://"):].rstrip("/").split(","):
        host, _, port = item.rpartition(":")
        seeds.append((host.strip("[]"), int(port)))
    return seeds


class RedisProcess:
    """The shared redis-server of two-hosts mode (ours: we may stop and restart it)."""

    def __init__(self, binary, sock, tmp):
        self.binary, self.sock, self.tmp = binary, sock, tmp
        self.p = None

    async def start(self):
        if os.path.exists(self.sock):
            os.unlink(self.sock)
        log = open(os.path.join(self.tmp, "redis.log"), "ab")
        self.p = spawn([self.binary, "--port", "0", "--unixsocket", self.sock, "--save", "", "--appendonly", "no"],
                       log, subprocess.STDOUT)
        deadline = time.time() + 10
        while True:
            if os.path.exists(self.sock):
                try:
                    r = Redis(self.sock)
                    await r.connect()
                    if await r.cmd("PING") == "PONG":
                        return r
                except Exception:
                    pass
            if time.time() > deadline or self.p.poll() is not None:
                raise SetupError("redis-server did not come up on %s" % self.sock)
            await asyncio.sleep(0.05)

    def stop(self):
        self.p.terminate()
        try:
            self.p.wait(5)
        except subprocess.TimeoutExpired:
            self.p.kill()
            self.p.wait(2)


class Env:
    redis_ctl = None

    def __init__(self, mode, urls, rate_url, idle_url, redis, servers):
        self.mode = mode
        self.urls = urls
        self.rate_url = rate_url
        self.idle_url = idle_url
        self.redis = redis
        self.servers = servers

    def url(self, host):
        return self.urls[host % len(self.urls)]


class Ctx:
    def __init__(self, env, name):
        self.env = env
        self.name = name
        self.problems = []
        self.clients = []
        self.step = ""

    async def client(self, host=0, url=None, hello=True):
        url = url or self.env.url(host)
        label = "%s#%d@h%d" % (self.name, len(self.clients), host % len(self.env.urls))
        c = Client(url, label)
        self.clients.append(c)
        await c.open(hello)
        return c

    async def close_clients(self):
        await asyncio.gather(*(c.close() for c in self.clients), return_exceptions=True)

    def expect(self, cond, msg):
        if not cond:
            self.problems.append(msg)
        return bool(cond)

    def data(self, reply, what):
        if not (isinstance(reply, dict) and reply.get("ok") is True and isinstance(reply.get("data"), dict)):
            raise CheckFail("%s: expected an ok reply with data, got %s" % (what, short(reply)))
        return reply["data"]

    def soft_data(self, reply, what):
        if not (isinstance(reply, dict) and reply.get("ok") is True and isinstance(reply.get("data"), dict)):
            self.problems.append("%s: expected an ok reply with data, got %s" % (what, short(reply)))
            return None
        return reply["data"]

    def err(self, reply, code, what, id_=MISSING):
        if not is_err(reply, code):
            self.problems.append("%s: expected error %s, got %s" % (what, code, short(reply)))
            return False
        if id_ is not MISSING and not ("id" in reply and same_json(reply["id"], id_)):
            self.problems.append("%s: expected id %s echoed, got id %s"
                                 % (what, short(id_), short(reply.get("id", "<absent>"))))
            return False
        return True

    async def new_room(self, members=2, ttl=None, maxp=None, names=None, host0=0, sub=(), extra=None):
        c0 = await self.client(host0)
        p = {}
        if ttl is not None:
            p["ttl"] = ttl
        if maxp is not None:
            p["maxParticipants"] = maxp
        if extra:
            p.update(extra)
        room = Room(self.data(await c0.req("room.create", p), "room.create %s" % short(p)))
        for i in range(members):
            c = c0 if i == 0 else await self.client(host0 + i)
            nm = names[i] if names else NAMES[i]
            jd = self.data(await c.req("room.join", {"roomId": room.id, "name": nm}),
                           "room.join #%d of a new room" % i)
            if not isinstance(jd.get("token"), str) or not isinstance(jd.get("participantId"), str):
                raise CheckFail("room.join reply lacks token/participantId strings: %s" % short(jd))
            room.members.append(Member(c, room.id, jd, nm))
        for i in sub:
            self.data(await room.members[i].call("subscribe"), "subscribe of member %d" % i)
        return room

    async def probe(self, member, what):
        """The connection is still open and still answers ops. (The contract has no `ping`
        op, so a member's room.ttl is the probe.)"""
        r = await member.call("room.ttl")
        self.expect(is_int((r.get("data") or {}).get("ttl")) if r.get("ok") else False,
                    "after %s: room.ttl probe on the same connection failed: %s" % (what, short(r)))


CHECKS = []


def check(name, timeout=20, redis=False, final=False):
    """redis: reads the shared Redis; "ours": also stops it, so it must be the runner's own."""
    def deco(fn):
        CHECKS.append((name, fn, timeout, redis, final))
        return fn
    return deco


def msg_shape_problems(m, what):
    out = []
    if not isinstance(m, dict):
        return ["%s: message is not an object: %s" % (what, short(m))]
    for k, t in (("id", str), ("seq", int), ("roomId", str), ("participantId", str),
                 ("sender", str), ("text", str), ("timestamp", int)):
        if k not in m or type(m[k]) is not t:
            out.append("%s: message field %s missing or not %s: %s" % (what, k, t.__name__, short(m)))
    return out


# --------------------------------------------------------------------------------------
# Checks: handshake and transport
# --------------------------------------------------------------------------------------

@check("hello_frame")
async def _(ctx):
    for h in range(len(ctx.env.urls)):
        c = await ctx.client(h)
        f = c.frames[0]
        ctx.expect(not f.binary, "host %d: hello came as a binary frame" % h)
        m = f.msg
        good = (isinstance(m, dict) and m.get("type") == "hello" and is_int(m.get("protocol"))
                and m.get("protocol") == 1 and isinstance(m.get("server"), str)
                and re.fullmatch(r"privatechat/\S+", m["server"]) is not None)
        ctx.expect(good, 'host %d: first frame after the handshake was %s; expected '
                   '{"type":"hello","protocol":1,"server":"privatechat/<version>"}' % (h, short(f.raw)))


@check("ws_ping_answered")
async def _(ctx):
    c = await ctx.client(0)
    waiter = await c.ws.ping(b"contract")
    try:
        await asyncio.wait_for(waiter, 3)
    except asyncio.TimeoutError:
        ctx.problems.append("WebSocket ping got no pong within 3 s")


# --------------------------------------------------------------------------------------
# Checks: ops, success shapes
# --------------------------------------------------------------------------------------

@check("room_create_defaults")
async def _(ctx):
    c = await ctx.client(0)
    t0 = now_ms()
    d = ctx.data(await c.req("room.create", {}), "room.create {}")
    ctx.expect(isinstance(d.get("roomId"), str) and ROOM_ID_RE.fullmatch(d["roomId"]),
               "roomId %s is not 21 chars of [A-Za-z0-9_-]" % short(d.get("roomId")))
    ctx.expect(same_json(d.get("ttl"), 600), "default ttl: expected 600, got %s" % short(d.get("ttl")))
    ctx.expect(same_json(d.get("maxParticipants"), 2),
               "default maxParticipants: expected 2, got %s" % short(d.get("maxParticipants")))
    ea = d.get("expiresAt")
    ctx.expect(is_int(ea) and abs(ea - (t0 + 600000)) < 3000,
               "expiresAt %s is not ~now+600000 ms (now %d)" % (short(ea), t0))
    d2 = ctx.data(await c.req("room.create", {"someUnknownField": {"x": 1}}),
                  "room.create with an unknown field (must be ignored)")
    ctx.expect(d2.get("roomId") != d.get("roomId"), "two room.create gave the same roomId")


@check("room_create_params")
async def _(ctx):
    c = await ctx.client(0)
    for p, exp in (({"ttl": 5, "maxParticipants": 100}, (5, 100)),
                   ({"ttl": 604800, "maxParticipants": 2}, (604800, 2)),
                   ({"ttl": 5}, (5, 2)),
                   ({"maxParticipants": 7}, (600, 7))):
        t0 = now_ms()
        d = ctx.soft_data(await c.req("room.create", p), "room.create %s" % short(p))
        if d is None:
            continue
        ctx.expect(same_json(d.get("ttl"), exp[0]) and same_json(d.get("maxParticipants"), exp[1]),
                   "room.create %s: expected ttl %d maxParticipants %d, got %s" % (short(p), exp[0], exp[1], short(d)))
        ctx.expect(is_int(d.get("expiresAt")) and abs(d["expiresAt"] - (t0 + exp[0] * 1000)) < 3000,
                   "room.create %s: expiresAt %s is not ~now+%d s" % (short(p), short(d.get("expiresAt")), exp[0]))


@check("room_join_reply")
async def _(ctx):
    room = await ctx.new_room(members=0, maxp=3)
    a_c = await ctx.client(0)
    ja = ctx.data(await a_c.req("room.join", {"roomId": room.id, "name": "Alice"}), "room.join Alice")
    tok = ja.get("token")
    ctx.expect(isinstance(tok, str) and re.fullmatch(r"[A-Za-z0-9_.~=-]{22,}", tok),
               "token %s is not URL-safe text of >=128 bits" % short(tok))
    ctx.expect(isinstance(ja.get("participantId"), str) and ja["participantId"] != "",
               "participantId missing/empty: %s" % short(ja))
    ctx.expect(ja.get("name") == "Alice", "name: expected Alice, got %s" % short(ja.get("name")))
    ctx.expect(is_int(ja.get("ttl")) and 598 <= ja["ttl"] <= 600, "ttl: expected ~600, got %s" % short(ja.get("ttl")))
    ctx.expect(same_json(ja.get("expiresAt"), room.expires),
               "expiresAt %s differs from room.create's %s" % (short(ja.get("expiresAt")), room.expires))
    ctx.expect(same_json(ja.get("maxParticipants"), 3), "maxParticipants: expected 3, got %s" % short(ja.get("maxParticipants")))
    ctx.expect(same_json(ja.get("lastSeq"), 0), "lastSeq of a new room: expected 0, got %s" % short(ja.get("lastSeq")))
    parts = ja.get("participants")
    ctx.expect(isinstance(parts, list) and len(parts) == 1 and isinstance(parts[0], dict)
               and parts[0].get("participantId") == ja.get("participantId") and parts[0].get("name") == "Alice",
               "participants after first join: expected [{participantId: %s, name: Alice}], got %s"
               % (short(ja.get("participantId")), short(parts)))
    b_c = await ctx.client(1)
    jb = ctx.data(await b_c.req("room.join", {"roomId": room.id, "name": "Bob"}), "room.join Bob")
    ctx.expect(jb.get("participantId") != ja.get("participantId"), "two members got the same participantId")
    ctx.expect(jb.get("token") != tok, "two members got the same token")
    parts = jb.get("participants")
    got = sorted((p.get("participantId"), p.get("name")) for p in parts) if isinstance(parts, list) and all(isinstance(p, dict) for p in parts) else parts
    want = sorted([(ja.get("participantId"), "Alice"), (jb.get("participantId"), "Bob")])
    ctx.expect(got == want, "participants in Bob's join reply: expected %s, got %s" % (want, short(parts)))


@check("room_info_reply")
async def _(ctx):
    room = await ctx.new_room(members=2, maxp=4)
    a, b = room.members
    d = ctx.data(await a.call("room.info"), "room.info")
    ctx.expect(is_int(d.get("ttl")) and 590 <= d["ttl"] <= 600, "ttl: %s" % short(d.get("ttl")))
    ctx.expect(same_json(d.get("expiresAt"), room.expires), "expiresAt %s != %s" % (short(d.get("expiresAt")), room.expires))
    ctx.expect(same_json(d.get("maxParticipants"), 4), "maxParticipants %s != 4" % short(d.get("maxParticipants")))
    ctx.expect(same_json(d.get("lastSeq"), 0), "lastSeq %s != 0" % short(d.get("lastSeq")))
    parts = d.get("participants")
    got = sorted((p.get("participantId"), p.get("name")) for p in parts) if isinstance(parts, list) and all(isinstance(p, dict) for p in parts) else parts
    want = sorted([(a.pid, a.name), (b.pid, b.name)])
    ctx.expect(got == want, "participants: expected %s, got %s" % (want, short(parts)))
    ctx.data(await b.call("messages.send", text="one"), "messages.send")
    d = ctx.data(await b.call("room.info"), "room.info from the other host")
    ctx.expect(same_json(d.get("lastSeq"), 1), "lastSeq after one message: %s" % short(d.get("lastSeq")))


@check("room_ttl_rounded_up")
async def _(ctx):
    room = await ctx.new_room(members=1, ttl=600)
    a = room.members[0]
    # Wait until 599.3 s are left: rounded up that is 600 (down or to nearest: 599).
    await asyncio.sleep(max(0, (room.expires - 599300 - now_ms()) / 1000))
    d = ctx.data(await a.call("room.ttl"), "room.ttl")
    ctx.expect(set(d) >= {"ttl"} and same_json(d.get("ttl"), 600),
               "room.ttl with ~599.3 s left: expected 600 (whole seconds, rounded up), got %s" % short(d))
    d = ctx.data(await a.call("room.info"), "room.info")
    ctx.expect(same_json(d.get("ttl"), 600), "room.info ttl with ~599.3 s left: expected 600, got %s" % short(d.get("ttl")))
    await asyncio.sleep(max(0, (room.expires - 598600 - now_ms()) / 1000))
    d = ctx.data(await a.call("room.ttl"), "room.ttl")
    ctx.expect(same_json(d.get("ttl"), 599), "room.ttl with ~598.6 s left: expected 599, got %s" % short(d))


@check("room_leave_effects")
async def _(ctx):
    room = await ctx.new_room(members=2, maxp=2, sub=(0,))
    a, b = room.members
    c = await ctx.client(0)
    ctx.err(await c.req("room.join", {"roomId": room.id, "name": "Carol"}), "room-full",
            "room.join into a full room (2/2)")
    mark = len(a.c.frames)
    d = ctx.data(await b.call("room.leave"), "room.leave")
    # The contract shows `{}`; a new optional field would be an allowed extension,
    # so only "an ok reply with a data object" is checked (ctx.data did).
    evs = await a.c.wait_events(1, "presence.leave", room.id, 3, start=mark)
    ctx.expect(len(evs) == 1 and has_fields(evs[0].get("data"), {"participantId": b.pid, "name": b.name}),
               "subscriber expected one presence.leave {participantId:%s,name:%s}, got %s" % (b.pid, b.name, short(evs)))
    ctx.err(await b.call("room.info"), "unauthorized", "room.info with the token of a member who left")
    ctx.err(await b.call("messages.send", text="ghost"), "unauthorized", "messages.send with the token of a member who left")
    bc2 = await ctx.client(1)
    ctx.err(await bc2.req("room.join", {"roomId": room.id, "name": b.name, "token": b.token}), "unauthorized",
            "room.join (rejoin) with the token of a member who left")
    mark = len(a.c.frames)
    jc = ctx.soft_data(await c.req("room.join", {"roomId": room.id, "name": "Carol"}),
                       "room.join into the slot freed by room.leave")
    if jc:
        evs = await a.c.wait_events(1, "presence.join", room.id, 3, start=mark)
        ctx.expect(len(evs) == 1 and has_fields(evs[0].get("data"), {"participantId": jc.get("participantId"), "name": "Carol"}),
                   "presence.join for Carol: got %s" % short(evs))
    d = ctx.data(await a.call("room.info"), "room.info")
    names = sorted(p.get("name") for p in d.get("participants", []))
    ctx.expect(names == (["Alice", "Carol"] if jc else ["Alice"]), "participants after leave/join: %s" % names)
    lst = ctx.data(await a.call("messages.list"), "messages.list")
    ctx.expect(lst.get("messages") == [], "a send by a departed member was stored: %s" % short(lst))


@check("presence_join_event")
async def _(ctx):
    room = await ctx.new_room(members=1, maxp=3, sub=(0,))
    a = room.members[0]
    mark = len(a.c.frames)
    bc = await ctx.client(1)
    jb = ctx.data(await bc.req("room.join", {"roomId": room.id, "name": "Bob"}), "room.join Bob")
    evs = await a.c.wait_events(1, "presence.join", None, 3, start=mark)
    ctx.expect(len(evs) == 1 and evs[0].get("channel") == room.id
               and has_fields(evs[0].get("data"), {"participantId": jb.get("participantId"), "name": "Bob"}),
               "expected one presence.join {participantId:%s,name:Bob} on channel %s, got %s"
               % (jb.get("participantId"), room.id, short(evs)))
    mark = len(a.c.frames)
    bc2 = await ctx.client(0)
    ctx.data(await bc2.req("room.join", {"roomId": room.id, "name": "Bob", "token": jb["token"]}), "rejoin of Bob")
    await asyncio.sleep(QUIET)
    evs = a.c.events("presence.join", start=mark)
    ctx.expect(evs == [], "a rejoin must emit no presence.join, got %s" % short(evs))


@check("messages_send_reply")
async def _(ctx):
    room = await ctx.new_room(members=2, sub=(1,))
    a, b = room.members
    text = "hello é 😀 <b>&amp;</b> \"quoted\""
    t0 = now_ms()
    mark = len(b.c.frames)
    d = ctx.data(await a.call("messages.send", text=text), "messages.send")
    m = d.get("message")
    ctx.problems.extend(msg_shape_problems(m, "messages.send data.message"))
    if isinstance(m, dict):
        ctx.expect(m.get("id") not in ("", None), "message id empty")
        ctx.expect(same_json(m.get("seq"), 1), "first message seq: expected 1, got %s" % short(m.get("seq")))
        ctx.expect(m.get("roomId") == room.id, "message roomId %s != %s" % (short(m.get("roomId")), room.id))
        ctx.expect(m.get("participantId") == a.pid, "message participantId %s != %s" % (short(m.get("participantId")), a.pid))
        ctx.expect(m.get("sender") == a.name, "message sender %s != %s" % (short(m.get("sender")), a.name))
        ctx.expect(m.get("text") == text, "message text %s != sent %s" % (short(m.get("text")), short(text)))
        ctx.expect(is_int(m.get("timestamp")) and abs(m["timestamp"] - t0) < 5000,
                   "timestamp %s is not ~now (%d ms since epoch)" % (short(m.get("timestamp")), t0))
    evs = await b.c.wait_events(1, "chat.message", None, 3, start=mark)
    ctx.expect(len(evs) == 1 and evs[0].get("channel") == room.id and same_json(evs[0].get("data"), m),
               "subscriber's chat.message must carry the very same object as data.message %s; got %s"
               % (short(m), short(evs)))
    d2 = ctx.data(await a.call("messages.send", text="second"), "messages.send #2")
    m2 = d2.get("message") or {}
    ctx.expect(same_json(m2.get("seq"), 2), "second message seq: expected 2, got %s" % short(m2.get("seq")))
    ctx.expect(m2.get("id") != (m or {}).get("id"), "two messages share the id %s" % short(m2.get("id")))


@check("messages_list_semantics")
async def _(ctx):
    room = await ctx.new_room(members=2)
    a, b = room.members
    d = ctx.data(await a.call("messages.list"), "messages.list of an empty room")
    ctx.expect(d.get("messages") == [] and same_json(d.get("lastSeq"), 0) and same_json(d.get("firstSeq"), 1),
               "empty room: expected messages [], lastSeq 0, firstSeq 1 (lastSeq+1), got %s" % short(d))
    ms = []
    for i in range(5):
        ms.append(ctx.data(await (a if i % 2 == 0 else b).call("messages.send", text="m%d" % (i + 1)),
                           "messages.send")["message"])
    cases = [({}, ms), ({"after": 0}, ms), ({"after": 2}, ms[2:]), ({"limit": 2}, ms[:2]),
             ({"after": 2, "limit": 2}, ms[2:4]), ({"after": 4, "limit": 1000}, ms[4:]),
             ({"after": 5}, []), ({"after": 100}, []), ({"limit": 1}, ms[:1])]
    for i, (p, want) in enumerate(cases):
        who = a if i % 2 == 0 else b
        d = ctx.soft_data(await who.call("messages.list", **p), "messages.list %s" % short(p))
        if d is None:
            continue
        ctx.expect(same_json(d.get("messages"), want),
                   "messages.list %s: expected seqs %s (full objects as sent), got %s"
                   % (short(p), [m["seq"] for m in want], short(d.get("messages"))))
        ctx.expect(same_json(d.get("lastSeq"), 5) and same_json(d.get("firstSeq"), 1),
                   "messages.list %s: expected lastSeq 5 firstSeq 1, got lastSeq %s firstSeq %s"
                   % (short(p), short(d.get("lastSeq")), short(d.get("firstSeq"))))


@check("subscribe_reply_before_events")
async def _(ctx):
    room = await ctx.new_room(members=2)
    a, s = room.members
    total = 40
    sent = []

    async def sender():
        for i in range(total):
            r = await a.call("messages.send", text="burst %d" % i)
            sent.append(r)
            await asyncio.sleep(0.01)
    task = asyncio.ensure_future(sender())
    while len(sent) < 10 and not task.done():
        await asyncio.sleep(0.005)
    mark = len(s.c.frames)
    sid = await s.send_nowait("subscribe")
    reply = await s.c.wait_reply(sid, 5)
    await task
    d = ctx.data(reply, "subscribe")
    ctx.expect(d.get("channel") == room.id, "subscribe reply channel %s != roomId %s" % (short(d.get("channel")), room.id))
    last = d.get("lastSeq")
    ctx.expect(is_int(last) and 10 <= last <= total, "subscribe lastSeq %s: expected an int in [10, %d]" % (short(last), total))
    if not is_int(last):
        return
    # Every frame of this connection between the subscribe and its reply must not be an event.
    ridx = next(i for i, f in enumerate(s.c.frames) if f.msg is reply)
    early = [f.msg for f in s.c.frames[mark:ridx] if isinstance(f.msg, dict) and f.msg.get("type") == "event"]
    ctx.expect(not early, "events arrived before the subscribe reply: %s" % short(early))
    evs = await s.c.wait_events(total - last, "chat.message", room.id, 5, start=ridx + 1)
    seqs = [e.get("data", {}).get("seq") for e in evs]
    ctx.expect(seqs == list(range(last + 1, total + 1)),
               "after subscribe reply lastSeq=%d expected chat.message seqs %d..%d exactly once in order, got %s"
               % (last, last + 1, total, seqs))


@check("unsubscribe_reply")
async def _(ctx):
    # The contract lists only `channel` for unsubscribe but says ops not marked *open* need
    # a member's token: the requests send both (a field a host does not need is ignored).
    room = await ctx.new_room(members=2, sub=(1,))
    a, b = room.members
    ctx.data(await a.c.req("unsubscribe", {"channel": room.id, "token": a.token}),
             "unsubscribe when not subscribed")
    # The contract shows `{}`; a new optional field would be an allowed extension,
    # so only "an ok reply with a data object" is checked (ctx.data did).
    a2c = await ctx.client(1)
    ctx.data(await a2c.req("room.join", {"roomId": room.id, "name": a.name, "token": a.token}), "rejoin on host 1")
    a2 = Member(a2c, room.id, {"token": a.token, "participantId": a.pid}, a.name)
    ctx.data(await a.call("subscribe"), "subscribe")
    ctx.data(await a2.call("subscribe"), "subscribe (second connection of the same member)")
    ctx.data(await a.c.req("unsubscribe", {"channel": room.id, "token": a.token}), "unsubscribe")
    # The contract shows `{}`; a new optional field would be an allowed extension,
    # so only "an ok reply with a data object" is checked (ctx.data did).
    marks = [len(x.c.frames) for x in (a, a2, b)]
    ctx.data(await b.call("messages.send", text="after unsubscribe"), "messages.send")
    await a2.c.wait_events(1, "chat.message", start=marks[1], timeout=3)
    await b.c.wait_events(1, "chat.message", start=marks[2], timeout=3)
    await asyncio.sleep(QUIET)
    ctx.expect(a.c.events(start=marks[0]) == [], "unsubscribed connection still got %s" % short(a.c.events(start=marks[0])))
    ctx.expect(len(a2.c.events("chat.message", start=marks[1])) == 1,
               "unsubscribe must affect this connection only: the member's other connection got %s"
               % short(a2.c.events(start=marks[1])))
    ctx.expect(len(b.c.events("chat.message", start=marks[2])) == 1,
               "another subscriber got %s" % short(b.c.events(start=marks[2])))


# --------------------------------------------------------------------------------------
# Checks: ids, ops, malformed input
# --------------------------------------------------------------------------------------

@check("id_echo_valid")
async def _(ctx):
    room = await ctx.new_room(members=1)
    a = room.members[0]
    for id_ in (0, 1, -1, 42, MAX_SAFE, -MAX_SAFE, "x", "a" * 64, "req-7", "0", "é"):
        r = await a.c.raw_req(json.dumps({"id": id_, "op": "room.ttl", "roomId": room.id, "token": a.token}))
        ctx.expect(r.get("ok") is True and "id" in r and same_json(r["id"], id_),
                   "id %s: expected an ok reply echoing the id with its JSON type, got %s" % (short(id_), short(r)))


@check("id_invalid_is_null")
async def _(ctx):
    room = await ctx.new_room(members=1)
    a = room.members[0]
    # "é" is one UTF-16 unit either way; length rules for non-ASCII ids are not tested (the
    # contract's "characters = UTF-16 code units" sentence comes after the id definition).
    bad_ids = [2 ** 53, -(2 ** 53), 1.5, -0.5, "", "a" * 65, {}, {"n": 1}, [], [1], True, False, None, 1e300]
    for i, id_ in enumerate(bad_ids):
        marker = "must-not-be-stored-%d" % i
        raw = json.dumps({"id": id_, "op": "messages.send", "roomId": room.id, "token": a.token, "text": marker})
        r = await a.c.raw_req(raw)
        ctx.expect(is_err(r, "bad-request") and "id" in r and r["id"] is None,
                   "request %s: expected bad-request with id null, got %s" % (short(raw, 120), short(r)))
    r = await a.c.raw_req(json.dumps({"op": "messages.send", "roomId": room.id, "token": a.token, "text": "no-id"}))
    ctx.expect(is_err(r, "bad-request") and "id" in r and r["id"] is None,
               "request without id: expected bad-request with id null, got %s" % short(r))
    d = ctx.data(await a.call("messages.list"), "messages.list")
    ctx.expect(d.get("messages") == [], "requests with an invalid id were run: %s" % short(d.get("messages")))


@check("op_missing_or_not_string")
async def _(ctx):
    room = await ctx.new_room(members=1)
    a = room.members[0]
    for id_, extra in ((5, {}), ("s", {"op": 5}), (6, {"op": None}), (7, {"op": ["messages.send"]}),
                       ("o", {"op": {"name": "messages.send"}}), (8, {"op": True})):
        req = {"id": id_, "roomId": room.id, "token": a.token, "text": "must not be stored"}
        req.update(extra)
        r = await a.c.raw_req(json.dumps(req))
        ctx.err(r, "bad-request", "request %s" % short(req, 120), id_=id_)
    r = await a.c.raw_req(json.dumps({"op": 5}))
    ctx.expect(is_err(r, "bad-request") and r.get("id", 0) is None,
               '{"op":5} (no id): expected bad-request id null, got %s' % short(r))
    d = ctx.data(await a.call("messages.list"), "messages.list")
    ctx.expect(d.get("messages") == [], "requests with an invalid op were run: %s" % short(d.get("messages")))


@check("unknown_op")
async def _(ctx):
    c = await ctx.client(0)
    for id_, op in ((9, "room.explode"), ("u1", "x-unknown-op"), (10, "messages.delete")):
        r = await c.req(op, {"roomId": random_room_id(), "token": "x"}, id_=id_)
        ctx.err(r, "unknown-op", "op %s" % op, id_=id_)
    r = await c.raw_req(json.dumps({"id": 1.5, "op": "room.explode"}))
    ctx.err(r, "bad-request", "unknown op with invalid id 1.5 (bad-request is checked first)")
    ctx.expect(r.get("id", 0) is None, "unknown op with invalid id: id must be null, got %s" % short(r))


@check("error_code_order")
async def _(ctx):
    r1 = await ctx.new_room(members=1, maxp=3)
    full = await ctx.new_room(members=2, maxp=2, host0=1)
    a = r1.members[0]
    T = full.members[0].token
    R = full.id
    U = random_room_id()
    c = await ctx.client(0)
    cases = [
        ("room.info malformed roomId 'short', no token", "room.info", {"roomId": "short"}, "bad-request"),
        ("room.info roomId of 22 chars, no token", "room.info", {"roomId": U + "A"}, "bad-request"),
        ("room.info roomId of 20 chars, no token", "room.info", {"roomId": U[:20]}, "bad-request"),
        ("room.info 21-char roomId with '!', no token", "room.info", {"roomId": U[:20] + "!"}, "bad-request"),
        ("room.info numeric roomId", "room.info", {"roomId": 12345, "token": T}, "bad-request"),
        ("room.info missing roomId", "room.info", {"token": T}, "bad-request"),
        ("room.info unknown room, no token", "room.info", {"roomId": U}, "room-not-found"),
        ("room.info unknown room, garbage token", "room.info", {"roomId": U, "token": "garbage"}, "room-not-found"),
        ("room.info unknown room, token 123 (non-string)", "room.info", {"roomId": U, "token": 123}, "bad-request"),
        ("room.info known room, no token", "room.info", {"roomId": R}, "unauthorized"),
        ("room.info known room, empty token", "room.info", {"roomId": R, "token": ""}, "unauthorized"),
        ("room.info known room, wrong token", "room.info", {"roomId": R, "token": "not-a-real-token-0123456789"}, "unauthorized"),
        ("room.info known room, token of another room", "room.info", {"roomId": R, "token": a.token}, "unauthorized"),
        ("room.info known room, token 123 (non-string)", "room.info", {"roomId": R, "token": 123}, "bad-request"),
        ("room.info known room, token [] (non-string)", "room.info", {"roomId": R, "token": []}, "bad-request"),
        ("room.ttl known room, no token", "room.ttl", {"roomId": R}, "unauthorized"),
        ("room.ttl unknown room, no token", "room.ttl", {"roomId": U}, "room-not-found"),
        ("room.destroy known room, no token", "room.destroy", {"roomId": R}, "unauthorized"),
        ("room.destroy known room, wrong token", "room.destroy", {"roomId": R, "token": "x" * 30}, "unauthorized"),
        ("room.leave known room, no token", "room.leave", {"roomId": R}, "unauthorized"),
        ("room.leave unknown room, no token", "room.leave", {"roomId": U}, "room-not-found"),
        ("messages.list known room, after -1, no token", "messages.list", {"roomId": R, "after": -1}, "bad-request"),
        ("messages.list unknown room, no token", "messages.list", {"roomId": U}, "room-not-found"),
        ("messages.send unknown room, text of 1001 chars, no token", "messages.send", {"roomId": U, "text": "a" * 1001}, "too-large"),
        ("messages.send known room, text of 1001 chars, no token", "messages.send", {"roomId": R, "text": "a" * 1001}, "too-large"),
        ("messages.send known room, text of 1001 chars, token 5", "messages.send", {"roomId": R, "text": "a" * 1001, "token": 5}, "bad-request"),
        ("messages.send malformed roomId, text of 1001 chars", "messages.send", {"roomId": "bad", "text": "a" * 1001}, "bad-request"),
        ("messages.send known room, whitespace text, wrong token", "messages.send", {"roomId": R, "text": "   ", "token": "x" * 30}, "too-large"),
        ("messages.send known room, ok text, no token", "messages.send", {"roomId": R, "text": "hi"}, "unauthorized"),
        ("messages.send known room, numeric text", "messages.send", {"roomId": R, "text": 5, "token": T}, "bad-request"),
        ("messages.send known room, missing text", "messages.send", {"roomId": R, "token": T}, "bad-request"),
        ("messages.send unknown room, ok text, no token", "messages.send", {"roomId": U, "text": "hi"}, "room-not-found"),
        ("room.join malformed roomId", "room.join", {"roomId": "nope", "name": "Zed"}, "bad-request"),
        ("room.join unknown room", "room.join", {"roomId": U, "name": "Zed"}, "room-not-found"),
        ("room.join unknown room, name of 101 chars", "room.join", {"roomId": U, "name": "n" * 101}, "too-large"),
        ("room.join unknown room, missing name", "room.join", {"roomId": U}, "bad-request"),
        ("room.join numeric name", "room.join", {"roomId": R, "name": 7}, "bad-request"),
        ("room.join full room, name of 101 chars", "room.join", {"roomId": R, "name": "n" * 101}, "too-large"),
        ("room.join full room, token of another room", "room.join", {"roomId": R, "name": "Zed", "token": a.token}, "unauthorized"),
        ("room.join full room, unknown token", "room.join", {"roomId": R, "name": "Zed", "token": "y" * 30}, "unauthorized"),
        ("room.join full room, token 5 (non-string)", "room.join", {"roomId": R, "name": "Zed", "token": 5}, "bad-request"),
        ("room.join full room, no token", "room.join", {"roomId": R, "name": "Zed"}, "room-full"),
        ("subscribe malformed channel", "subscribe", {"channel": "x", "token": T}, "bad-request"),
        ("subscribe without channel (roomId instead)", "subscribe", {"roomId": R, "token": T}, "bad-request"),
        ("subscribe unknown room", "subscribe", {"channel": U, "token": "t" * 30}, "room-not-found"),
        ("subscribe unknown room, unknown event name", "subscribe", {"channel": U, "token": "t" * 30, "events": ["bogus"]}, "bad-request"),
        ("subscribe known room, no token", "subscribe", {"channel": R}, "unauthorized"),
        ("subscribe known room, token of another room", "subscribe", {"channel": R, "token": a.token}, "unauthorized"),
    ]
    for what, op, params, code in cases:
        r = await c.req(op, params)
        ctx.err(r, code, "%s (%s %s)" % (what, op, short(params, 100)))
    # Nothing above may have changed the full room.
    d = ctx.data(await full.members[1].call("room.info"), "room.info of the full room afterwards")
    ctx.expect(len(d.get("participants", [])) == 2 and same_json(d.get("lastSeq"), 0),
               "the full room changed after rejected requests: %s" % short(d))


@check("string_limits_utf16")
async def _(ctx):
    room = await ctx.new_room(members=1, maxp=10)
    a = room.members[0]
    c = await ctx.client(1)
    names = [("a" * 100, "ok"), ("a" * 101, "too-large"), ("é" * 100, "ok"), ("😀" * 50, "ok"),
             ("😀" * 51, "too-large"), ("😀" * 100, "too-large"), ("", "too-large"), ("   ", "too-large"),
             (" \t\n ", "too-large")]
    for i, (name, want) in enumerate(names):
        cc = c if want != "ok" else await ctx.client(i)
        raw = json.dumps({"id": 100 + i, "op": "room.join", "roomId": room.id, "name": name}, ensure_ascii=(i % 2 == 0))
        r = await cc.raw_req(raw)
        desc = "room.join name of %d UTF-16 units (%r…)" % (len(name.encode("utf-16-le")) // 2, name[:3])
        if want == "ok":
            d = ctx.soft_data(r, desc)
            if d:
                ctx.expect(d.get("name") == name, "%s: name came back as %s" % (desc, short(d.get("name"), 40)))
        else:
            ctx.err(r, want, desc)
    texts = [("a" * 1000, "ok"), ("a" * 1001, "too-large"), ("é" * 1000, "ok"), ("😀" * 500, "ok"),
             ("😀" * 501, "too-large"), ("😀" * 1000, "too-large"), ("", "too-large"), ("   \n\t ", "too-large"),
             ("\u00a0x", "ok")]
    stored = 0
    for i, (text, want) in enumerate(texts):
        raw = json.dumps({"id": 200 + i, "op": "messages.send", "roomId": room.id, "token": a.token, "text": text},
                         ensure_ascii=(i % 2 == 1))
        r = await a.c.raw_req(raw)
        desc = "messages.send text of %d UTF-16 units (%r…)" % (len(text.encode("utf-16-le")) // 2, text[:3])
        if want == "ok":
            d = ctx.soft_data(r, desc)
            if d:
                stored += 1
                ctx.expect((d.get("message") or {}).get("text") == text, "%s: text came back altered" % desc)
        else:
            ctx.err(r, want, desc)
    cids = [("c" * 64, "ok"), ("c" * 65, "too-large"), ("😀" * 32, "ok"), ("😀" * 33, "too-large"),
            ("", "too-large"), (64, "bad-request")]
    for i, (cid, want) in enumerate(cids):
        r = await a.call("messages.send", text="cid %d" % i, clientMsgId=cid)
        desc = "messages.send clientMsgId %s" % (("of %d UTF-16 units" % (len(cid.encode("utf-16-le")) // 2)) if isinstance(cid, str) else short(cid))
        if want == "ok":
            if ctx.soft_data(r, desc):
                stored += 1
        else:
            ctx.err(r, want, desc)
    d = ctx.data(await a.call("messages.list"), "messages.list")
    ctx.expect(len(d.get("messages", [])) == stored and same_json(d.get("lastSeq"), stored),
               "history should hold exactly the %d accepted messages, has %d (lastSeq %s)"
               % (stored, len(d.get("messages", [])), short(d.get("lastSeq"))))


@check("error_messages_say_field_and_limit")
async def _(ctx):
    # "Every error message says what was wrong (which field, which limit) in plain words."
    # Checked loosely: the message names the field (case-insensitive), and for a string over
    # its limit also states the limit.
    room = await ctx.new_room(members=1)
    a = room.members[0]
    R, T = room.id, a.token
    cases = [
        ({"op": "room.join", "roomId": R, "name": "n" * 101}, "too-large", "name", "100"),
        ({"op": "messages.send", "roomId": R, "token": T, "text": "t" * 1001}, "too-large", "text", "1000"),
        ({"op": "messages.send", "roomId": R, "token": T, "text": "x", "clientMsgId": "c" * 65}, "too-large", "clientMsgId", "64"),
        ({"op": "messages.send", "roomId": R, "token": T, "text": "   "}, "too-large", "text", None),
        ({"op": "room.create", "ttl": 4}, "bad-request", "ttl", None),
        ({"op": "room.create", "maxParticipants": 101}, "bad-request", "maxParticipants", None),
        ({"op": "messages.list", "roomId": R, "token": T, "limit": 0}, "bad-request", "limit", None),
        ({"op": "messages.list", "roomId": R, "token": T, "after": -1}, "bad-request", "after", None),
        ({"op": "subscribe", "channel": R, "token": T, "events": ["bogus"]}, "bad-request", "events", None),
        ({"op": "room.info", "roomId": "bad", "token": T}, "bad-request", "roomId", None),
        ({"op": "room.info", "roomId": R, "token": 5}, "bad-request", "token", None),
        ({"op": "messages.send", "roomId": R, "token": T}, "bad-request", "text", None),
        ({"op": "room.join", "roomId": R}, "bad-request", "name", None),
        ({}, "bad-request", "op", None),
    ]
    for req, code, field, limit in cases:
        r = await a.c.req(req.get("op"), {k: v for k, v in req.items() if k != "op"}) if "op" in req else \
            await a.c.raw_req(json.dumps({"id": 77}))
        if not ctx.err(r, code, "%s" % short(req, 90)):
            continue
        msg = r["error"].get("message") or ""
        ctx.expect(field.lower() in msg.lower(), "%s -> %s: the error message %r does not name the field %r"
                   % (short(req, 90), code, msg, field))
        if limit:
            ctx.expect(limit in msg, "%s -> %s: the error message %r does not state the limit %s"
                       % (short(req, 90), code, msg, limit))


@check("numeric_param_ranges")
async def _(ctx):
    c = await ctx.client(0)
    bad = [{"ttl": 4}, {"ttl": 604801}, {"ttl": 0}, {"ttl": -1}, {"ttl": 10.5}, {"ttl": "10"}, {"ttl": True},
           {"ttl": 1e20}, {"ttl": 2 ** 64}, {"maxParticipants": 1}, {"maxParticipants": 101}, {"maxParticipants": 0},
           {"maxParticipants": 2.5}, {"maxParticipants": "3"}, {"maxParticipants": -2}, {"ttl": [600]}]
    for p in bad:
        ctx.err(await c.req("room.create", p), "bad-request", "room.create %s" % short(p))
    for p in ({"ttl": 5}, {"ttl": 604800}, {"maxParticipants": 2}, {"maxParticipants": 100}):
        ctx.soft_data(await c.req("room.create", p), "room.create %s (in range)" % short(p))


@check("events_name_validation")
async def _(ctx):
    room = await ctx.new_room(members=2, sub=(0,))
    a, b = room.members
    for ev in (["chat.message", "bogus"], ["CHAT.MESSAGE"], "chat.message", [5], [None], {"chat.message": True}):
        ctx.err(await a.call("subscribe", events=ev), "bad-request", "subscribe events %s" % short(ev))
    mark = len(a.c.frames)
    ctx.data(await b.call("messages.send", text="still subscribed?"), "messages.send")
    evs = await a.c.wait_events(1, "chat.message", start=mark, timeout=3)
    await asyncio.sleep(0.3)
    evs = a.c.events("chat.message", start=mark)
    ctx.expect(len(evs) == 1, "a rejected subscribe must not change the existing subscription: got %d chat.message" % len(evs))
    for ev in (["chat.message"], ["chat.message", "chat.destroy", "presence.join", "presence.leave", "room.resync"]):
        ctx.soft_data(await a.call("subscribe", events=ev), "subscribe events %s" % short(ev))


@check("list_param_ranges")
async def _(ctx):
    room = await ctx.new_room(members=1)
    a = room.members[0]
    for p in ({"after": -1}, {"after": 1.5}, {"after": "3"}, {"limit": 0}, {"limit": 1001}, {"limit": -5},
              {"limit": 2.5}, {"limit": "10"}, {"after": True}):
        ctx.err(await a.call("messages.list", **p), "bad-request", "messages.list %s" % short(p))
    for p in ({"limit": 1}, {"limit": 1000}, {"after": 0}, {"after": 0, "limit": 1000}):
        ctx.soft_data(await a.call("messages.list", **p), "messages.list %s (in range)" % short(p))
    await ctx.probe(a, "bad list parameters")


@check("malformed_messages")
async def _(ctx):
    room = await ctx.new_room(members=1)
    a = room.members[0]
    for raw in ("hello", "{", '{"id":1,', "[]", '[{"id":1,"op":"room.create"}]', '"str"', "42", "null", "true",
                "", " ", '{"id":1,"op":"room.ttl"} trailing', "{'id':1,'op':'room.create'}"):
        r = await a.c.raw_req(raw)
        ctx.expect(is_err(r, "bad-request") and "id" in r and r["id"] is None,
                   "text message %r: expected bad-request with id null, got %s" % (raw, short(r)))
        if a.c.closed:
            ctx.problems.append("text message %r closed the connection (code %s)" % (raw, a.c.close_code))
            return
    await ctx.probe(a, "malformed messages")


@check("binary_frame_bad_request")
async def _(ctx):
    room = await ctx.new_room(members=1)
    a = room.members[0]
    for data in (b'{"id":1,"op":"room.create"}', b"\x00\xff\x10binary"):
        r = await a.c.raw_req(data)
        # The contract only says "a bad-request reply"; the id of a binary message is not checked.
        ctx.err(r, "bad-request", "binary message %r" % data)
    await ctx.probe(a, "binary messages")


@check("oversize_message_1009")
async def _(ctx):
    room = await ctx.new_room(members=2)
    a, b = room.members
    base = {"id": 1, "op": "room.ttl", "roomId": room.id, "token": a.token, "pad": ""}
    blen = len(json.dumps(base))
    # Exactly 65,536 bytes: allowed.
    exact = json.dumps(dict(base, pad="x" * (65536 - blen)))
    assert len(exact.encode()) == 65536
    r = await a.c.raw_req(exact, what="reply to a 65,536-byte message")
    ctx.expect(r.get("ok") is True, "a message of exactly 65,536 bytes: expected an ok reply, got %s" % short(r))
    # Fragmented message under the limit: allowed.
    frag = json.dumps(dict(base, id=2, pad="y" * 3000))
    r = await a.c.raw_req([frag[:1000], frag[1000:2000], frag[2000:]], what="reply to a fragmented message")
    ctx.expect(r.get("ok") is True, "a fragmented 3-part message: expected an ok reply, got %s" % short(r))
    # 65,537 bytes: close 1009.
    over = json.dumps(dict(base, id=3, pad="x" * (65537 - blen)))
    try:
        await a.c.ws.send(over)
    except ConnectionClosed:
        pass
    await a.c.wait_closed(3)
    ctx.expect(a.c.closed and a.c.close_code == 1009,
               "a 65,537-byte text message: expected close 1009, got %s"
               % ("close %s" % a.c.close_code if a.c.closed else "connection still open"))
    # Fragments reassembled over the limit: close 1009.
    c2 = await ctx.client(0)
    big = json.dumps(dict(base, id=4, pad="z" * 70000))
    try:
        await c2.ws.send([big[i:i + 30000] for i in range(0, len(big), 30000)])
    except ConnectionClosed:
        pass
    await c2.wait_closed(3)
    ctx.expect(c2.closed and c2.close_code == 1009,
               "a fragmented message of %d bytes: expected close 1009, got %s"
               % (len(big), "close %s" % c2.close_code if c2.closed else "connection still open"))
    await ctx.probe(b, "another connection's oversize message")


@check("websocket_protocol_errors")
async def _(ctx):
    c = await ctx.client(0)
    c.ws.transport.write(raw_ws_frame(0x1, b'{"id":1,"op":"\xff\xfe"}'))
    await c.wait_closed(3)
    ctx.expect(c.closed and c.close_code == 1007, "text frame with invalid UTF-8: expected close 1007, got %s"
               % ("close %s" % c.close_code if c.closed else "connection still open"))
    c = await ctx.client(0)
    c.ws.transport.write(raw_ws_frame(0x3, b""))
    await c.wait_closed(3)
    ctx.expect(c.closed and c.close_code == 1002, "frame with reserved opcode 0x3: expected close 1002, got %s"
               % ("close %s" % c.close_code if c.closed else "connection still open"))


@check("bad_input_isolation")
async def _(ctx):
    room = await ctx.new_room(members=2, maxp=2, sub=(1,))
    a, b = room.members
    ctx.data(await b.call("messages.send", text="before"), "messages.send")
    info0 = ctx.data(await b.call("room.info"), "room.info")
    list0 = ctx.data(await b.call("messages.list"), "messages.list")
    mark = len(b.c.frames)
    R, T = room.id, a.token
    bad = ["not json", "[1,2]", '"s"', b"\x01\x02",
           json.dumps({"id": 1.5, "op": "messages.send", "roomId": R, "token": T, "text": "x"}),
           json.dumps({"id": 1, "roomId": R, "token": T, "text": "x"}),
           json.dumps({"id": 2, "op": 7, "roomId": R, "token": T, "text": "x"}),
           json.dumps({"id": 3, "op": "room.nuke", "roomId": R, "token": T}),
           json.dumps({"id": 4, "op": "messages.send", "roomId": R, "token": T, "text": "a" * 1001}),
           json.dumps({"id": 5, "op": "messages.send", "roomId": R, "token": T, "text": "  "}),
           json.dumps({"id": 6, "op": "messages.send", "roomId": R, "token": T, "text": "x", "clientMsgId": "c" * 65}),
           json.dumps({"id": 7, "op": "messages.send", "roomId": R, "token": 1, "text": "x"}),
           json.dumps({"id": 8, "op": "messages.send", "roomId": R, "token": "nope", "text": "x"}),
           json.dumps({"id": 9, "op": "room.join", "roomId": R, "name": "Eve"}),
           json.dumps({"id": 10, "op": "room.join", "roomId": R, "name": "n" * 101, "token": T}),
           json.dumps({"id": 11, "op": "room.destroy", "roomId": R, "token": "nope"}),
           json.dumps({"id": 12, "op": "room.leave", "roomId": R}),
           json.dumps({"id": 13, "op": "messages.list", "roomId": R, "token": T, "limit": 0}),
           json.dumps({"id": 14, "op": "subscribe", "channel": R, "token": T, "events": ["nope"]}),
           json.dumps({"id": 15, "op": "room.create", "ttl": 4})]
    for raw in bad:
        r = await a.c.raw_req(raw)
        ctx.expect(r.get("ok") is False, "bad input %s got an ok reply: %s" % (short(raw, 80), short(r)))
        if a.c.closed:
            ctx.problems.append("bad input %s closed the connection (code %s)" % (short(raw, 80), a.c.close_code))
            return
        await ctx.probe(a, "bad input %s" % short(raw, 60))
    await asyncio.sleep(0.3)
    info1 = ctx.data(await b.call("room.info"), "room.info afterwards")
    list1 = ctx.data(await b.call("messages.list"), "messages.list afterwards")
    ctx.expect(same_json(info0.get("participants"), info1.get("participants")) and info0.get("lastSeq") == info1.get("lastSeq"),
               "another member's room.info changed after bad inputs: %s -> %s" % (short(info0), short(info1)))
    ctx.expect(same_json(list0, list1), "history changed after bad inputs: %s -> %s" % (short(list0), short(list1)))
    evs = b.c.events(start=mark)
    ctx.expect(evs == [], "another member received events caused by bad inputs: %s" % short(evs))


# --------------------------------------------------------------------------------------
# Checks: membership
# --------------------------------------------------------------------------------------

@check("room_full_atomic", timeout=30)
async def _(ctx):
    for rnd in range(3):
        c0 = await ctx.client(0)
        room = Room(ctx.data(await c0.req("room.create", {"maxParticipants": 3}), "room.create"))
        clients = await asyncio.gather(*(ctx.client(i) for i in range(10)))
        ids = await asyncio.gather(*(c.send_req("room.join", {"roomId": room.id, "name": "J%d" % i})
                                     for i, c in enumerate(clients)))
        replies = await asyncio.gather(*(c.wait_reply(i_) for c, i_ in zip(clients, ids)))
        codes = [code_of(r) for r in replies]
        ctx.expect(codes.count("ok") == 3 and codes.count("room-full") == 7,
                   "round %d: 10 concurrent room.join into a room of maxParticipants 3: expected 3 ok + 7 room-full, got %s"
                   % (rnd, codes))
        winners = sorted(r["data"]["participantId"] for r in replies if r.get("ok"))
        d = ctx.data(await c0.req("room.info", {"roomId": room.id, "token": next(
            (r["data"]["token"] for r in replies if r.get("ok")), "none")}), "room.info")
        got = sorted(p.get("participantId") for p in d.get("participants", []))
        ctx.expect(got == winners, "round %d: participants %s != the successful joiners %s" % (rnd, got, winners))
        if ctx.problems:
            return


@check("rejoin_when_full")
async def _(ctx):
    room = await ctx.new_room(members=2, maxp=2, sub=(1,))
    a, b = room.members
    mark = len(b.c.frames)
    a2c = await ctx.client(1)
    d = ctx.data(await a2c.req("room.join", {"roomId": room.id, "name": a.name, "token": a.token}),
                 "rejoin with the member's token while the room is full")
    ctx.expect(d.get("token") == a.token, "rejoin returned a different token")
    ctx.expect(d.get("participantId") == a.pid, "rejoin participantId %s != original %s" % (short(d.get("participantId")), a.pid))
    ctx.expect(d.get("name") == a.name, "rejoin name %s != %s" % (short(d.get("name")), a.name))
    ctx.expect(len(d.get("participants", [])) == 2, "rejoin participants: %s" % short(d.get("participants")))
    ctx.expect(same_json(d.get("expiresAt"), room.expires) and same_json(d.get("maxParticipants"), 2)
               and same_json(d.get("lastSeq"), 0) and is_int(d.get("ttl")),
               "rejoin reply fields: %s" % short(d))
    # The member's original connection is unaffected.
    r = await a.call("messages.send", text="from the first connection")
    m = ctx.soft_data(r, "messages.send on the member's first connection after a rejoin elsewhere")
    if m:
        ctx.expect(m["message"].get("participantId") == a.pid and m["message"].get("sender") == a.name,
                   "message after rejoin stamped %s" % short(m))
    a2 = Member(a2c, room.id, d, a.name)
    m2 = ctx.soft_data(await a2.call("messages.send", text="from the second connection"), "messages.send on the rejoined connection")
    if m2:
        ctx.expect(m2["message"].get("participantId") == a.pid, "rejoined connection stamped %s" % short(m2))
    await asyncio.sleep(QUIET)
    pj = b.c.events("presence.join", start=mark)
    ctx.expect(pj == [], "rejoin emitted presence.join: %s" % short(pj))
    c = await ctx.client(0)
    ctx.err(await c.req("room.join", {"roomId": room.id, "name": "Carol"}), "room-full", "new member after rejoin")


@check("rejoin_keeps_original_name")
async def _(ctx):
    # "With the token of a current member it is a rejoin: same token, participantId and name".
    room = await ctx.new_room(members=1)
    a = room.members[0]
    c = await ctx.client(1)
    d = ctx.data(await c.req("room.join", {"roomId": room.id, "name": "Renamed", "token": a.token}),
                 "rejoin with a different name")
    ctx.expect(d.get("name") == a.name and d.get("participantId") == a.pid,
               "rejoin with name 'Renamed': expected the original name %s and participantId, got name %s"
               % (a.name, short(d.get("name"))))


@check("foreign_token_unauthorized")
async def _(ctx):
    r1 = await ctx.new_room(members=1)
    r2 = await ctx.new_room(members=2, maxp=2, host0=1)
    r3 = await ctx.new_room(members=1, maxp=3, host0=1)
    a = r1.members[0]
    c = await ctx.client(1)
    ctx.err(await c.req("room.join", {"roomId": r2.id, "name": a.name, "token": a.token}), "unauthorized",
            "room.join of a full room with a token of another room")
    ctx.err(await c.req("room.join", {"roomId": r3.id, "name": a.name, "token": a.token}), "unauthorized",
            "room.join of a room with free slots with a token of another room")
    ctx.err(await c.req("room.join", {"roomId": r3.id, "name": "Zed", "token": secrets.token_urlsafe(16)}),
            "unauthorized", "room.join with a random well-formed token")
    for op in ("room.info", "room.ttl", "messages.list"):
        ctx.err(await c.req(op, {"roomId": r3.id, "token": a.token}), "unauthorized", "%s with a token of another room" % op)
    ctx.err(await c.req("messages.send", {"roomId": r3.id, "token": a.token, "text": "intruder"}), "unauthorized",
            "messages.send with a token of another room")
    d = ctx.data(await r3.members[0].call("room.info"), "room.info")
    ctx.expect(len(d.get("participants", [])) == 1 and same_json(d.get("lastSeq"), 0),
               "room changed after unauthorized requests: %s" % short(d))


# --------------------------------------------------------------------------------------
# Checks: messages
# --------------------------------------------------------------------------------------

@check("sender_stamping")
async def _(ctx):
    room = await ctx.new_room(members=2, sub=(1,))
    a, b = room.members
    mark = len(b.c.frames)
    d = ctx.data(await a.call("messages.send", text="spoof", sender=b.name, participantId=b.pid, name=b.name,
                              timestamp=1, seq=99), "messages.send with spoofed fields")
    m = d.get("message", {})
    ctx.expect(m.get("sender") == a.name and m.get("participantId") == a.pid,
               "spoofed sender/participantId: expected sender %s participantId %s, got %s" % (a.name, a.pid, short(m)))
    ctx.expect(same_json(m.get("seq"), 1) and m.get("timestamp") != 1,
               "client-supplied seq/timestamp were used: %s" % short(m))
    evs = await b.c.wait_events(1, "chat.message", start=mark, timeout=3)
    ctx.expect(len(evs) == 1 and same_json(evs[0].get("data"), m), "event differs from reply: %s" % short(evs))


@check("client_msg_id_retry")
async def _(ctx):
    room = await ctx.new_room(members=2, sub=(1,))
    a, b = room.members
    mark = len(b.c.frames)
    m1 = ctx.data(await a.call("messages.send", text="first", clientMsgId="k1"), "messages.send clientMsgId k1")["message"]
    r = await a.call("messages.send", text="second (retry)", clientMsgId="k1")
    d = ctx.soft_data(r, "retry with the same clientMsgId and another text")
    if d:
        ctx.expect(same_json(d.get("message"), m1), "retry must return the original message %s, got %s"
                   % (short(m1), short(d.get("message"))))
    a2c = await ctx.client(1)
    ctx.data(await a2c.req("room.join", {"roomId": room.id, "name": a.name, "token": a.token}), "rejoin")
    a2 = Member(a2c, room.id, a.join, a.name)
    d = ctx.soft_data(await a2.call("messages.send", text="third (retry from another connection)", clientMsgId="k1"),
                      "retry from the same member's other connection")
    if d:
        ctx.expect(same_json(d.get("message"), m1), "retry from another connection must return the original message, got %s"
                   % short(d.get("message")))
    await b.c.wait_events(1, "chat.message", start=mark, timeout=3)
    await asyncio.sleep(QUIET)
    evs = b.c.events("chat.message", start=mark)
    ctx.expect(len(evs) == 1, "retries must emit nothing: subscriber got %d chat.message: %s" % (len(evs), short(evs)))
    lst = ctx.data(await b.call("messages.list"), "messages.list")
    ctx.expect(same_json(lst.get("messages"), [m1]) and same_json(lst.get("lastSeq"), 1),
               "history after retries: expected only the original, got %s" % short(lst))
    mb = ctx.soft_data(await b.call("messages.send", text="bob's own k1", clientMsgId="k1"),
                       "another member using the same clientMsgId")
    if mb:
        ctx.expect(same_json(mb["message"].get("seq"), 2) and mb["message"].get("text") == "bob's own k1",
                   "another member's clientMsgId k1 must be a new message (seq 2), got %s" % short(mb))
    m3 = ctx.soft_data(await a.call("messages.send", text="new key", clientMsgId="k2"), "messages.send clientMsgId k2")
    if m3:
        ctx.expect(same_json(m3["message"].get("seq"), 3), "new clientMsgId must be stored: %s" % short(m3))


@check("client_msg_id_concurrent")
async def _(ctx):
    # The same member retries one clientMsgId from 6 connections (both hosts) at once:
    # one message is stored and emitted, and every reply carries that same message.
    room = await ctx.new_room(members=2, sub=(1,))
    a, b = room.members
    conns = [a]
    for h in range(1, 6):
        cc = await ctx.client(h)
        ctx.data(await cc.req("room.join", {"roomId": room.id, "name": a.name, "token": a.token}), "rejoin")
        conns.append(Member(cc, room.id, a.join, a.name))
    mark = len(b.c.frames)
    for rnd in range(3):
        cid = "race-%d" % rnd
        ids = await asyncio.gather(*(m.send_nowait("messages.send", text="try %d" % k, clientMsgId=cid)
                                     for k, m in enumerate(conns)))
        replies = await asyncio.gather(*(m.c.wait_reply(i) for m, i in zip(conns, ids)))
        msgs = [r.get("data", {}).get("message") for r in replies]
        ctx.expect(all(r.get("ok") for r in replies) and all(same_json(m, msgs[0]) for m in msgs),
                   "round %d: 6 concurrent sends with clientMsgId %s: expected 6 ok replies with one and the same "
                   "message, got seqs %s" % (rnd, cid, [code_of(r) if not r.get("ok") else (r["data"].get("message") or {}).get("seq")
                                                       for r in replies]))
    await b.c.wait_events(3, "chat.message", start=mark, timeout=3)
    await asyncio.sleep(QUIET)
    evs = b.c.events("chat.message", start=mark)
    ctx.expect(len(evs) == 3, "3 distinct clientMsgIds sent 6 times each concurrently: subscriber got %d chat.message"
               % len(evs))
    lst = ctx.data(await b.call("messages.list"), "messages.list")
    ctx.expect(len(lst.get("messages", [])) == 3 and same_json(lst.get("lastSeq"), 3),
               "history after concurrent retries: expected 3 messages, got %d (lastSeq %s)"
               % (len(lst.get("messages", [])), short(lst.get("lastSeq"))))


# --------------------------------------------------------------------------------------
# Checks: subscriptions
# --------------------------------------------------------------------------------------

@check("subscribe_events_filter")
async def _(ctx):
    room = await ctx.new_room(members=2, maxp=3)
    a, b = room.members
    d = ctx.data(await a.call("subscribe", events=["presence.join"]), "subscribe events [presence.join]")
    ctx.expect(d.get("channel") == room.id and same_json(d.get("lastSeq"), 0), "subscribe reply %s" % short(d))
    mark = len(a.c.frames)
    ctx.data(await b.call("messages.send", text="filtered out"), "messages.send")
    c = await ctx.client(1)
    jc = ctx.data(await c.req("room.join", {"roomId": room.id, "name": "Carol"}), "room.join Carol")
    await a.c.wait_events(1, "presence.join", start=mark, timeout=3)
    await asyncio.sleep(QUIET)
    evs = a.c.events(start=mark)
    ctx.expect([e.get("event") for e in evs] == ["presence.join"]
               and has_fields(evs[0].get("data"), {"participantId": jc.get("participantId"), "name": "Carol"}),
               "with events [presence.join] expected exactly one presence.join, got %s" % short(evs))


@check("resubscribe_replaces_filter")
async def _(ctx):
    room = await ctx.new_room(members=2, maxp=4, sub=(0,))
    a, b = room.members
    d = ctx.data(await a.call("subscribe", events=["chat.message"]), "resubscribe events [chat.message]")
    m0 = len(a.c.frames)
    mm = ctx.data(await b.call("messages.send", text="one"), "messages.send")["message"]
    c = await ctx.client(1)
    ctx.data(await c.req("room.join", {"roomId": room.id, "name": "Carol"}), "room.join Carol")
    await a.c.wait_events(1, "chat.message", start=m0, timeout=3)
    await asyncio.sleep(QUIET)
    evs = a.c.events(start=m0)
    ctx.expect([e.get("event") for e in evs] == ["chat.message"] and same_json(evs[0].get("data"), mm),
               "after resubscribing with [chat.message]: expected exactly one chat.message, got %s" % short(evs))
    d = ctx.data(await a.call("subscribe"), "resubscribe with all events")
    ctx.expect(same_json(d.get("lastSeq"), 1), "resubscribe lastSeq: expected 1, got %s" % short(d.get("lastSeq")))
    m1 = len(a.c.frames)
    mm2 = ctx.data(await b.call("messages.send", text="two"), "messages.send")["message"]
    dc = await ctx.client(0)
    jd = ctx.data(await dc.req("room.join", {"roomId": room.id, "name": "Dave"}), "room.join Dave")
    await a.c.wait_events(2, start=m1, timeout=3)
    await asyncio.sleep(QUIET)
    evs = a.c.events(start=m1)
    kinds = sorted(e.get("event") for e in evs)
    ctx.expect(kinds == ["chat.message", "presence.join"],
               "after resubscribing with all events: expected one chat.message + one presence.join, got %s" % short(evs))
    for e in evs:
        want = mm2 if e.get("event") == "chat.message" else {"participantId": jd.get("participantId"), "name": "Dave"}
        ctx.expect(has_fields(e.get("data"), want), "event %s data %s, expected %s" % (e.get("event"), short(e.get("data")), short(want)))
    seqs = [e["data"].get("seq") for e in a.c.events("chat.message")]
    ctx.expect(seqs == [1, 2], "chat.message seqs over all resubscriptions: expected [1, 2] (no duplicates), got %s" % seqs)


@check("chat_destroy_always_delivered")
async def _(ctx):
    room = await ctx.new_room(members=2)
    a, b = room.members
    ctx.data(await a.call("subscribe", events=["presence.join"]), "subscribe [presence.join]")
    ctx.data(await b.call("subscribe", events=["chat.message"]), "subscribe [chat.message]")
    ctx.data(await b.call("room.destroy"), "room.destroy")
    for m in (a, b):
        evs = await m.c.wait_events(1, "chat.destroy", timeout=3)
        ctx.expect(len(evs) == 1 and has_fields(evs[0].get("data"), {"isDestroyed": True, "reason": "destroyed"}),
                   "%s (filtered subscription) expected chat.destroy {isDestroyed:true,reason:destroyed}, got %s"
                   % (m.name, short(evs)))


@check("destroy")
async def _(ctx):
    room = await ctx.new_room(members=3, maxp=3, sub=(0, 1, 2))
    a, b, c = room.members
    ctx.data(await a.call("subscribe"), "second subscribe on the same connection")
    c2c = await ctx.client(1)
    ctx.data(await c2c.req("room.join", {"roomId": room.id, "name": c.name, "token": c.token}), "rejoin")
    c2 = Member(c2c, room.id, c.join, c.name)
    ctx.data(await c2.call("subscribe", events=["presence.leave"]), "subscribe")
    ctx.data(await b.call("messages.send", text="soon gone"), "messages.send")
    subs = [a, b, c, c2]
    marks = [len(m.c.frames) for m in subs]
    ctx.data(await a.call("room.destroy"), "room.destroy")
    # The contract shows `{}`; a new optional field would be an allowed extension,
    # so only "an ok reply with a data object" is checked (ctx.data did).
    if ctx.env.redis:
        keys = await ctx.env.redis.keys_with(room.id)
        ctx.expect(keys == [], "after the room.destroy reply these Redis keys still contain the room ID: %s" % keys)
    for m, mk in zip(subs, marks):
        await m.c.wait_events(1, "chat.destroy", timeout=3, start=mk)
    await asyncio.sleep(1.0)
    for i, (m, mk) in enumerate(zip(subs, marks)):
        evs = m.c.events("chat.destroy", start=mk)
        ctx.expect(len(evs) == 1 and evs[0].get("channel") == room.id
                   and has_fields(evs[0].get("data"), {"isDestroyed": True, "reason": "destroyed"}),
                   "subscriber %d (%s) expected exactly one chat.destroy {isDestroyed:true,reason:destroyed}, got %s"
                   % (i, m.c.label, short(evs)))
    n = await ctx.client(1)
    for what, cl, op, p in (("room.info", b.c, "room.info", {"roomId": room.id, "token": b.token}),
                            ("room.ttl", b.c, "room.ttl", {"roomId": room.id, "token": b.token}),
                            ("messages.send", b.c, "messages.send", {"roomId": room.id, "token": b.token, "text": "x"}),
                            ("messages.list", b.c, "messages.list", {"roomId": room.id, "token": b.token}),
                            ("subscribe", b.c, "subscribe", {"channel": room.id, "token": b.token}),
                            ("room.leave", b.c, "room.leave", {"roomId": room.id, "token": b.token}),
                            ("room.destroy", b.c, "room.destroy", {"roomId": room.id, "token": b.token}),
                            ("room.join (new member)", n, "room.join", {"roomId": room.id, "name": "Late"}),
                            ("room.join (rejoin)", n, "room.join", {"roomId": room.id, "name": b.name, "token": b.token}),
                            ("room.info without token", n, "room.info", {"roomId": room.id})):
        ctx.err(await cl.req(op, p), "room-not-found", "%s after destroy" % what)
    if ctx.env.redis:
        keys = await ctx.env.redis.keys_with(room.id)
        ctx.expect(keys == [], "after destroy + further requests, Redis keys contain the room ID: %s" % keys)


@check("expiry", timeout=25)
async def _(ctx):
    room = await ctx.new_room(members=2, maxp=3, ttl=5, sub=(0, 1))
    a, b = room.members
    ctx.expect(same_json(room.create.get("ttl"), 5), "room.create ttl 5 reply ttl %s" % short(room.create.get("ttl")))
    cc = await ctx.client(0)
    jc = ctx.data(await cc.req("room.join", {"roomId": room.id, "name": "Carol"}), "room.join")
    c = Member(cc, room.id, jc, "Carol")
    ctx.data(await c.call("subscribe", events=["chat.message"]), "subscribe [chat.message]")
    ctx.data(await a.call("messages.send", text="short-lived"), "messages.send")
    E = room.expires
    await asyncio.sleep(max(0, (E + 2000 - now_ms()) / 1000))
    for m in (a, b, c):
        evs = m.c.events("chat.destroy")
        ok = len(evs) == 1 and has_fields(evs[0].get("data"), {"isDestroyed": True, "reason": "expired"})
        ctx.expect(ok, "%s: by expiresAt+2s expected exactly one chat.destroy {isDestroyed:true,reason:expired}, got %s"
                   % (m.c.label, short(evs)))
        if ok:
            f = next(f for f in m.c.frames if f.msg is evs[0])
            ctx.expect(E - 250 <= f.t * 1000 <= E + 2000, "%s: chat.destroy arrived at expiresAt%+d ms"
                       % (m.c.label, f.t * 1000 - E))
    if ctx.env.redis:
        keys = await ctx.env.redis.keys_with(room.id)
        ctx.expect(keys == [], "2 s after expiry Redis keys still contain the room ID: %s" % keys)
    await asyncio.sleep(0.7)
    for m in (a, b, c):
        evs = m.c.events("chat.destroy")
        ctx.expect(len(evs) <= 1, "%s: more than one chat.destroy: %s" % (m.c.label, short(evs)))
    for op, p in (("room.info", {}), ("messages.send", {"text": "late"}), ("messages.list", {})):
        ctx.err(await b.call(op, **p), "room-not-found", "%s after expiry" % op)
    ctx.err(await cc.req("room.join", {"roomId": room.id, "name": "Late"}), "room-not-found", "room.join after expiry")


# --------------------------------------------------------------------------------------
# Checks: ordering
# --------------------------------------------------------------------------------------

@check("seq_order_across_hosts", timeout=30)
async def _(ctx):
    room = await ctx.new_room(members=4, maxp=4, sub=(0, 1, 2, 3))
    a, b = room.members[:2]
    per = 25
    ids_a = [await a.send_nowait("messages.send", text="A%d" % i) for i in range(per)]
    ids_b = [await b.send_nowait("messages.send", text="B%d" % i) for i in range(per)]
    ra = [await a.c.wait_reply(i) for i in ids_a]
    rb = [await b.c.wait_reply(i) for i in ids_b]
    msgs = {}
    for r in ra + rb:
        m = ctx.data(r, "messages.send")["message"]
        msgs[m["seq"]] = m
    ctx.expect(sorted(msgs) == list(range(1, 2 * per + 1)),
               "send replies' seqs: expected 1..%d each once, got %s" % (2 * per, sorted(msgs)))
    # (The contract does not say that one connection's pipelined requests are run in
    # order, so the seqs of one member's own sends are not compared with its send order.)
    orders = []
    for m in room.members:
        evs = await m.c.wait_events(2 * per, "chat.message", room.id, 8)
        seqs = [e["data"].get("seq") for e in evs]
        ctx.expect(seqs == list(range(1, 2 * per + 1)),
                   "%s: expected chat.message seqs 1..%d in order, got %s" % (m.c.label, 2 * per, seqs))
        for e in evs:
            s = e["data"].get("seq")
            if s in msgs and not same_json(e["data"], msgs[s]):
                ctx.problems.append("%s: event for seq %s differs from the send reply" % (m.c.label, s))
                break
        orders.append([e["data"].get("id") for e in evs])
    ctx.expect(all(o == orders[0] for o in orders), "subscribers on different hosts saw different orders")
    lst = ctx.data(await room.members[3].call("messages.list"), "messages.list")
    ctx.expect([m.get("id") for m in lst.get("messages", [])] == orders[0],
               "messages.list order differs from the event order")


@check("history_keeps_last_1000", timeout=40)
async def _(ctx):
    # 1,104 messages from one member over 6 connections (each stays within its own burst
    # of 200): the host keeps at least the last 1,000, and `limit` defaults to 1,000.
    room = await ctx.new_room(members=1)
    a = room.members[0]
    conns = [a]
    for h in range(1, 6):
        cc = await ctx.client(h)
        ctx.data(await cc.req("room.join", {"roomId": room.id, "name": a.name, "token": a.token}), "rejoin")
        conns.append(Member(cc, room.id, a.join, a.name))
    per = 184
    total = per * len(conns)

    async def burst(m, k):
        ids = [await m.send_nowait("messages.send", text="h%d-%d" % (k, i)) for i in range(per)]
        return [await m.c.wait_reply(i, 15) for i in ids]
    results = await asyncio.gather(*(burst(m, k) for k, m in enumerate(conns)))
    codes = [code_of(r) for rs in results for r in rs]
    if not ctx.expect(codes.count("ok") == total, "%d sends over %d connections: %s"
                      % (total, len(conns), {k: codes.count(k) for k in set(codes)})):
        return
    d = ctx.data(await a.call("messages.list"), "messages.list (defaults)")
    seqs = [m.get("seq") for m in d.get("messages", [])]
    first = d.get("firstSeq")
    ctx.expect(same_json(d.get("lastSeq"), total), "lastSeq %s != %d" % (short(d.get("lastSeq")), total))
    ctx.expect(is_int(first) and 1 <= first <= total - 999,
               "firstSeq %s: at least the last 1,000 of %d messages must be kept" % (short(first), total))
    if is_int(first):
        ctx.expect(seqs == list(range(first, first + 1000)),
                   "messages.list with defaults: expected the oldest 1,000 stored (seq %d..%d), got %d messages seq %s..%s"
                   % (first, first + 999, len(seqs), seqs[:1], seqs[-1:]))
    d = ctx.data(await conns[1].call("messages.list", after=total - 10, limit=5), "messages.list after/limit")
    ctx.expect([m.get("seq") for m in d.get("messages", [])] == list(range(total - 9, total - 4)),
               "messages.list after %d limit 5: got seqs %s" % (total - 10, [m.get("seq") for m in d.get("messages", [])]))


@check("slow_reader_dropped", timeout=40)
async def _(ctx):
    # "A client that does not read: once more than 1 MiB is queued for it, the server sends
    # close 1008 and drops the TCP connection within 1 s". The close frame cannot get through
    # a full pipe, so only "dropped" is checked: the non-reading subscriber, once it reads
    # again, finds its connection closed before it got every event; a reading subscriber
    # gets them all.
    room = await ctx.new_room(members=2, maxp=3, sub=(1,))
    a, fast = room.members
    slow = await ws_connect(ctx.env.url(1), compression=None, max_size=2 ** 24, ping_interval=None,
                                    close_timeout=1, open_timeout=5, max_queue=1, read_limit=2 ** 14)
    try:
        await asyncio.wait_for(slow.recv(), 5)   # hello
        await slow.send(json.dumps({"id": 1, "op": "room.join", "roomId": room.id, "name": "Sloth"}))
        jr = json.loads(await asyncio.wait_for(slow.recv(), 5))
        ctx.data(jr, "room.join of the slow reader")
        TOKENS.setdefault(jr["data"]["token"], "Sloth (slow reader)")
        await slow.send(json.dumps({"id": 2, "op": "subscribe", "channel": room.id, "token": jr["data"]["token"]}))
        ctx.data(json.loads(await asyncio.wait_for(slow.recv(), 5)), "subscribe of the slow reader")
        # From here on the slow reader does not read.
        conns = [a]
        # ~8 MiB of events: more than the kernel can buffer on loopback (up to ~4 MiB send
        # buffer + the receiver's) plus the host's 1 MiB queue.
        for h in range(1, 22):
            cc = await ctx.client(h)
            ctx.data(await cc.req("room.join", {"roomId": room.id, "name": a.name, "token": a.token}), "rejoin")
            conns.append(Member(cc, room.id, a.join, a.name))
        per = 190
        total = per * len(conns)
        text = "😀" * 500   # 1,000 UTF-16 units, 2,000 bytes of UTF-8
        mark = len(fast.c.frames)

        # Paced in rounds of ~440 KB so that the reading subscriber (this single-threaded
        # harness) never falls 1 MiB behind: a reader that far behind may be dropped too.
        async def burst(m, n):
            ids = [await m.send_nowait("messages.send", text=text) for _ in range(n)]
            return [code_of(await m.c.wait_reply(i, 20)) for i in ids]
        t0 = time.time()
        codes = []
        step = 10
        for done in range(0, per, step):
            n = min(step, per - done)
            codes += sum(await asyncio.gather(*(burst(m, n) for m in conns)), [])
            want = (done + n) * len(conns)
            evs = await fast.c.wait_events(want, "chat.message", room.id, 10, start=mark)
            if len(evs) < want:
                break
        ctx.expect(codes.count("ok") == total, "sends: %s" % {k: codes.count(k) for k in set(codes)})
        evs = fast.c.events("chat.message", room.id, start=mark)
        ctx.expect(len(evs) == total, "the reading subscriber got %d of %d events (%.1f s; connection %s)"
                   % (len(evs), total, time.time() - t0,
                      "closed with %s" % fast.c.close_code if fast.c.closed else "open"))
        await asyncio.sleep(1.5)
        got, closed = 0, False
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 8
        try:
            while loop.time() < deadline:
                await asyncio.wait_for(slow.recv(), max(0.01, deadline - loop.time()))
                got += 1
        except ConnectionClosed:
            closed = True
        except asyncio.TimeoutError:
            pass
        ctx.expect(closed and got < total,
                   "%d events (~%.1f MiB) for a subscriber that did not read: expected its connection dropped, "
                   "but it %s after receiving %d messages" % (total, total * 2.2 / 1024, "was closed" if closed
                                                               else "was still open", got))
    finally:
        try:
            await asyncio.wait_for(slow.close(), 2)
        except Exception:
            pass


# --------------------------------------------------------------------------------------
# Checks: rate limits and idle timeout (own servers)
# --------------------------------------------------------------------------------------

@check("default_burst_200")
async def _(ctx):
    c = await ctx.client(0)
    U = random_room_id()
    ids = [await c.send_req("room.info", {"roomId": U, "token": "t" * 30}) for _ in range(200)]
    replies = [await c.wait_reply(i, 10) for i in ids]
    codes = [code_of(r) for r in replies]
    ctx.expect(codes.count("room-not-found") == 200,
               "200 back-to-back requests on a fresh connection with default limits: expected 200 room-not-found, got %s"
               % {k: codes.count(k) for k in set(codes)})
    ctx.expect(not c.closed, "connection closed (code %s)" % c.close_code)


@check("rate_limited", timeout=25)
async def _(ctx):
    c = await ctx.client(url=ctx.env.rate_url)
    room = Room(ctx.data(await c.req("room.create", {}), "room.create"))
    m = Member(c, room.id, ctx.data(await c.req("room.join", {"roomId": room.id, "name": "Rita"}), "room.join"), "Rita")
    n = 30
    mark = len(c.frames)
    ids = [await m.send_nowait("messages.send", text="rl-%d" % i) for i in range(n)]
    # Collect the next n replies whatever their id, so that a reply that fails to echo
    # the (valid) id is reported as such rather than as a timeout.
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 8
    while True:
        got = [f.msg for f in c.frames[mark:] if isinstance(f.msg, dict) and f.msg.get("type") == "reply"]
        if len(got) >= n or c.closed or loop.time() > deadline:
            break
        await c.wait_change(deadline - loop.time())
    by_id = {Client._key(r.get("id")): r for r in got}
    unmatched = [r for r in got if Client._key(r.get("id")) not in {Client._key(i) for i in ids}]
    ctx.expect(not unmatched, "replies to the 30 sends that do not echo their request id: %s" % short(unmatched[:2]))
    ctx.expect(len(got) >= n, "only %d replies to %d requests (connection %s)"
               % (len(got), n, "closed %s" % c.close_code if c.closed else "open"))
    replies = [by_id.get(Client._key(i), {"missing reply": i}) for i in ids]
    oks = [i for i, r in enumerate(replies) if r.get("ok") is True]
    limited = [r for r in replies if is_err(r, "rate-limited")]
    other = [r for r in replies if r.get("ok") is not True and not is_err(r, "rate-limited")]
    ctx.expect(not other, "unexpected replies: %s" % short(other))
    ctx.expect(len(oks) >= 8, "--rate-burst 10: only %d of the first 10 requests (2 + 30 sends) were served" % (len(oks) + 2))
    ctx.expect(limited, "--rate-burst 10 --rate-per-second 5: 32 back-to-back requests, none rate-limited")
    for r in limited:
        ra = r["error"].get("retryAfterMs")
        if not (is_int(ra) and ra > 0):
            ctx.problems.append("rate-limited reply without an integer error.retryAfterMs > 0: %s" % short(r))
            break
    if limited and is_int(limited[-1]["error"].get("retryAfterMs")):
        await asyncio.sleep(limited[-1]["error"]["retryAfterMs"] / 1000 + 0.1)
        r = await m.call("room.ttl")
        ctx.expect(r.get("ok") is True, "after waiting retryAfterMs (%s ms) the next request was refused: %s"
                   % (limited[-1]["error"]["retryAfterMs"], short(r)))
    await asyncio.sleep(2.2)
    lst = ctx.data(await m.call("messages.list"), "messages.list")
    got = [x.get("text") for x in lst.get("messages", [])]
    want = ["rl-%d" % i for i in oks]
    ctx.expect(got == want, "rate-limited sends must do nothing: stored %s, but the ok replies were for %s" % (got, want))
    ctx.expect(not c.closed, "connection closed (code %s) with fewer than 50 requests while limited" % c.close_code)


@check("rate_limited_after_store_codes")
async def _(ctx):
    # The contract's error table is "checked in this order; the first that applies is
    # returned", and lists rate-limited after bad-request, unknown-op, too-large,
    # room-not-found, unauthorized and room-full. So while a connection is limited, a request
    # to which one of those applies gets that code, not rate-limited.
    setup = [await ctx.client(url=ctx.env.rate_url) for _ in range(2)]
    rid = ctx.data(await setup[0].req("room.create", {}), "room.create")["roomId"]
    tok = ctx.data(await setup[0].req("room.join", {"roomId": rid, "name": "Ann"}), "room.join")["token"]
    ctx.data(await setup[1].req("room.join", {"roomId": rid, "name": "Ben"}), "room.join")
    c = await ctx.client(url=ctx.env.rate_url)
    flood = [await c.send_req("room.ttl", {"roomId": rid, "token": tok}) for _ in range(14)]
    probes = [
        ("room.info of an unknown room", "room.info", {"roomId": random_room_id(), "token": tok}, "room-not-found"),
        ("room.info with a wrong token", "room.info", {"roomId": rid, "token": "w" * 30}, "unauthorized"),
        ("room.join of a full room", "room.join", {"roomId": rid, "name": "Cat"}, "room-full"),
        ("room.info with a malformed roomId", "room.info", {"roomId": "bad", "token": tok}, "bad-request"),
        ("messages.send with 1001 chars", "messages.send", {"roomId": rid, "token": tok, "text": "a" * 1001}, "too-large"),
        ("an unknown op", "room.explode", {"roomId": rid, "token": tok}, "unknown-op"),
        ("control: room.ttl of a member (must be rate-limited)", "room.ttl", {"roomId": rid, "token": tok}, "rate-limited"),
    ]
    pids = [await c.send_req(op, p) for _, op, p, _ in probes]
    fl = [code_of(await c.wait_reply(i)) for i in flood]
    if not ctx.expect("rate-limited" in fl, "14 back-to-back requests with --rate-burst 10 were not limited: %s" % fl):
        return
    for (what, op, p, code), i in zip(probes, pids):
        ctx.err(await c.wait_reply(i), code, "while the connection is rate-limited: %s" % what)


def parse_server_frames(data):
    """Unmasked server frames in data -> [(opcode, payload)] (an incomplete tail is left out)."""
    out, i = [], 0
    while i + 2 <= len(data):
        b1 = data[i + 1]
        op, n, j = data[i] & 0x0F, b1 & 0x7F, i + 2
        if n == 126:
            n, j = int.from_bytes(data[j:j + 2], "big"), j + 2
        elif n == 127:
            n, j = int.from_bytes(data[j:j + 8], "big"), j + 8
        if b1 & 0x80:
            j += 4
        if j + n > len(data):
            break
        out.append((op, data[j:j + n]))
        i = j + n
    return out


def raw_ws_burst(url, frames, timeout=5.0):
    """Blocking: open a WebSocket by hand, write `frames` back to back while a thread reads
    everything the server sends (answering its close frame as RFC 6455 wants) until
    EOF/reset. Returns (server frames [(opcode, payload)], how the stream ended, frames
    written). Used where a client library's own close handling (e.g. on a write error)
    would hide what the server actually sent."""
    import base64 as b64
    import socket
    m = re.match(r"wss?://([^/:]+):(\d+)(/.*)", url)
    s = socket.create_connection((m.group(1), int(m.group(2))), timeout=timeout)
    if tls_context(url):
        s = tls_context(url).wrap_socket(s, server_hostname=m.group(1))
        check_pin(url, s)
    key = b64.b64encode(os.urandom(16)).decode()
    s.sendall(("GET %s HTTP/1.1\r\nHost: %s:%s\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
               "Sec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\n\r\n"
               % (m.group(3), m.group(1), m.group(2), key)).encode())
    buf = b""
    while b"\r\n\r\n" not in buf:
        d = s.recv(4096)
        if not d:
            raise CheckFail("handshake: connection closed")
        buf += d
    state = {"data": buf.split(b"\r\n\r\n", 1)[1], "end": "timeout", "closing": False}
    lock = threading.Lock()

    def reader():
        try:
            while True:
                d = s.recv(65536)
                if not d:
                    state["end"] = "EOF"
                    return
                state["data"] += d
                if not state["closing"]:
                    close = [p for op, p in parse_server_frames(state["data"]) if op == 0x8]
                    if close:
                        state["closing"] = True
                        with lock:
                            try:
                                s.sendall(raw_ws_frame(0x8, close[0][:2]))
                            except OSError:
                                pass
        except socket.timeout:
            state["end"] = "still open %.0f s after the last byte" % timeout
        except OSError as e:
            state["end"] = "reset (%s)" % e.__class__.__name__
    t = threading.Thread(target=reader, daemon=True)
    t.start()
    sent = 0
    for f in frames:
        if state["closing"]:
            break
        try:
            with lock:
                s.sendall(f)
            sent += 1
        except OSError:
            break
    t.join(timeout + 1)
    s.close()
    return parse_server_frames(state["data"]), state["end"], sent


@check("rate_limit_abuse_1008")
async def _(ctx):
    # Checked on the bytes the server sends (raw socket + reading thread): with a client
    # library that is still writing when the host closes, a write error may make the library
    # report 1006 although the host's close frame had arrived (see the report).
    # Requests about a live room with a member's token, so that "rate-limited" is the only
    # code that can apply to them whatever the check order.
    setup = await ctx.client(url=ctx.env.rate_url)
    rid = ctx.data(await setup.req("room.create", {}), "room.create")["roomId"]
    tok = ctx.data(await setup.req("room.join", {"roomId": rid, "name": "Abuser"}), "room.join")["token"]
    frames = [raw_ws_frame(0x1, json.dumps({"id": i + 1, "op": "room.ttl", "roomId": rid, "token": tok}).encode())
              for i in range(100)]
    got, end, sent = await asyncio.get_running_loop().run_in_executor(None, raw_ws_burst, ctx.env.rate_url, frames)
    closes = [p for op, p in got if op == 0x8]
    codes = [int.from_bytes(p[:2], "big") if len(p) >= 2 else None for p in closes]
    replies = [json.loads(p) for op, p in got if op == 0x1]
    limited = sum(1 for r in replies if is_err(r, "rate-limited"))
    ctx.expect(codes == [1008], "%d back-to-back requests with --rate-burst 10 (>50 while limited): expected one close "
               "frame 1008, got close codes %s after %d replies (%d rate-limited); stream ended: %s"
               % (sent, codes, len(replies), limited, end))
    ctx.expect(end == "EOF" or end.startswith("reset"),
               "the host did not end the TCP connection after its close frame (%s)" % end)
    ctx.expect(limited <= 51 + 5, "%d requests were answered rate-limited before the close (limit: more than 50)" % limited)


@check("idle_timeout_1001", timeout=20)
async def _(ctx):
    idle = await ctx.client(url=ctx.env.idle_url)
    busy = await ctx.client(url=ctx.env.idle_url)
    t0 = time.time()

    pongs = []

    async def keep_pinging():
        while time.time() - t0 < 4.5 and not busy.closed:
            try:
                w = await busy.ws.ping()
                await asyncio.wait_for(w, 2)
                pongs.append(round(time.time() - t0, 2))
            except Exception:
                return
            await asyncio.sleep(0.5)
    await asyncio.gather(keep_pinging(), idle.wait_closed(6))
    ctx.expect(idle.closed and idle.close_code == 1001,
               "--idle-timeout 2: a silent connection expected close 1001, got %s"
               % ("close %s" % idle.close_code if idle.closed else "still open after 6 s"))
    if idle.closed:
        ctx.expect(idle.close_t - t0 >= 1.5, "--idle-timeout 2: closed already after %.1f s" % (idle.close_t - t0))
    ctx.expect(not busy.closed, "--idle-timeout 2: a connection sending a WebSocket ping every 0.5 s (pongs "
               "received at %s s) was closed with code %s after %.2f s" % (pongs, busy.close_code, (busy.close_t or 0) - t0))
    if not busy.closed:
        r = await busy.req("room.create", {})
        ctx.expect(r.get("ok") is True, "pinging connection no longer served: %s" % short(r))


# --------------------------------------------------------------------------------------
# Checks: storage (two-hosts mode: the shared Redis is ours)
# --------------------------------------------------------------------------------------

@check("storage_key_names", redis=True)
async def _(ctx):
    room = await ctx.new_room(members=2, sub=(0,))
    a, b = room.members
    ctx.data(await b.call("messages.send", text="stored"), "messages.send")
    r = ctx.env.redis
    keys = await r.keys_with(room.id)
    ctx.expect(keys, "no Redis key contains the room ID")
    tag = ("{%s}" % room.id).encode()
    bad = [k for k in keys if tag not in k]
    ctx.expect(not bad, "keys containing the room ID without the hash tag {roomId}: %s" % bad)
    types = {k: await r.cmd("TYPE", k) for k in keys}
    meta = [k for k in keys if k.endswith(b"meta:" + tag)]
    msgs = [k for k in keys if k.endswith(b"messages:" + tag)]
    ctx.expect(len(meta) == 1 and types[meta[0]] == "hash", "expected one hash key [prefix]meta:{roomId}, keys: %s" % types)
    ctx.expect(len(msgs) == 1 and types[msgs[0]] == "list", "expected one list key [prefix]messages:{roomId}, keys: %s" % types)


@check("storage_key_expiry", redis=True)
async def _(ctx):
    room = await ctx.new_room(members=2, ttl=300)
    a, b = room.members
    await asyncio.sleep(1.5)   # activity later than creation must not move the expiry
    ctx.data(await a.call("messages.send", text="later"), "messages.send")
    ctx.data(await b.call("subscribe"), "subscribe")
    ctx.data(await b.call("room.leave"), "room.leave")
    keys = await ctx.env.redis.keys_with(room.id)
    ctx.expect(keys, "no Redis key contains the room ID")
    for k in keys:
        t = await ctx.env.redis.cmd("PEXPIRETIME", k)
        ctx.expect(is_int(t) and abs(t - room.expires) <= 1000,
                   "key %r expires at %s, expected expiresAt %d (PEXPIREAT; activity never extends it)"
                   % (k, t, room.expires))


@check("storage_pubsub_channel", redis=True)
async def _(ctx):
    room = await ctx.new_room(members=2, sub=(0, 1))
    a, b = room.members
    if isinstance(ctx.env.redis, ClusterRedis):
        return await sharded_pubsub_channel(ctx, room)
    sub = Redis(ctx.env.redis.path)
    await sub.connect()
    try:
        msg = await push_after_send(ctx, a, sub, ["PSUBSCRIBE", "*%s*" % room.id])
        ctx.expect(isinstance(msg, list) and len(msg) == 4 and msg[0] == b"pmessage",
                   "no publish on any channel containing the room ID after messages.send")
        if isinstance(msg, list) and len(msg) == 4:
            ctx.expect(("{%s}" % room.id).encode() in msg[2],
                       "events published on channel %r, which lacks {roomId}" % msg[2])
    finally:
        sub.close()
    chans = await ctx.env.redis.cmd("PUBSUB", "CHANNELS", "*%s*" % room.id)
    bad = [ch for ch in chans or [] if ("{%s}" % room.id).encode() not in ch]
    ctx.expect(not bad, "subscribed channels containing the room ID but not {roomId}: %s" % bad)


async def push_after_send(ctx, sender, sub, subscribe):
    """Subscribes sub (a Redis link of the suite's own) with the subscribe command, sends a
    message as sender and returns the next push sub hears (None within 3 s)."""
    sub.w.write(Redis.encode(subscribe))
    await sub.w.drain()
    await asyncio.wait_for(sub.read(), 3)
    ctx.data(await sender.call("messages.send", text="fan out"), "messages.send")
    try:
        return await asyncio.wait_for(sub.read(), 3)
    except asyncio.TimeoutError:
        return None


async def sharded_pubsub_channel(ctx, room):
    """storage_pubsub_channel on a Redis Cluster: sharded pub/sub has no patterns, so the
    room's channels are found with PUBSUB SHARDCHANNELS on every master, then heard there."""
    a, b = room.members
    r = ctx.env.redis
    found = []
    for addr in await r.masters():
        for ch in await (await r.node(addr)).cmd("PUBSUB", "SHARDCHANNELS", "*%s*" % room.id) or []:
            found.append((addr, ch))
    ctx.expect(found, "no sharded channel containing the room ID is subscribed on any master")
    bad = [ch for _, ch in found if ("{%s}" % room.id).encode() not in ch]
    ctx.expect(not bad, "subscribed channels containing the room ID but not {roomId}: %s" % bad)
    if not found:
        return
    addr, channel = found[0]
    sub = TcpRedis(*addr)
    await sub.connect()
    try:
        msg = await push_after_send(ctx, a, sub, ["SSUBSCRIBE", channel])
        ctx.expect(isinstance(msg, list) and len(msg) == 3 and msg[0] == b"smessage",
                   "no SPUBLISH on the room's channel %r after messages.send" % channel)
    finally:
        sub.close()


# --------------------------------------------------------------------------------------
# Final checks over the whole run
# --------------------------------------------------------------------------------------

@check("token_privacy_frames", final=True)
async def _(ctx):
    ctx.expect(TOKENS, "no token was issued during the run")
    leaks = []
    frames = 0
    for c in ALL_CLIENTS:
        for f in c.frames:
            frames += 1
            for tok, owner in TOKENS.items():
                if tok in f.raw and tok not in f.allowed:
                    leaks.append("token of %s appeared in a frame to %s: %s" % (owner, c.label, short(f.raw, 200)))
    ctx.expect(not leaks, "%d leaks over %d frames; first: %s" % (len(leaks), frames, "; ".join(leaks[:3])))


@check("frame_shapes", final=True)
async def _(ctx):
    probs = []
    for c in ALL_CLIENTS:
        for i, f in enumerate(c.frames):
            m = f.msg
            where = "%s frame %d" % (c.label, i)
            if f.binary:
                probs.append("%s: binary frame from the server" % where)
                continue
            if not isinstance(m, dict):
                probs.append("%s: not a JSON object: %s" % (where, short(f.raw, 120)))
                continue
            t = m.get("type")
            if t == "hello":
                if i != 0:
                    probs.append("%s: hello not as the first frame" % where)
            elif t == "reply":
                if "id" not in m or not isinstance(m.get("ok"), bool):
                    probs.append("%s: reply without id/ok: %s" % (where, short(m, 160)))
                elif m["ok"]:
                    if not isinstance(m.get("data"), dict):
                        probs.append("%s: ok reply without data object: %s" % (where, short(m, 160)))
                else:
                    e = m.get("error")
                    if not (isinstance(e, dict) and e.get("code") in ERROR_CODES and isinstance(e.get("message"), str)
                            and e["message"].strip()):
                        probs.append("%s: error reply without a known code and a non-empty message: %s" % (where, short(m, 160)))
                    elif e["code"] == "rate-limited" and not (is_int(e.get("retryAfterMs")) and e["retryAfterMs"] > 0):
                        probs.append("%s: rate-limited without retryAfterMs: %s" % (where, short(m, 160)))
            elif t == "event":
                if not (isinstance(m.get("channel"), str) and isinstance(m.get("event"), str) and isinstance(m.get("data"), dict)):
                    probs.append("%s: event without channel/event/data: %s" % (where, short(m, 160)))
                elif m["event"] == "chat.message":
                    probs.extend(msg_shape_problems(m["data"], where)[:1])
                elif m["event"] in ("presence.join", "presence.leave"):
                    d = m["data"]
                    if not (isinstance(d.get("participantId"), str) and isinstance(d.get("name"), str)):
                        probs.append("%s: presence event data %s" % (where, short(d)))
            else:
                probs.append("%s: unknown frame type: %s" % (where, short(m, 160)))
    ctx.expect(not probs, "%d malformed frames; first: %s" % (len(probs), "; ".join(probs[:4])))


@check("storage_token_not_in_clear", redis=True, final=True)
async def _(ctx):
    r = ctx.env.redis
    keys = await r.all_keys()
    ctx.expect(keys, "the shared Redis holds no keys at the end of the run (vacuous)")
    toks = [t.encode() for t in TOKENS]
    hits = []
    for k in keys:
        typ, vals = await r.values_of(k)
        for t in toks:
            if t in k:
                hits.append("key name %r" % k)
            for v in vals:
                if t in v:
                    hits.append("a %s value of key %r" % (typ, k))
                    break
    ctx.expect(not hits, "a token is stored in clear in Redis: %s" % "; ".join(sorted(set(hits))[:5]))


@check("redis_outage_unavailable_and_resync", redis="ours", final=True, timeout=45)
async def _(ctx):
    # Runs last but one: it stops the shared Redis and starts an empty one in its place.
    # "unavailable: the store (Redis) cannot be reached right now"; "room.resync — the host may
    # have missed events of this room (its Redis link dropped and came back)"; "A
    # room-not-found after a resync means the room is gone (e.g. its Redis restarted)".
    room = await ctx.new_room(members=2, sub=(0, 1))
    a, b = room.members
    marks = [len(a.c.frames), len(b.c.frames)]
    ctx.env.redis.close()
    ctx.env.redis = None
    ctx.env.redis_ctl.stop()
    await asyncio.sleep(0.3)
    for m, op, p in ((a, "messages.send", {"text": "while down"}), (b, "room.info", {}), (b, "messages.list", {})):
        r = await m.call(op, timeout=10, **p)
        ctx.err(r, "unavailable", "%s on host %s while Redis is down" % (op, m.c.label[-2:]))
    for h in range(len(ctx.env.urls)):
        c = await ctx.client(h)
        ctx.err(await c.req("room.create", {}, timeout=10), "unavailable", "room.create on host %d while Redis is down" % h)
    await asyncio.sleep(0.5)
    ctx.env.redis = await ctx.env.redis_ctl.start()
    # Every host comes back (no time is promised; 15 s allowed).
    for h in range(len(ctx.env.urls)):
        c = await ctx.client(h)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 15
        r = None
        while loop.time() < deadline:
            r = await c.req("room.create", {}, timeout=10)
            if r.get("ok"):
                break
            await asyncio.sleep(0.3)
        ctx.expect(r and r.get("ok"), "host %d did not serve room.create within 15 s after Redis came back: %s"
                   % (h, short(r)))
    for m, mk in zip((a, b), marks):
        evs = await m.c.wait_events(1, "room.resync", room.id, 5, start=mk)
        ctx.expect(len(evs) >= 1 and isinstance(evs[0].get("data", {}).get("reason"), str),
                   "%s: subscriber got no room.resync {reason} after its host's Redis link dropped and came back "
                   "(events: %s)" % (m.c.label, short(m.c.events(start=mk))))
    # The process behind a's connection may be another than the one room.create just reached
    # (--workers: the kernel picks one per connection); it too gets the 15 s to come back.
    deadline = asyncio.get_running_loop().time() + 15
    while True:
        r = await a.call("room.info")
        if (r.get("error") or {}).get("code") != "unavailable" or asyncio.get_running_loop().time() > deadline:
            break
        await asyncio.sleep(0.3)
    ctx.err(r, "room-not-found", "room.info after Redis restarted empty")
    ctx.expect(not a.c.closed and not b.c.closed, "client connections were closed by the Redis outage")


@check("servers_alive", final=True)
async def _(ctx):
    for s in ctx.env.servers:
        ctx.expect(s.p.poll() is None, "%s exited during the run with status %s; stderr tail %r"
                   % (s.name, s.p.poll(), s.stderr_tail(300)))


@check("cli_stdout_single_line", final=True)
async def _(ctx):
    for s in ctx.env.servers:
        want = 2 if getattr(s, "fingerprint", None) else 1  # over TLS: and its fingerprint line
        ctx.expect(len(s.lines) == want, "%s printed %d stdout lines, expected exactly the 'listening on' line (and the fingerprint over TLS): %s"
                   % (s.name, len(s.lines), short(s.lines)))


@check("sigterm_stops_server", final=True)
async def _(ctx):
    for s in ctx.env.servers:
        if s.p.poll() is not None:
            continue
        s.p.send_signal(signal.SIGTERM)
        t0 = time.time()
        while s.p.poll() is None and time.time() - t0 < 5:
            await asyncio.sleep(0.05)
        if not ctx.expect(s.p.poll() is not None, "%s still running 5 s after SIGTERM" % s.name):
            continue
        # Anything it started in its process group (e.g. its embedded Redis) must be gone too.
        while time.time() - t0 < 5:
            try:
                os.killpg(s.p.pid, 0)
            except ProcessLookupError:
                break
            await asyncio.sleep(0.05)
        else:
            ctx.problems.append("%s exited but processes of its group are still running" % s.name)


# --------------------------------------------------------------------------------------
# Runner
# --------------------------------------------------------------------------------------

async def run_checks(env, only, results):
    for final in (False, True):
        for name, fn, timeout, needs_redis, is_final in CHECKS:
            if is_final != final or (needs_redis and env.redis is None):
                continue
            if needs_redis == "ours" and env.redis_ctl is None:
                continue
            if only and not re.search(only, name):
                continue
            ctx = Ctx(env, name)
            try:
                await asyncio.wait_for(fn(ctx), timeout)
            except CheckFail as e:
                ctx.problems.append(str(e))
            except asyncio.TimeoutError:
                ctx.problems.append("check timed out after %ss" % timeout)
            except Exception as e:
                ctx.problems.append("harness exception %s: %s" % (type(e).__name__, e))
            finally:
                try:
                    await asyncio.wait_for(ctx.close_clients(), 5)
                except Exception:
                    pass
            ok = not ctx.problems
            results.append((name, ok))
            if ok:
                print("PASS %s" % name, flush=True)
            else:
                txt = " | ".join(ctx.problems[:6]) + (" | (+%d more)" % (len(ctx.problems) - 6) if len(ctx.problems) > 6 else "")
                print("FAIL %s: %s" % (name, txt.replace("\n", "\\n")), flush=True)


async def amain(args, tmp, results):
    servers = []
    redis = None
    redis_ctl = None
    extra = args.server_args.split()
    if args.mode == "two-hosts" and args.redis_url:
        # A Redis the caller runs: the outage check, which stops a Redis of our own, is left
        # out; the storage checks read a Redis Cluster, and are left out for anything else.
        extra += ["--redis", args.redis_url]
        seeds = cluster_seeds(args.redis_url)
        if seeds:  # its storage can be read, not stopped
            redis = ClusterRedis(seeds)
            await redis.connect()
    elif args.mode == "two-hosts":
        sock = os.path.join(tmp, "r.sock")
        redis_ctl = RedisProcess(args.redis_server, sock, tmp)
        redis = await redis_ctl.start()
        extra += ["--redis", "unix://" + sock]
    names = ["host0"] + (["host1"] if args.mode == "two-hosts" else [])
    for n in names:
        servers.append(Server(args.server, n, extra, tmp))
    servers.append(Server(args.server, "rate", extra + ["--rate-burst", "10", "--rate-per-second", "5"], tmp))
    servers.append(Server(args.server, "idle", extra + ["--idle-timeout", "2"], tmp))
    deadline = time.time() + 20
    for s in servers:
        await asyncio.get_running_loop().run_in_executor(None, s.wait_ready, deadline)
    env = Env(args.mode, [s.url for s in servers[:len(names)]], servers[-2].url, servers[-1].url, redis, servers)
    env.redis_ctl = redis_ctl
    await run_checks(env, args.only, results)
    if env.redis:
        env.redis.close()


def schema_agrees(path):
    """Whether the host's schema names what this suite knows: a new op or a changed limit on
    one side and not the other fails here, before any frame is sent."""
    with open(path, encoding="utf-8") as f:
        dump = json.load(f)
    if dump.get("protocol") != 1:
        return False, "protocol %r, expected 1" % dump.get("protocol")
    ops = {o["name"]: o["access"] for o in dump["ops"]}
    missing = {k: v for k, v in CONTRACT_OPS.items() if ops.get(k) != v}
    if missing:
        return False, "ops differ: the suite has %s, the schema %s" % (missing, {k: ops.get(k) for k in missing})
    events = {e["name"] for e in dump["events"]}
    if not CONTRACT_EVENTS <= events:
        return False, "events missing from the schema: %s" % sorted(CONTRACT_EVENTS - events)
    # Codes the host adds (in rooms only its additions make) are not v1's: the rest must be.
    v1_errors = set(dump["errors"]) - set(dump.get("errorAdditions", []))
    if v1_errors != ERROR_CODES:
        return False, "error codes differ: %s" % sorted(v1_errors ^ ERROR_CODES)
    wrong = {k: (v, dump["limits"].get(k)) for k, v in CONTRACT_LIMITS.items() if dump["limits"].get(k) != v}
    if wrong:
        return False, "limits differ (suite, schema): %s" % wrong
    # Additions are fine, but each must be optional for a v1 client.
    for o in dump["ops"]:
        if o["name"] not in CONTRACT_OPS:
            continue
        for f in o["params"]:
            if f.get("addition") and f["required"]:
                return False, "%s: the addition %s is required" % (o["name"], f["name"])
    return True, ""


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    repo = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    ap.add_argument("--server", default=os.environ.get("PC_SERVER_BINARY", os.path.join(repo, "build/server/privatechat-server")))
    ap.add_argument("--mode", choices=("single", "two-hosts"), default="single")
    ap.add_argument("--redis-server", default=shutil.which("redis-server") or "/usr/bin/redis-server")
    ap.add_argument("--redis-url", help="two-hosts mode: the hosts share this Redis (e.g. redis+cluster://…) "
                    "instead of one the runner starts; the outage check is skipped, and the storage "
                    "checks too unless it is a redis+cluster:// URL (they read the cluster)")
    ap.add_argument("--only", help="regex: run only the checks whose name matches")
    ap.add_argument("--server-args", default="", help="more arguments for every host, space-separated (e.g. \"--workers 2\")")
    ap.add_argument("--keep-logs", action="store_true", help="keep the temp dir with server stderr logs")
    ap.add_argument("--tls", action="store_true", help="speak wss:// to the hosts, pinned to the fingerprint each prints")
    ap.add_argument("--schema", help="the host's schema dump (generated/schema.json) to compare with this suite's tables")
    args = ap.parse_args()
    TLS["on"] = args.tls

    results = []
    tmp = tempfile.mkdtemp(prefix="pc-contract-")
    finished = threading.Event()

    def summary():
        passed = sum(1 for _, ok in results if ok)
        print("%d passed, %d failed" % (passed, len(results) - passed), flush=True)
        return passed == len(results) and len(results) > 0

    def abort(why):
        print("FAIL run: %s" % why, flush=True)
        results.append(("run", False))
        kill_children()
        if not args.keep_logs:
            shutil.rmtree(tmp, ignore_errors=True)
        summary()
        os._exit(1)

    def on_signal(signum, frame):
        abort("interrupted by signal %d" % signum)

    def watchdog():
        if not finished.wait(RUN_BUDGET):
            abort("whole run exceeded %ds" % RUN_BUDGET)

    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, on_signal)
    threading.Thread(target=watchdog, daemon=True).start()

    if args.schema:
        ok, why = schema_agrees(args.schema)
        print(("PASS schema_dump_agrees" if ok else "FAIL schema_dump_agrees: " + why), flush=True)
        results.append(("schema_dump_agrees", ok))

    if not os.access(args.server, os.X_OK):
        print("FAIL setup: server binary %s not found or not executable" % args.server)
        results.append(("setup", False))
    else:
        try:
            asyncio.run(amain(args, tmp, results))
        except SetupError as e:
            print("FAIL setup: %s" % e, flush=True)
            results.append(("setup", False))
        except Exception as e:
            print("FAIL run: harness exception %s: %s" % (type(e).__name__, e), flush=True)
            results.append(("run", False))
        finally:
            kill_children()
    finished.set()
    if args.keep_logs:
        print("logs kept in %s" % tmp, file=sys.stderr)
    else:
        shutil.rmtree(tmp, ignore_errors=True)
    sys.exit(0 if summary() else 1)


if __name__ == "__main__":
    main()
