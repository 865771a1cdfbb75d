#include "qrcode.h"

#include <qrencode.h>

#include <memory>

namespace pc::client {

namespace {
    constexpr int kQuietZone = 4;
}

std::optional<QrCode> QrCode::encode(const QString &text)
{
    const QByteArray utf8 = text.toUtf8();
    const std::unique_ptr<QRcode, decltype(&QRcode_free)> code(
        QRcode_encodeString8bit(utf8.constData(), 0, QR_ECLEVEL_M), &QRcode_free);
    if (!code)
        return std::nullopt;
    QrCode qr;
    qr.m_size = code->width;
    qr.m_modules.resize(qr.m_size * qr.m_size);
    for (int i = 0; i < qr.m_size * qr.m_size; ++i)
        qr.m_modules[i] = code->data[i] & 1; // bit 0: dark
    return qr;
}

QImage QrCode::toImage(int scale) const
{
    const int side = (m_size + 2 * kQuietZone) * scale;
    QImage image(side, side, QImage::Format_RGB32);
    image.fill(Qt::white);
    for (int y = 0; y < m_size; ++y) {
        for (int x = 0; x < m_size; ++x) {
            if (!dark(x, y))
                continue;
            for (int dy = 0; dy < scale; ++dy) {
                auto *line
                    = reinterpret_cast<QRgb *>(image.scanLine((y + kQuietZone) * scale + dy));
                for (int dx = 0; dx < scale; ++dx)
                    line[(x + kQuietZone) * scale + dx] = qRgb(0, 0, 0);
            }
        }
    }
    return image;
}

QString QrCode::toTerminal() const
{
    // Light modules are printed as blocks, so the code reads on a dark or a light terminal
    // alike (scanners read inverted codes too, but not every one: the quiet zone is light).
    const auto light = [this](int x, int y) {
        return x < 0 || y < 0 || x >= m_size || y >= m_size || !dark(x, y);
    };
    QString out;
    for (int y = -kQuietZone; y < m_size + kQuietZone; y += 2) {
        for (int x = -kQuietZone; x < m_size + kQuietZone; ++x) {
            const bool top = light(x, y);
            const bool bottom = y + 1 < m_size + kQuietZone ? light(x, y + 1) : false;
            out += top && bottom ? QChar(0x2588)
                : top            ? QChar(0x2580)
                : bottom         ? QChar(0x2584)
                                 : QLatin1Char(' ');
        }
        out += QLatin1Char('\n');
    }
    return out;
}

} // namespace pc::client
