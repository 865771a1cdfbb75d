#pragma once

#include <QImage>
#include <QString>
#include <QVector>

#include <optional>

namespace pc::client {

// An invite as a QR code (libqrencode, error correction M: a phone camera reads it off a
// screen), as an image or as terminal text.
class QrCode
{
public:
    static std::optional<QrCode> encode(const QString &text);

    int size() const { return m_size; } // modules per side, without the quiet zone
    bool dark(int x, int y) const { return m_modules.at(y * m_size + x); }
    // scale pixels per module and the 4-module quiet zone the standard asks for, dark on light.
    QImage toImage(int scale) const;
    // Two module rows per line with half blocks, light on dark-terminal safe (quiet zone too).
    QString toTerminal() const;

private:
    int m_size = 0;
    QVector<bool> m_modules;
};

} // namespace pc::client
