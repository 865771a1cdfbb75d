#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QString>

#include <QList>
#include <optional>

namespace pc::host {

// Reads the client's WebSocket frames (RFC 6455 5.2) before Qt's decoder does, for what Qt 6.4
// gets wrong as a server: it takes unmasked client frames (they must close with 1002), refuses
// lengths in a longer form than needed (the RFC allows them), and decodes each fragment of a
// text message to UTF-16 on its own, so a character split across fragments closes with 1007.
//
// Out come the same frames, masked as they came, with minimal length headers and text turned
// into binary (whose reassembled payload the host checks as UTF-8 itself: messageKinds() says
// which messages were text). Only whole frames come out; a partial one waits here, so Qt never
// holds half a frame. O(bytes) whatever the chunking.
class ClientFrameFilter
{
public:
    struct Violation
    {
        quint16 code; // 1002 protocol error, 1009 too big
        QString reason;
    };

    explicit ClientFrameFilter(qint64 maxFrameBytes);

    // Appends the whole frames that `in` completes to `out`. After a violation nothing more
    // comes out.
    std::optional<Violation> feed(QByteArrayView in, QByteArray &out);
    // For each data message started, in order: whether it was text.
    QList<bool> &messageKinds() { return m_textMessages; }

private:
    std::optional<Violation> headerComplete(QByteArray &out);

    qint64 m_maxFrameBytes;
    char m_header[14]; // the header of the frame being read, as it came
    qsizetype m_headerFill = 0;
    qsizetype m_headerSize = 2; // how long it is, once its second byte is known
    char m_rewritten[14];       // the same header as it goes on
    qsizetype m_rewrittenSize = 0;
    QByteArray m_frame; // a frame whose payload is still coming, rewritten header first
    quint64 m_payloadLeft = 0;
    bool m_inPayload = false;
    bool m_failed = false;
    QList<bool> m_textMessages; // allocates nothing while empty, as it mostly is
};

} // namespace pc::host
