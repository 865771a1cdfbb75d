// What the app remembers between runs, read back by a new AppSettings as the next start would:
// the servers rooms were created on (not the rooms), and whether to ask the router.
#include "appsettings.h"

#include <QCoreApplication>
#include <QTemporaryDir>
#include <QtTest>

using pc::desktop::AppSettings;

class tst_AppSettings : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void serversAreRememberedLastUsedFirst();
    void mapPortIsOnUntilTurnedOff();

private:
    QTemporaryDir m_config;
};

void tst_AppSettings::initTestCase()
{
    QVERIFY(m_config.isValid());
    qputenv("XDG_CONFIG_HOME", m_config.path().toLocal8Bit()); // before the first QSettings
    QCoreApplication::setOrganizationName(QStringLiteral("PrivateChatTest"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_appsettings"));
}

void tst_AppSettings::serversAreRememberedLastUsedFirst()
{
    const QString fp(43, QLatin1Char('A'));
    {
        AppSettings settings;
        QVERIFY(settings.servers().isEmpty());
        QSignalSpy changed(&settings, &AppSettings::serversChanged);
        settings.rememberServer(QStringLiteral("a.example:7878"), fp);
        settings.rememberServer(QStringLiteral("127.0.0.1:9000"), {});
        QCOMPARE(settings.servers(),
            (QStringList {
                QStringLiteral("127.0.0.1:9000"), QStringLiteral("a.example:7878 ") + fp }));
        // Used again, with another pin: first, once, with the new pin.
        settings.rememberServer(QStringLiteral("a.example:7878"), QString(43, QLatin1Char('B')));
        QCOMPARE(settings.servers(),
            (QStringList { QStringLiteral("a.example:7878 ") + QString(43, QLatin1Char('B')),
                QStringLiteral("127.0.0.1:9000") }));
        settings.rememberServer(QStringLiteral("a.example:7878"), QString(43, QLatin1Char('B')));
        QCOMPARE(changed.size(), 3); // the same again is no change
        for (int i = 0; i < 20; ++i)
            settings.rememberServer(QStringLiteral("10.0.0.%1:7878").arg(i), {});
        QCOMPARE(settings.servers().size(), AppSettings::kMaxServers);
        QCOMPARE(settings.servers().first(), QStringLiteral("10.0.0.19:7878"));
    }
    AppSettings next; // the next start
    QCOMPARE(next.servers().size(), AppSettings::kMaxServers);
    QCOMPARE(next.servers().first(), QStringLiteral("10.0.0.19:7878"));
}

void tst_AppSettings::mapPortIsOnUntilTurnedOff()
{
    {
        AppSettings settings;
        QVERIFY(settings.mapPort());
        QSignalSpy changed(&settings, &AppSettings::mapPortChanged);
        settings.setMapPort(false);
        QCOMPARE(changed.size(), 1);
    }
    AppSettings next;
    QVERIFY(!next.mapPort());
}

QTEST_GUILESS_MAIN(tst_AppSettings)
#include "tst_appsettings.moc"
