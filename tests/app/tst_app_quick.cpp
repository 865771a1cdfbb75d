// Qt Quick Test for the app's QML: a real room host (own Redis) per test file, real client.
#include "qrimageprovider.h"
#include "testhost.h"

#include <QProcess>
#include <QTemporaryDir>

#include <QQmlContext>
#include <QQmlEngine>
#include <QtQml/QQmlExtensionPlugin>
#include <QtQuickTest>

#include <memory>

Q_IMPORT_QML_PLUGIN(PrivateChatPlugin)
Q_IMPORT_QML_PLUGIN(PrivateChat_ClientPlugin)
Q_IMPORT_QML_PLUGIN(PrivateChat_DesktopPlugin)
Q_IMPORT_QML_PLUGIN(PrivateChat_HostingPlugin)

class Setup : public QObject
{
    Q_OBJECT
public Q_SLOTS:
    void qmlEngineAvailable(QQmlEngine *engine)
    {
        engine->addImportPath(QStringLiteral("qrc:/"));
        engine->addImageProvider(
            QLatin1StringView(pc::desktop::QrImageProvider::kId), new pc::desktop::QrImageProvider);
        if (!m_host) {
            pc::host::HostOptions options;
            options.port = 0;
            m_host = std::make_unique<pc::test::TestHost>(options);
            if (!m_host->start())
                qFatal("the test room host did not start");
        }
        const QUrl url = m_host->url();
        engine->rootContext()->setContextProperty(QStringLiteral("testHostUrl"), url);
        engine->rootContext()->setContextProperty(QStringLiteral("testHostAuthority"),
            url.host() + QLatin1Char(':') + QString::number(url.port()));
        engine->rootContext()->setContextProperty(QStringLiteral("testHostControl"), this);
        engine->rootContext()->setContextProperty(QStringLiteral("testTempDir"), m_temp.path());
    }
    // The host goes away (its Redis stays) and comes back on the same port.
    Q_INVOKABLE void stopHost() { m_host->stopHost(); }
    Q_INVOKABLE bool restartHost() { return m_host->restartHost(); }
    // What zbarimg (a real scanner, zbar-tools) reads in an image file: the decoded text.
    Q_INVOKABLE QString scan(const QString &path)
    {
        QProcess zbar;
        zbar.start(QStringLiteral("zbarimg"),
            { QStringLiteral("--quiet"), QStringLiteral("--raw"), path });
        if (!zbar.waitForFinished(10000))
            return QStringLiteral("(zbarimg did not finish)");
        return QString::fromUtf8(zbar.readAllStandardOutput()).trimmed();
    }

private:
    QTemporaryDir m_temp;
    std::unique_ptr<pc::test::TestHost> m_host;
};

QUICK_TEST_MAIN_WITH_SETUP(tst_app_quick, Setup)

#include "tst_app_quick.moc"
