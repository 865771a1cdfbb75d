#include "conn.h"

#include "base64.h"
#include "ws_frame.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/sha.h>
#include <openssl/x509.h>
#include <sys/epoll.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace {

// Client frames must be masked; keys come from a random pool refilled as it runs out.
unsigned char maskPool[1 << 16];
size_t maskAt = sizeof maskPool;
const unsigned char *takeMask()
{
    if (maskAt + 4 > sizeof maskPool) {
        for (size_t got = 0; got < sizeof maskPool;) {
            ssize_t r = getrandom(maskPool + got, sizeof maskPool - got, 0);
            if (r > 0)
                got += size_t(r);
        }
        maskAt = 0;
    }
    maskAt += 4;
    return maskPool + maskAt - 4;
}

std::string errName(int e)
{
    const char *n = strerrorname_np(e);
    return n ? n : "E" + std::to_string(e);
}

// The pin as the host prints it: base64url of the SHA-256 of the DER certificate.
std::string pinOf(SSL *ssl)
{
    X509 *cert = SSL_get1_peer_certificate(ssl);
    if (!cert)
        return {};
    unsigned char *der = nullptr;
    int len = i2d_X509(cert, &der);
    X509_free(cert);
    if (len <= 0)
        return {};
    unsigned char md[SHA256_DIGEST_LENGTH];
    SHA256(der, size_t(len), md);
    OPENSSL_free(der);
    return base64(md, sizeof md, true);
}

thread_local unsigned char readBuf[1 << 16];

} // namespace

void Conn::connect(const Target &t, SSL_CTX *tls)
{
    t_ = t;
    state_ = Connecting;
    fd_ = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd_ < 0)
        return finish(errName(errno));
    int one = 1;
    setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    setsockopt(fd_, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
    sockaddr_in src {}, dst {};
    src.sin_family = dst.sin_family = AF_INET;
    inet_pton(AF_INET, t.source.c_str(), &src.sin_addr);
    inet_pton(AF_INET, t.host.c_str(), &dst.sin_addr);
    dst.sin_port = htons(uint16_t(t.port));
    if (bind(fd_, reinterpret_cast<sockaddr *>(&src), sizeof src) < 0)
        return finish(errName(errno));
    epoll_event ev {};
    ev.events = EPOLLIN | EPOLLOUT;
    ev.data.u64 = tag_;
    epoll_ctl(ep_, EPOLL_CTL_ADD, fd_, &ev);
    watchingOut_ = true;
    if (!t.fingerprint.empty()) {
        ssl_ = SSL_new(tls);
        SSL_set_fd(ssl_, fd_);
        SSL_set_connect_state(ssl_);
    }
    if (::connect(fd_, reinterpret_cast<sockaddr *>(&dst), sizeof dst) < 0 && errno != EINPROGRESS)
        return finish(errName(errno));
}

void Conn::watch(bool out)
{
    if (out == watchingOut_ || fd_ < 0)
        return;
    watchingOut_ = out;
    epoll_event ev {};
    ev.events = EPOLLIN | (out ? uint32_t(EPOLLOUT) : 0u);
    ev.data.u64 = tag_;
    epoll_ctl(ep_, EPOLL_CTL_MOD, fd_, &ev);
}

void Conn::drop()
{
    if (ssl_)
        SSL_free(ssl_);
    ssl_ = nullptr;
    if (fd_ >= 0)
        close(fd_); // also leaves the epoll set
    fd_ = -1;
    state_ = Closed;
    in_.clear();
    out_.clear();
    frag_.clear();
}

void Conn::finish(const std::string &reason)
{
    if (state_ == Closed)
        return;
    drop();
    h_.onClose(*this, reason);
}

void Conn::onEvents(uint32_t events)
{
    if (state_ == Connecting) {
        int err = 0;
        socklen_t len = sizeof err;
        getsockopt(fd_, SOL_SOCKET, SO_ERROR, &err, &len);
        if (err)
            return finish(errName(err));
        if (!(events & (EPOLLOUT | EPOLLERR | EPOLLHUP)))
            return;
        if (ssl_)
            return startTls();
        return sendUpgrade();
    }
    if (state_ == TlsHandshake)
        return continueTls();
    if (events & EPOLLOUT)
        flush();
    if (state_ != Closed && (events & (EPOLLIN | EPOLLHUP | EPOLLERR)))
        onReadable();
}

