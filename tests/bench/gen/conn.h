// One member's connection in the compiled generator: TCP from a loopback source address
// (non-blocking, epoll), TLS 1.3 pinned to the host's fingerprint when one is given (OpenSSL),
// the HTTP upgrade, then WebSocket frames. What wsclient.js does for the Node generator.
#pragma once
#include <cstdint>
#include <openssl/ssl.h>
#include <string>

class Conn;

// What a connection reports; onClose comes once, with the same reasons wsclient.js gives.
struct ConnHandler
{
    virtual void onText(Conn &c, const char *p, size_t n) = 0;
    virtual void onClose(Conn &c, const std::string &reason) = 0;
    virtual ~ConnHandler() = default;
};

struct Target
{
    std::string host, path, source, fingerprint; // fingerprint empty: plain ws://
    int port = 0;
};

class Conn
{
public:
    // `tag` is what epoll hands back for this connection (the member's index).
    Conn(int epollFd, uint64_t tag, ConnHandler &h) : ep_(epollFd), tag_(tag), h_(h) { }
    ~Conn() { drop(); }
    Conn(const Conn &) = delete;
    Conn &operator=(const Conn &) = delete;

    void connect(const Target &t, SSL_CTX *tls);
    void onEvents(uint32_t events);
    uint64_t tag() const { return tag_; }
    bool open() const { return state_ == Open; }
    bool closed() const { return state_ == Closed; }
    // One masked text frame; false when the connection is not open.
    bool sendText(const char *p, size_t n);
    // Closed by the driver: no onClose.
    void drop();

private:
    enum State { Connecting, TlsHandshake, Upgrading, Open, Closed };
    void finish(const std::string &reason);
    void startTls();
    void continueTls();
    void sendUpgrade();
    void onReadable();
    void onBytes(const unsigned char *p, size_t n);
    size_t parseFrames(const unsigned char *p, size_t n);
    void writeRaw(const char *p, size_t n);
    void flush();
    void sendControl(int opcode, const unsigned char *p, size_t n);
    void watch(bool out);

    int ep_;
    uint64_t tag_;
    ConnHandler &h_;
    Target t_;
    int fd_ = -1;
    SSL *ssl_ = nullptr;
    State state_ = Closed;
    bool watchingOut_ = false;
    std::string in_;   // bytes not parsed yet
    std::string out_;  // bytes the kernel (or TLS) did not take yet
    std::string frag_; // a fragmented text message so far
    bool inFragments_ = false;
};
