#pragma once

#include <QQuickImageProvider>

namespace pc::desktop {

// image://qr/<percent-encoded text>: the text as a QR code, sized to the request (whole
// pixels per module, so it stays sharp enough to scan from a screen).
class QrImageProvider : public QQuickImageProvider
{
public:
    static constexpr auto kId = "qr";

    QrImageProvider();
    QImage requestImage(const QString &id, QSize *size, const QSize &requestedSize) override;
};

} // namespace pc::desktop
