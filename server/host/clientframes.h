#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QString>

#include <functional>
#include <optional>

namespace pc::host {

// Decodes what a client sends after the handshake (RFC 6455 5), as a server must: every client
// frame masked, no reserved bits (no extension is ever agreed), known opcodes only, control
// frames whole and at most 125 bytes, continuations only inside a message, a close frame's
// code and reason valid. Any length form the RFC allows is taken (a 64-bit length on a small
// frame too). Out come whole messages, their fragments joined and unmasked, and control frames;
// a text message's UTF-8 is the caller's to check, once it is whole.
//
// The host reads every byte through here instead of through QWebSocket's decoder: Qt 6.4 takes
// unmasked client frames, refuses long length forms and decodes each fragment of a text message
// on its own, and it reads a loop pass later, byte by byte, making a copy per frame.
// O(bytes) whatever the chunking; one copy (the unmasking) per message.
class ClientFrameReader
{
public:
    enum class Kind : quint8 { Text, Binary, Ping, Pong, Close };
    struct Violation
    {
        quint16 code; // 1002 protocol error, 1007 not UTF-8 (a close reason), 1009 too big
        QString reason;
    };
    using Take = std::function<void(Kind, QByteArray)>;

    explicit ClientFrameReader(qint64 maxMessageBytes);

    // Hands what `in` completes to `take`, in order. After a violation or a close frame nothing
    // more is read.
    std::optional<Violation> feed(QByteArrayView in, const Take &take);

    // A close frame's code (RFC 6455 7.4) as a server may echo it; 0 when it has none.
    static quint16 closeCodeOf(QByteArrayView payload);

private:
    std::optional<Violation> startFrame();
    std::optional<Violation> endFrame(const Take &take);
    std::optional<Violation> fail(quint16 code, QString reason);

    qint64 m_maxMessageBytes;
    char m_header[14]; // the header of the frame being read
    qsizetype m_headerFill = 0;
    qsizetype m_headerSize = 2; // how long it is, once its second byte is known
    quint8 m_opcode = 0;
    bool m_fin = false;
    bool m_inPayload = false;
    bool m_done = false;      // a violation or a close: nothing more is read
    bool m_inMessage = false; // a data message whose last fragment is still to come
    Kind m_messageKind = Kind::Binary;
    char m_mask[4] = {};
    quint64 m_payloadLeft = 0;
    quint64 m_payloadRead = 0; // of the current frame, for the mask's phase
    QByteArray m_message;      // the data message being joined
    QByteArray m_control;      // a control frame's payload
};

} // namespace pc::host
