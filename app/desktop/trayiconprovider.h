#pragma once

#include <QQuickImageProvider>

namespace pc::desktop {

// image://privatechat/tray/<unread>: the app icon with a badge counting unread messages,
// for the tray (a tray has no badge of its own).
class TrayIconProvider : public QQuickImageProvider
{
public:
    static constexpr auto kId = "privatechat";

    TrayIconProvider();
    QImage requestImage(const QString &id, QSize *size, const QSize &requestedSize) override;
};

} // namespace pc::desktop
