// pc-loadgen: the benchmark's compiled load generator. It holds the members' connections and
// runs the hot load (sends on schedule, latency samples, loss counts) for the 'pc' protocol,
// over ws:// or wss://; bench.js drives it with one command per line on stdin and reads one
// report per line on stdout (the commands: Generator::command). Its counters and message text are
// those of load/members.js, so either generator gives the same figures by the same method.
#include "clock.h"
#include "conn.h"

#include <fcntl.h>
#include <openssl/ssl.h>
#include <signal.h>
#include <sys/epoll.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace {

constexpr uint64_t STDIN_TAG = ~uint64_t(0);
const char TEXT_PAD[]
    = "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"; // as bench.js: ~64 characters of text

// Counters of a phase, as members.js keeps them (frames and the clock origin run on).
struct Stats
{
    int phase = 0;
    std::vector<double> lat;
    long delivered = 0, selfCopies = 0, stale = 0, sendOk = 0, sendErr = 0, frames = 0;
    std::map<std::string, long> errors;
    void reset(int p)
    {
        phase = p;
        lat.clear();
        delivered = selfCopies = stale = sendOk = sendErr = 0;
        errors.clear();
    }
};

struct Member
{
    int idx;
    Conn conn;
    std::string prefix; // the hot-path request up to the text
    bool hello = false;
    Member(int epollFd, int i, ConnHandler &h) : idx(i), conn(epollFd, uint64_t(i), h) { }
};

// The schedule of one load phase: message k is due at t0 + k / rate. As bench.js' Node
// generator (a 1 ms setInterval), the due messages go out together on ticks at least 1 ms
// apart, so that servers see their load arrive as they see it from the Node generator.
struct Load
{
    bool active = false;
    double rate = 0, t0 = 0, nextTick = 0; // µs on the generator clock
    long total = 0, k = 0;
};

// drain: until `expected` deliveries, or no frame for quietMs, or maxMs; polled every 20 ms
// as members.js polls.
struct Drain
{
    bool active = false;
    double expected = 0, quietUs = 0, maxUs = 0, start = 0, quietSince = 0, nextPoll = 0;
    long frames = 0;
};