void Conn::startTls()
{
    state_ = TlsHandshake;
    continueTls();
}

void Conn::continueTls()
{
    ERR_clear_error();
    int r = SSL_do_handshake(ssl_);
    if (r == 1) {
        if (pinOf(ssl_) != t_.fingerprint)
            return finish("not-the-pinned-host");
        return sendUpgrade();
    }
    int e = SSL_get_error(ssl_, r);
    if (e == SSL_ERROR_WANT_READ)
        return watch(false);
    if (e == SSL_ERROR_WANT_WRITE)
        return watch(true);
    finish(e == SSL_ERROR_SYSCALL && errno ? errName(errno) : "tls-handshake-failed");
}

void Conn::sendUpgrade()
{
    state_ = Upgrading;
    unsigned char key[16];
    for (int i = 0; i < 4; ++i)
        memcpy(key + 4 * i, takeMask(), 4);
    std::string req = "GET " + t_.path + " HTTP/1.1\r\nHost: " + t_.host + ":"
        + std::to_string(t_.port)
        + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: " + base64(key, 16)
        + "\r\nSec-WebSocket-Version: 13\r\n\r\n";
    watch(false);
    writeRaw(req.data(), req.size());
}

void Conn::writeRaw(const char *p, size_t n)
{
    if (state_ == Closed)
        return;
    if (!out_.empty()) {
        out_.append(p, n);
        return;
    }
    size_t done = 0;
    if (ssl_) {
        ERR_clear_error();
        int r = SSL_write(ssl_, p, int(n));
        if (r > 0)
            done = size_t(r);
        else {
            int e = SSL_get_error(ssl_, r);
            if (e != SSL_ERROR_WANT_WRITE && e != SSL_ERROR_WANT_READ)
                return finish(e == SSL_ERROR_SYSCALL && errno ? errName(errno) : "tls-error");
        }
    } else {
        ssize_t r = send(fd_, p, n, MSG_NOSIGNAL);
        if (r >= 0)
            done = size_t(r);
        else if (errno != EAGAIN)
            return finish(errName(errno));
    }
    if (done < n) {
        out_.append(p + done, n - done);
        watch(true);
    }
}

void Conn::flush()
{
    while (!out_.empty() && state_ != Closed) {
        ssize_t r;
        if (ssl_) {
            ERR_clear_error();
            int w = SSL_write(ssl_, out_.data(), int(out_.size()));
            if (w <= 0) {
                int e = SSL_get_error(ssl_, w);
                if (e == SSL_ERROR_WANT_WRITE || e == SSL_ERROR_WANT_READ)
                    return;
                return finish(e == SSL_ERROR_SYSCALL && errno ? errName(errno) : "tls-error");
            }
            r = w;
        } else {
            r = send(fd_, out_.data(), out_.size(), MSG_NOSIGNAL);
            if (r < 0) {
                if (errno == EAGAIN)
                    return;
                return finish(errName(errno));
            }
        }
        out_.erase(0, size_t(r));
    }
    if (out_.empty())
        watch(false);
}

void Conn::onReadable()
{
    for (;;) {
        ssize_t r;
        if (ssl_) {
            ERR_clear_error();
            int n = SSL_read(ssl_, readBuf, sizeof readBuf);
            if (n <= 0) {
                int e = SSL_get_error(ssl_, n);
                if (e == SSL_ERROR_WANT_READ)
                    return;
                if (e == SSL_ERROR_WANT_WRITE)
                    return watch(true);
                if (e == SSL_ERROR_ZERO_RETURN || (e == SSL_ERROR_SYSCALL && errno == 0))
                    return finish(state_ == Open ? "closed" : "closed-before-open");
                return finish(e == SSL_ERROR_SYSCALL ? errName(errno) : "tls-error");
            }
            r = n;
        } else {
            r = recv(fd_, readBuf, sizeof readBuf, 0);
            if (r < 0) {
                if (errno == EAGAIN)
                    return;
                return finish(errName(errno));
            }
            if (r == 0)
                return finish(state_ == Open ? "closed" : "closed-before-open");
        }
        onBytes(readBuf, size_t(r));
        if (state_ == Closed)
            return;
        // What the kernel still holds, epoll reports again: no read that would only say EAGAIN.
        if (ssl_ ? !SSL_has_pending(ssl_) : size_t(r) < sizeof readBuf)
            return;
    }
}

