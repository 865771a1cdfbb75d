// pc-echo: B0's trivial server, to find the load generator's own ceiling: a TCP echo port
// (loopback round trip) and a WebSocket server that answers the ops the generator uses with
// canned replies and relays messages.send to the room's connections — no Redis, no storage, no
// checks. The replies are load/echo-server.js's; compiled, so that the echo server is not
// what limits a compiled generator. Frames of one loop pass go out in one send per connection.
#include "base64.h"
#include "ws_frame.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/sha.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace {

struct Client
{
    Client(int f, bool w) : fd(f), ws(w) { }
    int fd;
    bool ws; // false: the TCP echo port
    bool watchingOut = false;
    bool open = false;
    bool closed = false;
    bool dirty = false;
    long seq = 0;
    std::string in, out;
};
using ClientPtr = std::shared_ptr<Client>;

int ep;
std::map<int, ClientPtr> clients; // by fd
std::map<std::string, std::vector<ClientPtr>> rooms;
std::vector<ClientPtr> dirty; // clients with frames to send this pass
long nextRoom = 0;

void queue(Client &c, const std::string &bytes)
{
    if (c.closed)
        return;
    c.out += bytes;
    if (!c.dirty) {
        c.dirty = true;
        dirty.push_back(clients[c.fd]);
    }
}

std::string frame(const std::string &text)
{
    std::string f;
    ws::appendHeader(f, 1, text.size(), nullptr);
    return f + text;
}

// The value of "key": in a flat JSON object, as echo-server.js reads it.
std::string field(const std::string &s, const std::string &key)
{
    const size_t k = s.find("\"" + key + "\":");
    if (k == std::string::npos)
        return {};
    size_t i = k + key.size() + 3;
    if (i < s.size() && s[i] == '"')
        return s.substr(i + 1, s.find('"', i + 1) - i - 1);
    size_t j = i;
    while (j < s.size() && s[j] != ',' && s[j] != '}')
        ++j;
    return s.substr(i, j - i);
}

