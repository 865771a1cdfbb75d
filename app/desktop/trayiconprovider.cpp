#include "trayiconprovider.h"

#include <QImageReader>
#include <QPainter>

namespace pc::desktop {

TrayIconProvider::TrayIconProvider() : QQuickImageProvider(QQuickImageProvider::Image) { }

QImage TrayIconProvider::requestImage(const QString &id, QSize *size, const QSize &requestedSize)
{
    const int side
        = requestedSize.isValid() ? std::max(requestedSize.width(), requestedSize.height()) : 64;
    QImageReader reader(QStringLiteral(":/icons/privatechat.svg"));
    reader.setScaledSize(QSize(side, side));
    QImage image = reader.read().convertToFormat(QImage::Format_ARGB32_Premultiplied);
    if (image.isNull()) {
        image = QImage(side, side, QImage::Format_ARGB32_Premultiplied);
        image.fill(QColor(0x0d, 0x11, 0x17));
    }
    const int unread = id.section(QLatin1Char('/'), -1).toInt();
    if (unread > 0) {
        QPainter painter(&image);
        painter.setRenderHint(QPainter::Antialiasing);
        const QString text = unread > 99 ? QStringLiteral("99+") : QString::number(unread);
        const qreal badge = side * 0.58;
        const QRectF rect(side - badge, 0, badge, badge);
        painter.setPen(Qt::NoPen);
        painter.setBrush(QColor(0xff, 0x5c, 0x5c));
        painter.drawEllipse(rect);
        QFont font = painter.font();
        font.setBold(true);
        font.setPixelSize(int(badge * (text.size() > 2 ? 0.38 : 0.55)));
        painter.setFont(font);
        painter.setPen(Qt::white);
        painter.drawText(rect, Qt::AlignCenter, text);
    }
    if (size)
        *size = image.size();
    return image;
}

} // namespace pc::desktop
