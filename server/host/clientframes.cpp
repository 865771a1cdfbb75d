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
            const qsizetype want = m_headerSize - m_header.size();
            const qsizetype take = std::min(want, in.size() - at);
            m_header.append(in.data() + at, take);
            at += take;
            if (m_header.size() == 2) {
                const uchar second = uchar(m_header[1]);
                if (!(second & kMask)) {
                    m_failed = true;
                    return Violation { 1002, QStringLiteral("client frames must be masked") };
                }
                const int length = second & 0x7f;
                m_headerSize = 2 + (length == 126 ? 2 : length == 127 ? 8 : 0) + 4;
            }
            if (m_header.size() == m_headerSize) {
                if (auto violation = frameHeaderComplete(out))
                    return violation;
            }
            continue;
        }
        const qsizetype take = qsizetype(std::min<quint64>(m_payloadLeft, quint64(in.size() - at)));
        m_frame.append(in.data() + at, take);
        at += take;
        m_payloadLeft -= quint64(take);
        if (m_payloadLeft == 0) {
            out += m_frame;
            m_frame.clear();
            m_inPayload = false;
        }
    }
    return std::nullopt;
}

std::optional<ClientFrameFilter::Violation> ClientFrameFilter::frameHeaderComplete(QByteArray &out)
{
    const uchar first = uchar(m_header[0]);
    const int length7 = uchar(m_header[1]) & 0x7f;
    quint64 length = quint64(length7);
    if (length7 == 126)
        length = qFromBigEndian<quint16>(m_header.constData() + 2);
    else if (length7 == 127)
        length = qFromBigEndian<quint64>(m_header.constData() + 2);
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

    // The same frame with the shortest length form; the mask key stays.
    m_frame.clear();
    m_frame.reserve(qsizetype(14 + length));
    m_frame += char((first & 0xf0) | opcode);
    if (length < 126) {
        m_frame += char(kMask | length);
    } else if (length <= 0xffff) {
        m_frame += char(kMask | 126);
        char bytes[2];
        qToBigEndian(quint16(length), bytes);
        m_frame.append(bytes, 2);
    } else {
        m_frame += char(kMask | 127);
        char bytes[8];
        qToBigEndian(length, bytes);
        m_frame.append(bytes, 8);
    }
    m_frame.append(m_header.constData() + m_headerSize - 4, 4);
    m_header.clear();
    m_headerSize = 2;
    m_payloadLeft = length;
    m_inPayload = true;
    if (length == 0) {
        out += m_frame;
        m_frame.clear();
        m_inPayload = false;
    }
    return std::nullopt;
}

} // namespace pc::host
