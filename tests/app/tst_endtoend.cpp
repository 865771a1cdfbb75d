// End to end: the real app hosts a room, a second client joins with its invite, messages
// cross both ways, the guest may not destroy the room the app hosts, the app's Destroy now
// does, and the app is back in the lobby saying so.
#include "invitelink.h"
#include "launcher.h"
#include "realtimeclient.h"
#include "roomflow.h"
#include "roomsession.h"
#include "testhost.h"

#include <QProcess>
#include <QQmlApplicationEngine>
#include <QQuickItem>
#include <QQuickWindow>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>
#include <QtQml/QQmlExtensionPlugin>

#include <optional>

Q_IMPORT_QML_PLUGIN(PrivateChatPlugin)
Q_IMPORT_QML_PLUGIN(PrivateChat_ClientPlugin)
Q_IMPORT_QML_PLUGIN(PrivateChat_DesktopPlugin)
Q_IMPORT_QML_PLUGIN(PrivateChat_HostingPlugin)

using namespace pc;
using State = client::RoomSession::State;

class TestEndToEnd : public QObject
{
    Q_OBJECT

private:
    static QString appBinary() { return qEnvironmentVariable("PC_APP_BINARY"); }
    // With a private XDG_RUNTIME_DIR, so Qt has nothing to warn about on stderr.
    QProcessEnvironment environment() const
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("XDG_RUNTIME_DIR"), m_runtimeDir.path());
        return env;
    }
    QTemporaryDir m_runtimeDir;

    // The invite the app prints ("invite: …"), within 20 s; empty if none came.
    static QString printedInvite(QProcess &app)
    {
        QString invite;
        (void)QTest::qWaitFor( // an empty invite says it timed out
            [&] {
                while (app.canReadLine()) {
                    const QString line = QString::fromUtf8(app.readLine()).trimmed();
                    if (line.startsWith(QStringLiteral("invite: ")))
                        invite = line.mid(8);
                }
                return !invite.isEmpty();
            },
            20000);
        return invite;
    }

    // The last row of a room's messages: sender and text.
    static std::pair<QString, QString> lastMessage(client::MessagesModel *model)
    {
        const QModelIndex last = model->index(model->rowCount() - 1);
        return { last.data(client::MessagesModel::SenderRole).toString(),
            last.data(client::MessagesModel::TextRole).toString() };
    }

