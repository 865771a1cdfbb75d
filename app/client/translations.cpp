#include "translations.h"

#include <QCoreApplication>
#include <QLibraryInfo>
#include <QLocale>
#include <QTranslator>

namespace pc::client {

void installTranslations(QCoreApplication &app)
{
    auto *translator = new QTranslator(&app);
    const QString dir = QStringLiteral(":/i18n");
    // English (plural forms) when the system language has no translation, e.g. the C locale.
    if (translator->load(QLocale(), QStringLiteral("privatechat"), QStringLiteral("_"), dir)
        || translator->load(QStringLiteral("privatechat_en"), dir))
        QCoreApplication::installTranslator(translator);
    else
        delete translator;
    // Qt's own words, where Debian's qt6-translations-l10n has them.
    auto *qt = new QTranslator(&app);
    if (qt->load(QLocale(), QStringLiteral("qtbase"), QStringLiteral("_"),
            QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
        QCoreApplication::installTranslator(qt);
    else
        delete qt;
}

} // namespace pc::client
