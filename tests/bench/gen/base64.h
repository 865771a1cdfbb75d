// Base64 (the WebSocket key and accept) and base64url without padding (certificate pins).
#pragma once
#include <string>

inline std::string base64(const unsigned char *p, size_t n, bool url = false)
{
    const char *abc = url ? "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
                          : "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string s;
    for (size_t i = 0; i < n; i += 3) {
        unsigned v = unsigned(p[i]) << 16 | (i + 1 < n ? unsigned(p[i + 1]) << 8 : 0)
            | (i + 2 < n ? p[i + 2] : 0);
        s += abc[v >> 18 & 63];
        s += abc[v >> 12 & 63];
        if (i + 1 < n)
            s += abc[v >> 6 & 63];
        else if (!url)
            s += '=';
        if (i + 2 < n)
            s += abc[v & 63];
        else if (!url)
            s += '=';
    }
    return s;
}
