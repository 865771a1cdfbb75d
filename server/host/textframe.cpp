#include "textframe.h"

#include <QtEndian>

namespace pc::host {

namespace {

    QByteArray frame(char opcode, std::initializer_list<QByteArrayView> parts)
    {
        quint64 size = 0;
        for (QByteArrayView part : parts)
            size += quint64(part.size());
        QByteArray frame;
        frame.reserve(qsizetype(size) + 10);
        frame += char(0x80 | opcode); // FIN
        if (size < 126) {
            frame += char(size);
        } else if (size <= 0xffff) {
            frame += char(126);
            char length[2];
            qToBigEndian(quint16(size), length);
            frame.append(length, 2);
        } else {
            frame += char(127);
            char length[8];
            qToBigEndian(size, length);
            frame.append(length, 8);
        }
        for (QByteArrayView part : parts)
            frame += part;
        return frame;
    }

} // namespace

QByteArray textFrame(QByteArrayView payload)
{
    return frame(0x1, { payload });
}

QByteArray textFrame(std::initializer_list<QByteArrayView> parts)
{
    return frame(0x1, parts);
}

QByteArray closeFrame(quint16 code, QByteArrayView reason)
{
    char body[125];
    qToBigEndian(code, body);
    const qsizetype n = std::min<qsizetype>(reason.size(), sizeof body - 2);
    std::copy_n(reason.data(), n, body + 2);
    return frame(0x8, { QByteArrayView(body, n + 2) });
}

QByteArray pongFrame(QByteArrayView payload)
{
    return frame(0xa, { payload });
}

} // namespace pc::host