class Generator : public ConnHandler
{
public:
    Generator()
    {
        ep_ = epoll_create1(EPOLL_CLOEXEC);
        epoll_event ev {};
        ev.events = EPOLLIN;
        ev.data.u64 = STDIN_TAG;
        epoll_ctl(ep_, EPOLL_CTL_ADD, 0, &ev);
        tls_ = SSL_CTX_new(TLS_client_method());
        SSL_CTX_set_min_proto_version(tls_, TLS1_3_VERSION);
        SSL_CTX_set_verify(
            tls_, SSL_VERIFY_NONE, nullptr); // the pin decides, as the app's check does
        SSL_CTX_set_mode(tls_, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
        SSL_CTX_set_read_ahead(tls_, 1); // the records of one read decrypted from one recv
        origin_ = monoUs();
        char line[64];
        snprintf(line, sizeof line, "ready %.0f\n", origin_);
        out_ += line;
    }

    int run()
    {
        epoll_event evs[512];
        for (;;) {
            flushOut();
            if (stdinClosed_)
                return 0;
            const int n = epoll_pwait2(ep_, evs, 512, timeout(), nullptr);
            if (n < 0 && errno != EINTR)
                return 1;
            for (int i = 0; i < n; ++i) {
                if (evs[i].data.u64 == STDIN_TAG) {
                    readCommands();
                    continue;
                }
                Member *m = member(int(evs[i].data.u64));
                if (m)
                    m->conn.onEvents(evs[i].events);
            }
            sendDue();
            pollDrain();
        }
    }

    void onText(Conn &c, const char *s, size_t n) override;
    void onClose(Conn &c, const std::string &reason) override;

private:
    double now() const { return monoUs() - origin_; } // the clock of the message text
    Member *member(int idx)
    {
        return idx >= 0 && size_t(idx) < members_.size() ? members_[size_t(idx)].get() : nullptr;
    }
    Member *memberOf(Conn &c) { return member(int(c.tag())); }

    const timespec *timeout();
    void readCommands();
    void command(char *line);
    void sendDue();
    void pollDrain();
    void reportStats();
    void flushOut();
    void countError(const std::string &what) { stats_.errors[what] += 1; }

    int ep_;
    SSL_CTX *tls_;
    double origin_;
    std::vector<std::unique_ptr<Member>> members_;
    std::vector<int> pairs_; // a0 b0 a1 b1 ...
    Stats stats_;
    Load load_;
    Drain drain_;
    std::string in_, out_;
    bool stdinClosed_ = false;
    timespec wait_ {};
};

void Generator::onText(Conn &c, const char *s, size_t n)
{
    Member &m = *memberOf(c);
    stats_.frames += 1;
    const char *t = static_cast<const char *>(memmem(s, n, "\"type\":\"", 8));
    const char kind = t && t + 8 < s + n ? t[8] : 0;
    if (kind == 'e') {
        if (!memmem(s, n, "\"chat.message\"", 14))
            return;
        const char *k = static_cast<const char *>(memmem(s, n, "~B", 2));
        if (!k)
            return;
        const char *p = k + 2, *end = s + n;
        long v[3] = { 0, 0, 0 };
        for (long &x : v) {
            while (p < end && *p != '~')
                x = x * 10 + (*p++ - '0');
            ++p;
        }
        if (v[0] != stats_.phase) {
            stats_.stale += 1;
            return;
        }
        if (v[2] == m.idx) {
            stats_.selfCopies += 1;
            return;
        }
        stats_.delivered += 1;
        stats_.lat.push_back(now() - double(v[1]));
        return;
    }
    if (kind == 'r') {
        // "id":<n> followed by , or }
        const char *i = static_cast<const char *>(memmem(s, n, "\"id\":", 5));
        bool zero = i && i + 6 < s + n && i[5] == '0' && (i[6] == ',' || i[6] == '}');
        if (zero) {
            if (memmem(s, n, "\"ok\":true", 9)) {
                stats_.sendOk += 1;
                return;
            }
            stats_.sendErr += 1;
            const char *code = static_cast<const char *>(memmem(s, n, "\"code\":\"", 8));
            if (!code)
                return countError("error-reply");
            const char *a = code + 8, *b = a;
            while (b < s + n && ((*b >= 'a' && *b <= 'z') || *b == '-'))
                ++b;
            return countError(b < s + n && *b == '"' && b > a ? std::string(a, b) : "error-reply");
        }
        char head[64];
        snprintf(head, sizeof head, "reply %d %.1f ", m.idx, monoUs());
        out_ += head;
        out_.append(s, n);
        out_ += '\n';
        return;
    }
    if (kind == 'h' && !m.hello) {
        m.hello = true;
        out_ += "open " + std::to_string(m.idx) + "\n";
    }
}

void Generator::onClose(Conn &c, const std::string &reason)
{
    out_ += "closed " + std::to_string(memberOf(c)->idx) + " " + reason + "\n";
}

const timespec *Generator::timeout()
{
    double wait = -1; // µs; -1: until something happens
    const double t = now();
    if (load_.active)
        wait = std::max(load_.nextTick - t, 0.0);
    if (drain_.active) {
        const double w = std::max(drain_.nextPoll - t, 0.0);
        wait = wait < 0 ? w : std::min(wait, w);
    }
    if (wait < 0)
        return nullptr;
    wait_.tv_sec = time_t(wait / 1e6);
    wait_.tv_nsec = long(std::fmod(wait, 1e6) * 1000);
    return &wait_;
}

void Generator::sendDue()
{
    const double t = now();
    if (!load_.active || t < load_.nextTick)
        return;
    load_.nextTick = t + 1000;
    const long due = std::min(load_.total, long(std::floor((t - load_.t0) * load_.rate / 1e6)) + 1);
    const long np = long(pairs_.size() / 2);
    char text[512];
    while (load_.k < due) {
        const long k = load_.k++;
        const double sched = load_.t0 + double(k) * 1e6 / load_.rate;
        const long pair = k % np;
        Member *m = member(pairs_[size_t(2 * pair + ((k / np) & 1))]);
        if (!m || !m->conn.open()) {
            countError("send-on-closed");
            continue;
        }
        const int len = snprintf(text, sizeof text, "%s~B%d~%lld~%d~%s\"}", m->prefix.c_str(),
            stats_.phase, static_cast<long long>(std::llround(sched)), m->idx, TEXT_PAD);
        if (len <= 0 || size_t(len) >= sizeof text || !m->conn.sendText(text, size_t(len)))
            countError("send-on-closed");
    }
    if (load_.k >= load_.total) {
        load_.active = false;
        out_ += "sent\n";
    }
}

void Generator::pollDrain()
{
    if (!drain_.active)
        return;
    const double t = now();
    if (t < drain_.nextPoll)
        return;
    drain_.nextPoll = t + 20000;
    bool done = double(stats_.delivered) >= drain_.expected || t - drain_.start >= drain_.maxUs;
    if (!done) {
        if (stats_.frames != drain_.frames) {
            drain_.frames = stats_.frames;
            drain_.quietSince = t;
        } else if (t - drain_.quietSince > drain_.quietUs) {
            done = true;
        }
    }
    if (done) {
        drain_.active = false;
        out_ += "drained\n";
    }
}

void Generator::reportStats()
{
    std::string s = "stats {\"delivered\":" + std::to_string(stats_.delivered) + ",\"selfCopies\":"
        + std::to_string(stats_.selfCopies) + ",\"stale\":" + std::to_string(stats_.stale)
        + ",\"sendOk\":" + std::to_string(stats_.sendOk)
        + ",\"sendErr\":" + std::to_string(stats_.sendErr)
        + ",\"frames\":" + std::to_string(stats_.frames) + ",\"errors\":{";
    bool first = true;
    for (const auto &[what, count] : stats_.errors) {
        s += (first ? "\"" : ",\"") + what + "\":" + std::to_string(count);
        first = false;
    }
    s += "},\"lat\":[";
    char num[32];
    for (size_t i = 0; i < stats_.lat.size(); ++i) {
        const int len = snprintf(num, sizeof num, i ? ",%.1f" : "%.1f", stats_.lat[i]);
        s.append(num, size_t(len));
    }
    s += "]}\n";
    out_ += s;
}

void Generator::readCommands()
{
    char buf[1 << 16];
    for (;;) {
        const ssize_t r = read(0, buf, sizeof buf);
        if (r == 0) {
            stdinClosed_ = true;
            break;
        }
        if (r < 0)
            break; // EAGAIN: all read
        in_.append(buf, size_t(r));
        if (size_t(r) < sizeof buf)
            break;
    }
    size_t at = 0;
    for (size_t nl; (nl = in_.find('\n', at)) != std::string::npos; at = nl + 1) {
        in_[nl] = 0;
        command(&in_[at]);
    }
    in_.erase(0, at);
}

// Commands (one a line): connect IDX HOST PORT PATH SOURCE FINGERPRINT|-, send IDX TEXT,
// room IDX ROOMID TOKEN, close IDX, phase N, pairs A B A B ..., load RATE TOTAL,
// drain EXPECTED|inf QUIET_MS MAX_MS, stats.
void Generator::command(char *line)
{
    char *rest = strchr(line, ' ');
    if (rest)
        *rest++ = 0;
    const std::string op = line;
    auto word = [&]() -> std::string {
        if (!rest)
            return {};
        char *sp = strchr(rest, ' ');
        std::string w = sp ? std::string(rest, sp) : std::string(rest);
        rest = sp ? sp + 1 : nullptr;
        return w;
    };
    if (op == "send") {
        const int idx = atoi(word().c_str());
        Member *m = member(idx);
        if (m && rest)
            m->conn.sendText(rest, strlen(rest));
    } else if (op == "connect") {
        const int idx = atoi(word().c_str());
        Target t;
        t.host = word();
        t.port = atoi(word().c_str());
        t.path = word();
        t.source = word();
        t.fingerprint = word();
        if (t.fingerprint == "-")
            t.fingerprint.clear();
        if (size_t(idx) >= members_.size())
            members_.resize(size_t(idx) + 1024);
        members_[size_t(idx)] = std::make_unique<Member>(ep_, idx, *this);
        members_[size_t(idx)]->conn.connect(t, tls_);
    } else if (op == "room") {
        Member *m = member(atoi(word().c_str()));
        const std::string roomId = word(), token = word();
        if (m)
            m->prefix = "{\"id\":0,\"op\":\"messages.send\",\"roomId\":\"" + roomId
                + "\",\"token\":\"" + token + "\",\"text\":\"";
    } else if (op == "close") {
        const int idx = atoi(word().c_str());
        if (member(idx))
            members_[size_t(idx)].reset();
    } else if (op == "phase") {
        stats_.reset(atoi(word().c_str()));
    } else if (op == "pairs") {
        pairs_.clear();
        for (std::string w = word(); !w.empty(); w = word())
            pairs_.push_back(atoi(w.c_str()));
    } else if (op == "load") {
        load_.rate = atof(word().c_str());
        load_.total = atol(word().c_str());
        load_.k = 0;
        load_.t0
            = now() + 2000; // as bench.js: the first message 2 ms from now, the first tick in 1
        load_.nextTick = now() + 1000;
        load_.active = load_.total > 0 && !pairs_.empty();
        if (!load_.active)
            out_ += "sent\n";
    } else if (op == "drain") {
        const std::string e = word();
        drain_.expected = e == "inf" ? INFINITY : atof(e.c_str());
        drain_.quietUs = atof(word().c_str()) * 1000;
        drain_.maxUs = atof(word().c_str()) * 1000;
        drain_.start = drain_.quietSince = now();
        drain_.frames = stats_.frames;
        drain_.active = true;
        // members.js looks before its first wait: nothing to wait for, no wait
        drain_.nextPoll
            = double(stats_.delivered) >= drain_.expected ? drain_.start : drain_.start + 20000;
    } else if (op == "stats") {
        reportStats();
    }
}

void Generator::flushOut()
{
    for (size_t at = 0; at < out_.size();) {
        const ssize_t w = write(1, out_.data() + at, out_.size() - at);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            exit(1); // the driver is gone
        }
        at += size_t(w);
    }
    out_.clear();
}

} // namespace

int main()
{
    signal(SIGPIPE, SIG_IGN);
    // stdin non-blocking (epoll tells when there is more); stdout stays blocking.
    fcntl(0, F_SETFL, fcntl(0, F_GETFL) | O_NONBLOCK);
    Generator g;
    return g.run();
}