long long nowMs()
{
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

void onText(Client &c, const std::string &s)
{
    const std::string id = field(s, "id"), op = field(s, "op");
    auto reply = [&](const std::string &data) {
        queue(c, frame("{\"type\":\"reply\",\"id\":" + id + ",\"ok\":true,\"data\":" + data + "}"));
    };
    if (op == "messages.send") {
        const std::string roomId = field(s, "roomId"), text = field(s, "text");
        const long seq = ++c.seq;
        const std::string msg = "{\"id\":\"m" + std::to_string(seq)
            + "\",\"seq\":" + std::to_string(seq) + ",\"roomId\":\"" + roomId
            + "\",\"participantId\":\"p\",\"sender\":\"s\",\"text\":\"" + text
            + "\",\"timestamp\":" + std::to_string(nowMs()) + "}";
        reply("{\"message\":" + msg + "}");
        const std::string ev = frame("{\"type\":\"event\",\"channel\":\"" + roomId
            + "\",\"event\":\"chat.message\",\"data\":" + msg + "}");
        for (const ClientPtr &o : rooms[roomId])
            queue(*o, ev);
    } else if (op == "room.create") {
        std::string roomId = std::to_string(++nextRoom);
        roomId.insert(0, roomId.size() < 21 ? 21 - roomId.size() : 0, 'r');
        rooms[roomId];
        reply("{\"roomId\":\"" + roomId + "\",\"ttl\":3600,\"expiresAt\":"
            + std::to_string(nowMs() + 3600000) + ",\"maxParticipants\":2}");
    } else if (op == "room.join") {
        unsigned char r[8];
        if (getrandom(r, sizeof r, 0) != sizeof r)
            memset(r, 0, sizeof r);
        char hex[17];
        for (int i = 0; i < 8; ++i)
            snprintf(hex + 2 * i, 3, "%02x", r[i]);
        reply(std::string("{\"token\":\"t") + hex
            + "\",\"participantId\":\"p\",\"name\":\"n\",\"ttl\":3600,\"expiresAt\":0,"
              "\"maxParticipants\":2,\"participants\":[],\"lastSeq\":0}");
    } else if (op == "subscribe") {
        const std::string roomId = field(s, "channel");
        rooms[roomId].push_back(clients[c.fd]);
        reply("{\"channel\":\"" + roomId + "\",\"lastSeq\":0}");
    } else {
        reply("{\"messages\":[],\"lastSeq\":0,\"firstSeq\":1}");
    }
}

void drop(Client &c)
{
    if (c.closed)
        return;
    c.closed = true;
    close(c.fd); // leaves the epoll set; the room lists keep the object, marked closed
    clients.erase(c.fd);
}

void onWsBytes(Client &c)
{
    size_t at = 0;
    if (!c.open) {
        const size_t end = c.in.find("\r\n\r\n");
        if (end == std::string::npos)
            return;
        std::string head = c.in.substr(0, end);
        for (char &ch : head)
            ch = char(tolower(ch));
        const size_t k = head.find("sec-websocket-key:");
        if (k == std::string::npos)
            return drop(c);
        size_t a = k + 18;
        while (a < head.size() && head[a] == ' ')
            ++a;
        size_t b = a;
        while (b < head.size() && !isspace(static_cast<unsigned char>(head[b])))
            ++b;
        const std::string key
            = c.in.substr(a, b - a) + "258EAFA5-E914-47DA-95CA-C5AB0DC11A49"; // original case
        unsigned char md[SHA_DIGEST_LENGTH];
        SHA1(reinterpret_cast<const unsigned char *>(key.data()), key.size(), md);
        queue(c,
            "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: "
            "Upgrade\r\nSec-WebSocket-Accept: "
                + base64(md, sizeof md) + "\r\n\r\n");
        queue(c, frame("{\"type\":\"hello\",\"protocol\":1,\"server\":\"bench-echo\"}"));
        c.open = true;
        at = end + 4;
    }
    while (at < c.in.size()) {
        const auto *p = reinterpret_cast<unsigned char *>(&c.in[at]);
        const ws::Header h = ws::readHeader(p, c.in.size() - at);
        if (!h.ok || h.size > c.in.size() - at - h.headLen)
            break;
        std::string payload(reinterpret_cast<const char *>(p + h.headLen), size_t(h.size));
        if (h.masked)
            ws::applyMask(reinterpret_cast<unsigned char *>(&payload[0]), payload.size(), h.mask);
        at += h.headLen + size_t(h.size);
        if (h.opcode == 1)
            onText(c, payload);
        else if (h.opcode == 8)
            return drop(c);
    }
    c.in.erase(0, at);
}

void onReadable(Client &c)
{
    char buf[1 << 16];
    for (;;) {
        const ssize_t r = recv(c.fd, buf, sizeof buf, 0);
        if (r == 0 || (r < 0 && errno != EAGAIN))
            return drop(c);
        if (r < 0)
            return;
        if (!c.ws)
            queue(c, std::string(buf, size_t(r)));
        else {
            c.in.append(buf, size_t(r));
            onWsBytes(c);
            if (c.closed)
                return;
        }
        if (size_t(r) < sizeof buf)
            return;
    }
}

void watch(Client &c, bool out)
{
    if (c.watchingOut == out)
        return;
    c.watchingOut = out;
    epoll_event ev {};
    ev.events = EPOLLIN | (out ? uint32_t(EPOLLOUT) : 0u);
    ev.data.fd = c.fd;
    epoll_ctl(ep, EPOLL_CTL_MOD, c.fd, &ev);
}

void flush(Client &c)
{
    while (!c.out.empty() && !c.closed) {
        const ssize_t w = send(c.fd, c.out.data(), c.out.size(), MSG_NOSIGNAL);
        if (w < 0) {
            if (errno == EAGAIN)
                return watch(c, true);
            return drop(c);
        }
        c.out.erase(0, size_t(w));
    }
    if (!c.closed)
        watch(c, false);
}

int listenOn(int &port)
{
    const int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in a {};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (bind(fd, reinterpret_cast<sockaddr *>(&a), len) < 0 || listen(fd, 4096) < 0) {
        perror("pc-echo: listen");
        exit(1);
    }
    getsockname(fd, reinterpret_cast<sockaddr *>(&a), &len);
    port = ntohs(a.sin_port);
    epoll_event ev {};
    ev.events = EPOLLIN;
    ev.data.fd = fd;
    epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
    return fd;
}

void accept(int listener, bool wsPort)
{
    for (;;) {
        const int fd = accept4(listener, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0)
            return;
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        clients[fd] = std::make_shared<Client>(fd, wsPort);
        epoll_event ev {};
        ev.events = EPOLLIN;
        ev.data.fd = fd;
        epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
    }
}

} // namespace

int main()
{
    signal(SIGPIPE, SIG_IGN);
    ep = epoll_create1(EPOLL_CLOEXEC);
    int wsPort = 0, tcpPort = 0;
    const int wsFd = listenOn(wsPort), tcpFd = listenOn(tcpPort);
    printf("tcp echo on %d\nlistening on ws://127.0.0.1:%d/api/realtime\n", tcpPort, wsPort);
    fflush(stdout);
    epoll_event evs[512];
    for (;;) {
        const int n = epoll_wait(ep, evs, 512, -1);
        for (int i = 0; i < n; ++i) {
            const int fd = evs[i].data.fd;
            if (fd == wsFd || fd == tcpFd) {
                accept(fd, fd == wsFd);
                continue;
            }
            auto it = clients.find(fd);
            if (it == clients.end())
                continue;
            const ClientPtr c = it->second;
            if (evs[i].events & EPOLLOUT)
                flush(*c);
            if (!c->closed && (evs[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR)))
                onReadable(*c);
        }
        for (const ClientPtr &c : dirty) {
            c->dirty = false;
            flush(*c);
        }
        dirty.clear();
    }
}
