'use strict';
// A minimal WebSocket client (RFC 6455) on Node's net sockets — libuv, so epoll — for the
// load generator. Written here rather than taken from `ws` so that one generator core can
// drive more traffic than the servers it measures: no per-connection emitter chains, no
// string decoding unless asked, frames handed over as (buffer, start, end).

const net = require('net');
const tls = require('tls');
const crypto = require('crypto');

// Client frames must be masked; keys come from a random pool refilled as it runs out.
let maskPool = crypto.randomBytes(1 << 16);
let maskAt = 0;
function takeMask(buf, at) {
  if (maskAt + 4 > maskPool.length) {
    maskPool = crypto.randomBytes(1 << 16);
    maskAt = 0;
  }
  buf[at] = maskPool[maskAt];
  buf[at + 1] = maskPool[maskAt + 1];
  buf[at + 2] = maskPool[maskAt + 2];
  buf[at + 3] = maskPool[maskAt + 3];
  maskAt += 4;
}

// A masked client frame of `len` payload bytes: the header and mask written, the payload left
// to the caller at the returned offset.
function allocFrame(opcode, len) {
  const head = len < 126 ? 2 : len < 65536 ? 4 : 10;
  const buf = Buffer.allocUnsafe(head + 4 + len);
  buf[0] = 0x80 | opcode;
  if (len < 126) {
    buf[1] = 0x80 | len;
  } else if (len < 65536) {
    buf[1] = 0x80 | 126;
    buf.writeUInt16BE(len, 2);
  } else {
    buf[1] = 0x80 | 127;
    buf.writeUInt32BE(0, 2);
    buf.writeUInt32BE(len, 6);
  }
  takeMask(buf, head);
  return { buf, head };
}

function encodeFrame(opcode, payload) {
  const len = payload.length;
  const { buf, head } = allocFrame(opcode, len);
  const m0 = buf[head], m1 = buf[head + 1], m2 = buf[head + 2], m3 = buf[head + 3];
  const at = head + 4;
  for (let i = 0; i < len; i += 4) {
    buf[at + i] = payload[i] ^ m0;
    if (i + 1 < len) buf[at + i + 1] = payload[i + 1] ^ m1;
    if (i + 2 < len) buf[at + i + 2] = payload[i + 2] ^ m2;
    if (i + 3 < len) buf[at + i + 3] = payload[i + 3] ^ m3;
  }
  return buf;
}

// Text frames: the payload is written straight into the frame buffer, then masked in place.
function encodeText(str) {
  const len = Buffer.byteLength(str);
  const { buf, head } = allocFrame(0x1, len);
  const at = head + 4;
  buf.write(str, at, len, 'utf8');
  const m0 = buf[head], m1 = buf[head + 1], m2 = buf[head + 2], m3 = buf[head + 3];
  const end = at + len;
  let i = at;
  for (; i + 3 < end; i += 4) {
    buf[i] ^= m0;
    buf[i + 1] ^= m1;
    buf[i + 2] ^= m2;
    buf[i + 3] ^= m3;
  }
  const m = [m0, m1, m2, m3];
  for (let k = 0; i < end; ++i, ++k) buf[i] ^= m[k];
  return buf;
}

const CRLF2 = Buffer.from('\r\n\r\n');

const pinOf = (sock) => crypto.createHash('sha256').update(sock.getPeerCertificate().raw).digest('base64url');

class WsConn {
  // opts: host, port, path, localAddress, and for wss:// fingerprint (the host's pin: base64url
  // SHA-256 of its DER certificate, as in an invite); handlers: onOpen(conn), onText(conn,
  // string), onClose(conn, reason)
  constructor(opts, handlers) {
    this.opts = opts;
    this.h = handlers;
    this.sock = null;
    this.open = false;
    this.closed = false;
    this.pending = null; // unparsed bytes
    this.fragments = null; // continuation frames of a text message
    this.closeCode = 0;
  }

