// RFC 6455 framing for the generator (client: masked frames out) and the echo server (server:
// plain frames out, masked frames in).
#pragma once
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>

namespace ws {

// A frame's header as read from the wire; `ok` false while the header is incomplete.
struct Header
{
    bool ok = false;
    bool fin = false;
    bool masked = false;
    int opcode = 0;
    size_t headLen = 0; // including the mask key, if any
    uint64_t size = 0;
    unsigned char mask[4] = { 0, 0, 0, 0 };
};

inline Header readHeader(const unsigned char *p, size_t n)
{
    Header h;
    if (n < 2)
        return h;
    h.fin = p[0] & 0x80;
    h.opcode = p[0] & 0x0f;
    h.masked = p[1] & 0x80;
    uint64_t size = p[1] & 0x7f;
    size_t at = 2;
    if (size == 126) {
        if (n < 4)
            return h;
        size = uint64_t(p[2]) << 8 | p[3];
        at = 4;
    } else if (size == 127) {
        if (n < 10)
            return h;
        size = 0;
        for (int i = 0; i < 8; ++i)
            size = size << 8 | p[2 + i];
        at = 10;
    }
    if (h.masked) {
        if (n < at + 4)
            return h;
        memcpy(h.mask, p + at, 4);
        at += 4;
    }
    h.size = size;
    h.headLen = at;
    h.ok = true;
    return h;
}

// Appends a frame's header (with the mask key when `mask` is given) to `out`.
inline void appendHeader(std::string &out, int opcode, size_t len, const unsigned char *mask)
{
    unsigned char h[14];
    size_t n = 2;
    h[0] = 0x80 | opcode;
    const unsigned char m = mask ? 0x80 : 0;
    if (len < 126) {
        h[1] = m | len;
    } else if (len < 65536) {
        h[1] = m | 126;
        h[2] = len >> 8;
        h[3] = len & 0xff;
        n = 4;
    } else {
        h[1] = m | 127;
        for (int i = 0; i < 8; ++i)
            h[2 + i] = (uint64_t(len) >> (56 - 8 * i)) & 0xff;
        n = 10;
    }
    if (mask) {
        memcpy(h + n, mask, 4);
        n += 4;
    }
    out.append(reinterpret_cast<char *>(h), n);
}

// XOR with the mask key, 8 bytes at a time where it can.
inline void applyMask(unsigned char *p, size_t n, const unsigned char mask[4])
{
    uint64_t m8;
    unsigned char m[8] = { mask[0], mask[1], mask[2], mask[3], mask[0], mask[1], mask[2], mask[3] };
    memcpy(&m8, m, 8);
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t v;
        memcpy(&v, p + i, 8);
        v ^= m8;
        memcpy(p + i, &v, 8);
    }
    for (; i < n; ++i)
        p[i] ^= mask[i & 3];
}

} // namespace ws
