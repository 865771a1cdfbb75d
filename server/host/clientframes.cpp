#include "clientframes.h"

#include <QtEndian>

namespace pc::host {

namespace {
    constexpr uchar kFin = 0x80;
    constexpr uchar kReserved = 0x70;
    constexpr uchar kMask = 0x80;
    constexpr quint8 kContinuation = 0x0, kText = 0x1, kBinary = 0x2, kClose = 0x8, kPing = 0x9,
                     kPong = 0xa;
    constexpr qsizetype kMaxControlPayload = 125;

    bool isControl(quint8 opcode)
    {
        return opcode & 0x8;
    }

    // RFC 6455 7.4: what a peer may send (1004-1006 and 1015 are never sent; 1012-2999 are not
    // assigned to peers), as Qt's own decoder judged it.
    bool isSendableCloseCode(quint16 code)
    {
        return code >= 1000 && code < 5000 && code != 1004 && code != 1005 && code != 1006
            && (code < 1012 || code >= 3000);
    }

    // Unmasks n bytes onto the end of `to`, whose capacity the caller made.
    void appendUnmasked(
        QByteArray &to, const char *from, qsizetype n, const char mask[4], quint64 phase)
    {
        const qsizetype at = to.size();
        to.resize(at + n);
        char *out = to.data() + at;
        for (qsizetype i = 0; i < n; ++i)
            out[i] = char(from[i] ^ mask[(phase + quint64(i)) & 3]);
    }
} // namespace

ClientFrameReader::ClientFrameReader(qint64 maxMessageBytes)
    : m_maxMessageBytes(maxMessageBytes) { }

quint16 ClientFrameReader::closeCodeOf(QByteArrayView payload)
{
    return payload.size() >= 2 ? qFromBigEndian<quint16>(payload.data()) : 0;
}

std::optional<ClientFrameReader::Violation> ClientFrameReader::feed(
    QByteArrayView in, const Take &take)
{
    qsizetype at = 0;
    while (!m_done && at < in.size()) {
        if (!m_inPayload) {
            // Byte by byte until the header's size is known, then the rest of it at once.
            const qsizetype n = std::min(m_headerSize - m_headerFill, in.size() - at);
            std::copy_n(in.data() + at, n, m_header + m_headerFill);
            m_headerFill += n;
            at += n;
            if (m_headerFill == 2) {
                if (auto violation = startFrame())
                    return violation;
            }
            if (m_headerFill == m_headerSize) {
                quint64 length = quint64(uchar(m_header[1]) & 0x7f);
                if (length == 126)
                    length = qFromBigEndian<quint16>(m_header + 2);
                else if (length == 127)
                    length = qFromBigEndian<quint64>(m_header + 2);
                if (length >> 63)
                    return fail(1002,
                        QStringLiteral("the most significant bit of a frame length must be 0"));
                if (length > quint64(m_maxMessageBytes))
                    return fail(1009, QStringLiteral("frame too large"));
                if (!isControl(m_opcode)
                    && quint64(m_message.size()) + length > quint64(m_maxMessageBytes))
                    return fail(1009, QStringLiteral("message too large"));
                std::copy_n(m_header + m_headerSize - 4, 4, m_mask);
                m_headerFill = 0;
                m_headerSize = 2;
                m_payloadLeft = length;
                m_payloadRead = 0;
                m_inPayload = true;
            } else {
                continue;
            }
        }
        QByteArray &to = isControl(m_opcode) ? m_control : m_message;
        const qsizetype n = qsizetype(std::min<quint64>(m_payloadLeft, quint64(in.size() - at)));
        if (n > 0) {
            // Exactly what the frame still needs when it is all here (the usual case), else
            // doubling, so a payload that trickles in is not copied once per piece.
            const qsizetype needed = to.size() + n, whole = to.size() + qsizetype(m_payloadLeft);
            if (to.capacity() < needed)
                to.reserve(n == qsizetype(m_payloadLeft)
                        ? whole
                        : std::min(whole, std::max(needed, 2 * to.capacity())));
            appendUnmasked(to, in.data() + at, n, m_mask, m_payloadRead);
            at += n;
            m_payloadLeft -= quint64(n);
            m_payloadRead += quint64(n);
        }
        if (m_payloadLeft == 0) {
            m_inPayload = false;
            if (auto violation = endFrame(take))
                return violation;
        }
    }
    return std::nullopt;
}

// The first two bytes are here: what kind of frame, and whether it may come now.
std::optional<ClientFrameReader::Violation> ClientFrameReader::startFrame()
{
    const uchar first = uchar(m_header[0]), second = uchar(m_header[1]);
    if (!(second & kMask))
        return fail(1002, QStringLiteral("client frames must be masked"));
    if (first & kReserved)
        return fail(1002, QStringLiteral("reserved bits set without an extension"));
    m_fin = first & kFin;
    m_opcode = first & 0x0f;
    const int length7 = second & 0x7f;
    switch (m_opcode) {
    case kContinuation:
        if (!m_inMessage)
            return fail(1002, QStringLiteral("a continuation frame without a message to continue"));
        break;
    case kText:
    case kBinary:
        if (m_inMessage)
            return fail(1002, QStringLiteral("a new message before the last one's final fragment"));
        m_inMessage = true;
        m_messageKind = m_opcode == kText ? Kind::Text : Kind::Binary;
        break;
    case kClose:
    case kPing:
    case kPong:
        if (!m_fin)
            return fail(1002, QStringLiteral("a control frame must not be fragmented"));
        if (length7 > kMaxControlPayload)
            return fail(1002, QStringLiteral("a control frame carries at most 125 bytes"));
        break;
    default:
        return fail(1002, QStringLiteral("unknown opcode %1").arg(m_opcode));
    }
    m_headerSize = 2 + (length7 == 126 ? 2 : length7 == 127 ? 8 : 0) + 4;
    return std::nullopt;
}

// The frame's payload is all here.
std::optional<ClientFrameReader::Violation> ClientFrameReader::endFrame(const Take &take)
{
    if (!isControl(m_opcode)) {
        if (m_fin) {
            m_inMessage = false;
            take(m_messageKind, std::exchange(m_message, {}));
        }
        return std::nullopt;
    }
    QByteArray payload = std::exchange(m_control, {});
    switch (m_opcode) {
    case kPing:
        take(Kind::Ping, std::move(payload));
        break;
    case kPong:
        take(Kind::Pong, std::move(payload));
        break;
    default: // close: the last frame a client may send
        if (payload.size() == 1)
            return fail(
                1002, QStringLiteral("a close frame's payload is empty or starts with a code"));
        if (payload.size() >= 2 && !isSendableCloseCode(closeCodeOf(payload)))
            return fail(1002,
                QStringLiteral("close code %1 is not one a peer may send")
                    .arg(closeCodeOf(payload)));
        if (!QByteArrayView(payload).sliced(std::min<qsizetype>(2, payload.size())).isValidUtf8())
            return fail(1007, QStringLiteral("a close reason must be UTF-8"));
        m_done = true;
        take(Kind::Close, std::move(payload));
        break;
    }
    return std::nullopt;
}

std::optional<ClientFrameReader::Violation> ClientFrameReader::fail(quint16 code, QString reason)
{
    m_done = true;
    m_message.clear();
    m_control.clear();
    return Violation { code, std::move(reason) };
}

} // namespace pc::host