  connect() {
    const { host, port, path, localAddress, fingerprint } = this.opts;
    // wss://: the certificate is self-signed, so it is checked as the app checks it, by its pin.
    const sock = fingerprint
      ? tls.connect({ host, port, localAddress, rejectUnauthorized: false, minVersion: 'TLSv1.3' })
      : net.connect({ host, port, localAddress });
    this.sock = sock;
    sock.setNoDelay(true);
    sock.on(fingerprint ? 'secureConnect' : 'connect', () => {
      if (fingerprint && pinOf(sock) !== fingerprint) return this.finish('not-the-pinned-host');
      const key = crypto.randomBytes(16).toString('base64');
      sock.write(
        `GET ${path} HTTP/1.1\r\nHost: ${host}:${port}\r\nUpgrade: websocket\r\n` +
          `Connection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
      );
    });
    sock.on('data', (chunk) => this.onData(chunk));
    sock.on('error', (err) => this.finish(err.code || String(err)));
    sock.on('close', () => this.finish(this.open ? 'closed' : 'closed-before-open'));
    return this;
  }

  finish(reason) {
    if (this.closed) return;
    this.closed = true;
    this.open = false;
    if (this.sock) this.sock.destroy();
    this.h.onClose(this, reason);
  }

  onData(chunk) {
    let buf = this.pending ? Buffer.concat([this.pending, chunk]) : chunk;
    this.pending = null;
    let at = 0;
    if (!this.open) {
      const end = buf.indexOf(CRLF2);
      if (end < 0) {
        if (buf.length > 16384) return this.finish('bad-handshake');
        this.pending = buf;
        return;
      }
      const status = buf.toString('latin1', 0, Math.min(end, 32));
      if (!status.startsWith('HTTP/1.1 101')) return this.finish('handshake-' + status.slice(9, 12));
      this.open = true;
      at = end + 4;
      this.h.onOpen(this);
      if (this.closed) return;
    }
    const len = buf.length;
    while (at + 2 <= len) {
      const b0 = buf[at];
      const b1 = buf[at + 1];
      let size = b1 & 0x7f;
      let head = 2;
      if (size === 126) {
        if (at + 4 > len) break;
        size = buf.readUInt16BE(at + 2);
        head = 4;
      } else if (size === 127) {
        if (at + 10 > len) break;
        size = buf.readUInt32BE(at + 2) * 4294967296 + buf.readUInt32BE(at + 6);
        head = 10;
      }
      if (b1 & 0x80) return this.finish('masked-server-frame');
      const start = at + head;
      const stop = start + size;
      if (stop > len) break;
      const opcode = b0 & 0x0f;
      const fin = (b0 & 0x80) !== 0;
      if (opcode === 1 || opcode === 0) {
        if (opcode === 1 && fin) {
          this.h.onText(this, buf.toString('latin1', start, stop));
        } else {
          if (opcode === 1) this.fragments = [];
          if (this.fragments) this.fragments.push(buf.subarray(start, stop));
          if (fin && this.fragments) {
            const whole = Buffer.concat(this.fragments);
            this.fragments = null;
            this.h.onText(this, whole.toString('latin1'));
          }
        }
      } else if (opcode === 9) {
        this.sock.write(encodeFrame(10, buf.subarray(start, stop)));
      } else if (opcode === 8) {
        this.closeCode = size >= 2 ? buf.readUInt16BE(start) : 1005;
        if (this.sock.writable) this.sock.end(encodeFrame(8, buf.subarray(start, Math.min(stop, start + 2))));
        return this.finish('close-' + this.closeCode);
      }
      if (this.closed) return;
      at = stop;
    }
    if (at < len) this.pending = at === 0 ? buf : buf.subarray(at);
  }

  sendText(str) {
    if (!this.open) return false;
    this.sock.write(encodeText(str));
    return true;
  }

  close() {
    if (this.closed) return;
    if (this.open && this.sock.writable) this.sock.end(encodeFrame(8, Buffer.from([0x03, 0xe8])));
    // Do not wait for the server's close: the generator moves on.
    setTimeout(() => this.finish('closed-by-us'), 200).unref();
  }

  destroy() {
    this.finish('destroyed');
  }
}

module.exports = { WsConn, encodeText };
