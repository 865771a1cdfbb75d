// Qt Quick Test for the app's QML: a real room host (own Redis) per test file, real client.
#include "testhost.h"

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
    }
    // The host goes away (its Redis stays) and comes back on the same port.
    Q_INVOKABLE void stopHost() { m_host->stopHost(); }
    Q_INVOKABLE bool restartHost() { return m_host->restartHost(); }

private:
    std::unique_ptr<pc::test::TestHost> m_host;
};

QUICK_TEST_MAIN_WITH_SETUP(tst_app_quick, Setup)

#include "tst_app_quick.moc"
