#include "qrimageprovider.h"

#include "qrcode.h"

#include <QUrl>

namespace pc::desktop {

QrImageProvider::QrImageProvider() : QQuickImageProvider(QQuickImageProvider::Image) { }

QImage QrImageProvider::requestImage(const QString &id, QSize *size, const QSize &requestedSize)
{
    const auto code = client::QrCode::encode(QUrl::fromPercentEncoding(id.toUtf8()));
    if (!code)
        return {};
    const int wanted
        = requestedSize.isValid() ? std::min(requestedSize.width(), requestedSize.height()) : 256;
    const int modules = code->size() + 8; // the quiet zone: 4 on each side
    const QImage image = code->toImage(std::max(1, wanted / modules));
    if (size)
        *size = image.size();
    return image;
}

} // namespace pc::desktop
