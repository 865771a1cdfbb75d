#include "clientframes.h"

#include <QtEndian>

namespace pc::host {

namespace {
    constexpr uchar kMask = 0x80;
    constexpr int kText = 0x1;
    constexpr int kBinary = 0x2;
} // namespace

ClientFrameFilter::ClientFrameFilter(qint64 maxFrameBytes) : m_maxFrameBytes(maxFrameBytes) { }

std::optional<ClientFrameFilter::Violation> ClientFrameFilter::feed(
    QByteArrayView in, QByteArray &out)
{
    qsizetype at = 0;
    while (!m_failed && at < in.size()) {
        if (!m_inPayload) {
            // Byte by byte until the header's size is known, then the rest of it at once.
            const qsizetype take = std::min(m_headerSize - m_headerFill, in.size() - at);
            std::copy_n(in.data() + at, take, m_header + m_headerFill);
            m_headerFill += take;
            at += take;
            if (m_headerFill == 2) {
                const uchar second = uchar(m_header[1]);
                if (!(second & kMask)) {
                    m_failed = true;
                    return Violation { 1002, QStringLiteral("client frames must be masked") };
                }
                const int length = second & 0x7f;
                m_headerSize = 2 + (length == 126 ? 2 : length == 127 ? 8 : 0) + 4;
            }
            if (m_headerFill == m_headerSize) {
                if (auto violation = headerComplete(out))
                    return violation;
            }
            continue;
        }
        const quint64 available = quint64(in.size() - at);
        if (m_frame.isEmpty() && available >= m_payloadLeft) {
            // The whole payload is here (the usual case): straight out, nothing kept.
            out.append(m_rewritten, m_rewrittenSize);
            out.append(in.data() + at, qsizetype(m_payloadLeft));
            at += qsizetype(m_payloadLeft);
            m_payloadLeft = 0;
            m_inPayload = false;
            continue;
        }
        if (m_frame.isEmpty()) {
            m_frame.reserve(m_rewrittenSize + qsizetype(m_payloadLeft));
            m_frame.append(m_rewritten, m_rewrittenSize);
        }
        const qsizetype take = qsizetype(std::min(m_payloadLeft, available));
        m_frame.append(in.data() + at, take);
        at += take;
        m_payloadLeft -= quint64(take);
        if (m_payloadLeft == 0) {
            out += m_frame;
            m_frame.clear(); // an idle member keeps no buffer
            m_inPayload = false;
        }
    }
    return std::nullopt;
}

std::optional<ClientFrameFilter::Violation> ClientFrameFilter::headerComplete(QByteArray &out)
{
    const uchar first = uchar(m_header[0]);
    const int length7 = uchar(m_header[1]) & 0x7f;
    quint64 length = quint64(length7);
    if (length7 == 126)
        length = qFromBigEndian<quint16>(m_header + 2);
    else if (length7 == 127)
        length = qFromBigEndian<quint64>(m_header + 2);
    if (length >> 63) {
        m_failed = true;
        return Violation { 1002,
            QStringLiteral("the most significant bit of a frame length must be 0") };
    }
    if (length > quint64(m_maxFrameBytes)) {
        m_failed = true;
        return Violation { 1009, QStringLiteral("frame too large") };
    }
    int opcode = first & 0x0f;
    if (opcode == kText || opcode == kBinary)
        m_textMessages.append(opcode == kText);
    if (opcode == kText)
        opcode = kBinary; // its payload is checked as UTF-8 once the message is whole

    // The same header with the shortest length form; the mask key stays.
    char *h = m_rewritten;
    *h++ = char((first & 0xf0) | opcode);
    if (length < 126) {
        *h++ = char(kMask | length);
    } else if (length <= 0xffff) {
        *h++ = char(kMask | 126);
        qToBigEndian(quint16(length), h);
        h += 2;
    } else {
        *h++ = char(kMask | 127);
        qToBigEndian(length, h);
        h += 8;
    }
    std::copy_n(m_header + m_headerSize - 4, 4, h);
    m_rewrittenSize = qsizetype(h + 4 - m_rewritten);
    m_headerFill = 0;
    m_headerSize = 2;
    m_payloadLeft = length;
    m_inPayload = length > 0;
    if (length == 0)
        out.append(m_rewritten, m_rewrittenSize);
    return std::nullopt;
}

} // namespace pc::host
