#include "textframe.h"

#include <QtEndian>

namespace pc::host {

QByteArray textFrame(QByteArrayView payload)
{
    const quint64 size = quint64(payload.size());
    QByteArray frame;
    frame.reserve(payload.size() + 10);
    frame += char(0x81); // FIN + text
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
    frame += payload;
    return frame;
}

} // namespace pc::host