void Conn::onBytes(const unsigned char *p, size_t n)
{
    if (!in_.empty()) {
        in_.append(reinterpret_cast<const char *>(p), n);
        std::string buf;
        buf.swap(in_);
        size_t used = parseFrames(reinterpret_cast<const unsigned char *>(buf.data()), buf.size());
        if (state_ != Closed && used < buf.size())
            in_.assign(buf, used, std::string::npos);
        return;
    }
    size_t used = parseFrames(p, n);
    if (state_ != Closed && used < n)
        in_.assign(reinterpret_cast<const char *>(p + used), n - used);
}

// Parses what it can; returns the bytes used.
size_t Conn::parseFrames(const unsigned char *p, size_t n)
{
    size_t at = 0;
    if (state_ == Upgrading) {
        const void *end = memmem(p, n, "\r\n\r\n", 4);
        if (!end) {
            if (n > 16384)
                finish("bad-handshake");
            return 0;
        }
        if (n < 12 || memcmp(p, "HTTP/1.1 101", 12) != 0) {
            const std::string status(reinterpret_cast<const char *>(p), n < 32 ? n : 32);
            finish("handshake-" + (status.size() > 9 ? status.substr(9, 3) : std::string()));
            return n;
        }
        state_ = Open;
        at = size_t(static_cast<const unsigned char *>(end) - p) + 4;
    }
    while (at + 2 <= n && state_ == Open) {
        ws::Header h = ws::readHeader(p + at, n - at);
        if (!h.ok)
            break;
        if (h.masked) {
            finish("masked-server-frame");
            return n;
        }
        const size_t start = at + h.headLen;
        if (h.size > n - start)
            break;
        const size_t stop = start + size_t(h.size);
        const char *payload = reinterpret_cast<const char *>(p + start);
        if (h.opcode == 1 || h.opcode == 0) {
            if (h.opcode == 1 && h.fin) {
                h_.onText(*this, payload, size_t(h.size));
            } else {
                if (h.opcode == 1) {
                    frag_.clear();
                    inFragments_ = true;
                }
                if (inFragments_)
                    frag_.append(payload, size_t(h.size));
                if (h.fin && inFragments_) {
                    inFragments_ = false;
                    std::string whole;
                    whole.swap(frag_);
                    h_.onText(*this, whole.data(), whole.size());
                }
            }
        } else if (h.opcode == 9) {
            sendControl(10, p + start, size_t(h.size));
        } else if (h.opcode == 8) {
            const int code = h.size >= 2 ? (p[start] << 8 | p[start + 1]) : 1005;
            sendControl(8, p + start, h.size >= 2 ? 2 : 0);
            finish("close-" + std::to_string(code));
            return n;
        }
        at = stop;
    }
    return at;
}

void Conn::sendControl(int opcode, const unsigned char *p, size_t n)
{
    const unsigned char *mask = takeMask();
    std::string f;
    ws::appendHeader(f, opcode, n, mask);
    size_t at = f.size();
    f.append(reinterpret_cast<const char *>(p), n);
    ws::applyMask(reinterpret_cast<unsigned char *>(&f[at]), n, mask);
    writeRaw(f.data(), f.size());
}

bool Conn::sendText(const char *p, size_t n)
{
    if (state_ != Open)
        return false;
    thread_local std::string f;
    f.clear();
    const unsigned char *mask = takeMask();
    ws::appendHeader(f, 1, n, mask);
    size_t at = f.size();
    f.append(p, n);
    ws::applyMask(reinterpret_cast<unsigned char *>(&f[at]), n, mask);
    writeRaw(f.data(), f.size());
    return true;
}
