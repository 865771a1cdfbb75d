// Invite links: every form the Join field accepts, and plain words for what it does not.
#include "invitelink.h"

#include <QTest>

using pc::client::InviteLink;

class tst_InviteLink : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parses_data();
    void parses();
    void rejects_data();
    void rejects();
};

void tst_InviteLink::parses_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("host");
    QTest::addColumn<int>("port");
    QTest::addColumn<QString>("canonical");
    const QString id = QStringLiteral("abcdefghijklmnopqrs_-");
    QTest::addRow("full") << QStringLiteral("privatechat://10.0.0.5:7000/") + id
                          << QStringLiteral("10.0.0.5") << 7000
                          << QStringLiteral("privatechat://10.0.0.5:7000/") + id;
    QTest::addRow("default port") << QStringLiteral("privatechat://chat.example/") + id
                                  << QStringLiteral("chat.example") << 7878
                                  << QStringLiteral("privatechat://chat.example:7878/") + id;
    QTest::addRow("no scheme") << QStringLiteral("127.0.0.1:7878/") + id
                               << QStringLiteral("127.0.0.1") << 7878
                               << QStringLiteral("privatechat://127.0.0.1:7878/") + id;
    QTest::addRow("ipv6") << QStringLiteral("privatechat://[::1]:7878/") + id
                          << QStringLiteral("::1") << 7878
                          << QStringLiteral("privatechat://[::1]:7878/") + id;
    QTest::addRow("spaces and slash")
        << QStringLiteral("  privatechat://h:1/") + id + QStringLiteral("/ ") << QStringLiteral("h")
        << 1 << QStringLiteral("privatechat://h:1/") + id;
}

void tst_InviteLink::parses()
{
    QFETCH(QString, text);
    QFETCH(QString, host);
    QFETCH(int, port);
    QFETCH(QString, canonical);
    const auto link = InviteLink::parse(text);
    QVERIFY(link);
    QCOMPARE(link->host, host);
    QCOMPARE(int(link->port), port);
    QCOMPARE(link->toString(), canonical);
    QCOMPARE(link->serverUrl().path(), QStringLiteral("/api/realtime"));
}

void tst_InviteLink::rejects_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("says");
    QTest::addRow("empty") << QString() << QStringLiteral("no room ID");
    QTest::addRow("other scheme") << QStringLiteral("https://h/abcdefghijklmnopqrstu")
                                  << QStringLiteral("privatechat://");
    QTest::addRow("short id") << QStringLiteral("h:1/abc") << QStringLiteral("not a room ID");
    QTest::addRow("bad port") << QStringLiteral("h:99999/abcdefghijklmnopqrstu")
                              << QStringLiteral("not a port");
    QTest::addRow("bare ipv6") << QStringLiteral("::1:7878/abcdefghijklmnopqrstu")
                               << QStringLiteral("brackets");
    QTest::addRow("no host") << QStringLiteral(":7878/abcdefghijklmnopqrstu")
                             << QStringLiteral("no host");
}

void tst_InviteLink::rejects()
{
    QFETCH(QString, text);
    QFETCH(QString, says);
    QString why;
    QVERIFY(!InviteLink::parse(text, &why));
    QVERIFY2(why.contains(says), qPrintable(why));
}

QTEST_GUILESS_MAIN(tst_InviteLink)
#include "tst_invitelink.moc"
