#pragma once

#include <QByteArray>

namespace pc::redis {

// A Lua script run with EVALSHA by its SHA-1, which is computed here once. A Connection
// falls back to EVAL (which also loads it) when Redis answers NOSCRIPT.
class Script
{
public:
    explicit Script(QByteArray source);
    const QByteArray &source() const { return m_source; }
    const QByteArray &sha1() const { return m_sha1; } // lower-case hex

private:
    QByteArray m_source;
    QByteArray m_sha1;
};

} // namespace pc::redis