private Q_SLOTS:
    void badOptionExitsWithTwo_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::newRow("unknown") << QStringList { QStringLiteral("--bogus") };
        QTest::newRow("ttl") << QStringList { QStringLiteral("--host"), QStringLiteral("--ttl"),
            QStringLiteral("1") };
        QTest::newRow("listen") << QStringList { QStringLiteral("--host"),
            QStringLiteral("--listen"), QStringLiteral("nowhere") };
        QTest::newRow("link") << QStringList { QStringLiteral("--join"),
            QStringLiteral("privatechat://host:1/short") };
    }
    void badOptionExitsWithTwo()
    {
        QFETCH(QStringList, arguments);
        QProcess app;
        app.setProcessEnvironment(environment());
        app.setChildProcessModifier(test::dieWithParent);
        app.start(appBinary(), arguments);
        QVERIFY(app.waitForFinished(10000));
        QCOMPARE(app.exitCode(), 2);
        const QByteArray err = app.readAllStandardError().trimmed();
        QVERIFY2(err.startsWith("privatechat: ") && !err.contains('\n'), err.constData());
    }

    // The real binary: prints its invite, a guest joins with it and sees "Host" and its
    // room; SIGTERM destroys the room for the guest and the app exits 0.
    void binaryPrintsItsInvite()
    {
        QProcess app;
        app.setProcessEnvironment(environment());
        app.setChildProcessModifier(test::dieWithParent);
        app.start(appBinary(),
            { QStringLiteral("--host"), QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"),
                QStringLiteral("--name"), QStringLiteral("Host") });
        QVERIFY(app.waitForStarted());
        const QString invite = printedInvite(app);
        QVERIFY(!invite.isEmpty());
        QVERIFY2(client::InviteLink::parse(invite), qPrintable(invite));

        client::RealtimeClient guestClient;
        client::RoomSession guest;
        guest.setClient(&guestClient);
        guest.join(invite, QStringLiteral("Guest"));
        QTRY_COMPARE_WITH_TIMEOUT(guest.state(), State::Joined, 10000);
        QCOMPARE(guest.participants()->rowCount(), 2);
        QCOMPARE(
            guest.participants()->index(0).data(client::ParticipantsModel::NameRole).toString(),
            QStringLiteral("Host"));

        app.terminate();
        QTRY_COMPARE_WITH_TIMEOUT(guest.state(), State::Destroyed, 10000);
        QVERIFY(app.waitForFinished(10000));
        QCOMPARE(app.exitStatus(), QProcess::NormalExit);
        QCOMPARE(app.exitCode(), 0);
    }

    // --create-on: the real binary makes its room on a headless host (pinned), prints that
    // host's invite and is in the room as its first member; a guest joins with the invite.
    // Quitting leaves the room on its host, as a guest's leave does.
    void binaryCreatesOnAServer()
    {
        test::ServerProcess server({ QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0") });
        QVERIFY(server.start());
        const QString hostPort = QStringLiteral("127.0.0.1:%1").arg(server.listeningUrl().port());
        QProcess app;
        app.setProcessEnvironment(environment());
        app.setChildProcessModifier(test::dieWithParent);
        app.start(appBinary(),
            { QStringLiteral("--create-on"), hostPort, QStringLiteral("--fingerprint"),
                server.fingerprint(), QStringLiteral("--ttl"), QStringLiteral("300"),
                QStringLiteral("--name"), QStringLiteral("Maker") });
        QVERIFY(app.waitForStarted());
        const QString invite = printedInvite(app);
        QVERIFY(!invite.isEmpty());
        QVERIFY2(invite.startsWith(QStringLiteral("privatechat://") + hostPort + QLatin1Char('/'))
                && invite.contains(QStringLiteral("?fp=") + server.fingerprint()),
            qPrintable(invite));

        client::RealtimeClient guestClient;
        client::RoomSession guest;
        guest.setClient(&guestClient);
        guest.join(invite, QStringLiteral("Guest"));
        QTRY_COMPARE_WITH_TIMEOUT(guest.state(), State::Joined, 10000);
        QCOMPARE(guest.participants()->rowCount(), 2);
        QVERIFY2(guest.secondsLeft() <= 300 && guest.secondsLeft() > 200,
            qPrintable(QString::number(guest.secondsLeft())));

        app.terminate();
        QVERIFY(app.waitForFinished(10000));
        QCOMPARE(app.exitCode(), 0);
        QTRY_COMPARE_WITH_TIMEOUT(guest.participants()->rowCount(), 1, 10000);
        QCOMPARE(guest.state(), State::Joined); // the room lives on its server
    }

    // The real app in this process (same launcher and QML as main.cpp), driven through its
    // window: typed text reaches the guest, the guest's reaches the window, the guest's destroy
    // is refused, the window's Destroy now ends the room and the window shows the lobby.
    void chatAcrossAndDestroy()
    {
        QQmlApplicationEngine engine;
        desktop::LaunchOptions options;
        options.host = true;
        options.listen = QStringLiteral("127.0.0.1:0");
        options.name = QStringLiteral("Host");
        QObject *root = desktop::loadMainWindow(engine, options);
        QVERIFY(root);
        auto *window = qobject_cast<QQuickWindow *>(root);
        QVERIFY(window);
        QString invite;
        desktop::onInviteReady(root, [&](const QString &link) { invite = link; });
        QTRY_VERIFY_WITH_TIMEOUT(!invite.isEmpty(), 20000);

        client::RealtimeClient guestClient;
        client::RoomSession guest;
        guest.setClient(&guestClient);
        guest.join(invite, QStringLiteral("Guest"));
        QTRY_COMPARE_WITH_TIMEOUT(guest.state(), State::Joined, 10000);

        auto *roomPage = root->findChild<QQuickItem *>(QStringLiteral("roomPage"));
        auto *lobbyPage = root->findChild<QQuickItem *>(QStringLiteral("lobbyPage"));
        auto *input = root->findChild<QQuickItem *>(QStringLiteral("messageInput"));
        auto *list = root->findChild<QQuickItem *>(QStringLiteral("messageList"));
        QVERIFY(roomPage && lobbyPage && input && list);
        QVERIFY(roomPage->isVisible());
        QVERIFY(!lobbyPage->isVisible());
        // The input has the focus on entry: type straight into the window.
        window->requestActivate();
        QVERIFY(QTest::qWaitForWindowActive(window));
        QTRY_VERIFY(input->hasActiveFocus());
        for (const char c : QByteArrayLiteral("hello from the app"))
            QTest::keyClick(window, c);
        QTest::keyClick(window, Qt::Key_Return);
        QTRY_COMPARE(input->property("text").toString(), QString());
        QTRY_COMPARE_WITH_TIMEOUT(lastMessage(guest.messages()),
            std::make_pair(QStringLiteral("Host"), QStringLiteral("hello from the app")), 10000);

        guest.send(QStringLiteral("hello from the guest"));
        auto *session = root->findChild<client::RoomSession *>(QStringLiteral("session"));
        QVERIFY(session);
        QTRY_COMPARE_WITH_TIMEOUT(lastMessage(session->messages()),
            std::make_pair(QStringLiteral("Guest"), QStringLiteral("hello from the guest")), 10000);
        QCOMPARE(list->property("count").toInt(), session->messages()->rowCount());

        // The window's room is hosted by it: the guest may leave it, not destroy it.
        QVERIFY(!guest.canDestroy());
        bool refused = false;
        connect(&guest, &client::RoomSession::destroyFailed, this,
            [&refused](const protocol::Error &error) {
                refused = error.code == protocol::ErrorCode::Forbidden;
            });
        guest.destroyRoom();
        QTRY_VERIFY(refused);
        QVERIFY(roomPage->isVisible());
        auto *destroy = root->findChild<QQuickItem *>(QStringLiteral("destroyButton"));
        QVERIFY(destroy && destroy->isVisible());
        QTest::mouseClick(window, Qt::LeftButton, {},
            destroy->mapToScene(QPointF(destroy->width() / 2, destroy->height() / 2)).toPoint());
        QQuickItem *accept = nullptr; // the open dialog's (each dialog has one)
        QTRY_VERIFY([&] {
            for (auto *item : root->findChildren<QQuickItem *>(QStringLiteral("confirmAccept")))
                if (item->isVisible() && item->width() > 0)
                    accept = item;
            return accept != nullptr;
        }());
        QTest::mouseClick(window, Qt::LeftButton, {},
            accept->mapToScene(QPointF(accept->width() / 2, accept->height() / 2)).toPoint());
        QTRY_COMPARE_WITH_TIMEOUT(guest.state(), State::Destroyed, 10000);
        QTRY_VERIFY_WITH_TIMEOUT(lobbyPage->isVisible(), 10000);
        QVERIFY(!roomPage->isVisible());
        auto *alert = lobbyPage->findChild<QQuickItem *>(QStringLiteral("lobbyAlert"));
        QVERIFY(alert);
        QTRY_VERIFY_WITH_TIMEOUT(alert->isVisible(), 10000); // once our host has stopped
        QVERIFY2(alert->property("text").toString().contains(QStringLiteral("destroyed")),
            qPrintable(alert->property("text").toString()));
        // The room we hosted is gone, so is our host.
        auto *host = root->findChild<QObject *>(QStringLiteral("host"));
        QTRY_COMPARE_WITH_TIMEOUT(host->property("active").toBool(), false, 10000);
    }

    // The window while it waits: what it waits for, Cancel and Escape; then an invite whose
    // host cannot be reached, said in words.
    // A broken privatechat:// link opened from a browser (the argument) opens the window with
    // the reason, instead of an exit nobody sees.
    void brokenLinkFromABrowserIsShown()
    {
        QString error;
        const auto options = desktop::parseArguments(
            { QStringLiteral("privatechat"), QStringLiteral("privatechat://host:1/short") },
            &error);
        QVERIFY2(options, qPrintable(error));
        QQmlApplicationEngine engine;
        QObject *root = desktop::loadMainWindow(engine, *options);
        QVERIFY(root);
        auto *flow = root->findChild<desktop::RoomFlow *>(QStringLiteral("flow"));
        auto *lobby = root->findChild<QQuickItem *>(QStringLiteral("lobbyPage"));
        QVERIFY(flow && lobby);
        auto *alert = lobby->findChild<QQuickItem *>(QStringLiteral("lobbyAlert"));
        QTRY_VERIFY(alert->isVisible());
        QCOMPARE(flow->state(), desktop::RoomFlow::State::Lobby);
        QCOMPARE(alert->property("kind").toString(), QStringLiteral("error"));
        QVERIFY2(!alert->property("text").toString().isEmpty(), "the alert says nothing");
    }

    void waitingInTheWindow()
    {
        QTcpServer silent; // takes the connection, never answers
        QVERIFY(silent.listen(QHostAddress::LocalHost));
        QQmlApplicationEngine engine;
        desktop::LaunchOptions options;
        options.join = QStringLiteral("privatechat://127.0.0.1:%1/AAAAAAAAAAAAAAAAAAAAA")
                           .arg(silent.serverPort());
        QObject *root = desktop::loadMainWindow(engine, options);
        QVERIFY(root);
        auto *window = qobject_cast<QQuickWindow *>(root);
        auto *flow = root->findChild<desktop::RoomFlow *>(QStringLiteral("flow"));
        auto *lobby = root->findChild<QQuickItem *>(QStringLiteral("lobbyPage"));
        QVERIFY(window && flow && lobby);
        const auto named = [lobby](const char *name) {
            return lobby->findChild<QQuickItem *>(QLatin1StringView(name));
        };
        QCOMPARE(flow->state(), desktop::RoomFlow::State::Joining);
        QCOMPARE(named("progressText")->property("text").toString(),
            QStringLiteral("Joining the room…"));
        QVERIFY(named("cancelButton")->isVisible());
        QVERIFY(!named("hostButton")->isEnabled());
        window->requestActivate();
        QVERIFY(QTest::qWaitForWindowActive(window));
        QTest::keyClick(window, Qt::Key_Escape);
        QCOMPARE(flow->state(), desktop::RoomFlow::State::Lobby);
        QTRY_VERIFY(!named("cancelButton")->isVisible());
        QVERIFY(named("hostButton")->isEnabled());
        QVERIFY(!named("lobbyAlert")->isVisible()); // a cancel is no error

        named("joinField")
            ->setProperty("text", QStringLiteral("127.0.0.1:1/AAAAAAAAAAAAAAAAAAAAA"));
        QVERIFY(QMetaObject::invokeMethod(named("joinButton"), "clicked"));
        QCOMPARE(flow->state(), desktop::RoomFlow::State::Joining);
        QTRY_VERIFY_WITH_TIMEOUT(named("lobbyAlert")->isVisible(), 10000);
        const QString alert = named("lobbyAlert")->property("text").toString();
        QVERIFY2(alert.contains(QStringLiteral("cannot be reached")), qPrintable(alert));
        QCOMPARE(named("lobbyAlert")->property("kind").toString(), QStringLiteral("error"));
    }
};

QTEST_MAIN(TestEndToEnd)
#include "tst_endtoend.moc"
