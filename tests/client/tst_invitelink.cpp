// Invite links: every form the Join field accepts, and plain words for what it does not.
#include "invitelink.h"

#include <QTest>

using pc::client::InviteLink;

namespace {
const QString kId = QStringLiteral("abcdefghijklmnopqrs_-");
// A SHA-256 in base64url (43 characters; the last one's padding bits are zero).
const QString kFp = QStringLiteral("47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU");
} // namespace

class tst_InviteLink : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parses_data();
    void parses();
    void rejects_data();
    void rejects();
    void transport_data();
    void transport();
    void carriesTheKeyInTheFragment();
    void damagedKeyStillOpensTheRoom();
};

void tst_InviteLink::parses_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("host");
    QTest::addColumn<int>("port");
    QTest::addColumn<QString>("canonical");
    const QString &id = kId;
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
    QTest::addRow("short fp") << QStringLiteral("h:1/abcdefghijklmnopqrstu?fp=abc")
                              << QStringLiteral("The invite's host fingerprint (fp=) is damaged");
    QTest::addRow("fp not base64url")
        << QStringLiteral("h:1/abcdefghijklmnopqrstu?fp=") + QString(43, QLatin1Char('+'))
        << QStringLiteral("The invite's host fingerprint (fp=) is damaged");
    QTest::addRow("fp and plain") << QStringLiteral("h:1/abcdefghijklmnopqrstu?plain=1&fp=") + kFp
                                  << QStringLiteral("both fp= and plain=1");
}

void tst_InviteLink::rejects()
{
    QFETCH(QString, text);
    QFETCH(QString, says);
    QString why;
    QVERIFY(!InviteLink::parse(text, &why));
    QVERIFY2(why.contains(says), qPrintable(why));
}

void tst_InviteLink::transport_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("scheme");
    QTest::addColumn<QString>("canonical");
    QTest::addRow("pinned") << QStringLiteral("privatechat://10.0.0.5:7000/") + kId
            + QStringLiteral("?fp=") + kFp
                            << QStringLiteral("wss")
                            << QStringLiteral("privatechat://10.0.0.5:7000/") + kId
            + QStringLiteral("?fp=") + kFp;
    QTest::addRow("pinned loopback")
        << QStringLiteral("127.0.0.1:7000/") + kId + QStringLiteral("?fp=") + kFp
        << QStringLiteral("wss")
        << QStringLiteral("privatechat://127.0.0.1:7000/") + kId + QStringLiteral("?fp=") + kFp;
    QTest::addRow("plain") << QStringLiteral("privatechat://chat.example:1/") + kId
            + QStringLiteral("?plain=1")
                           << QStringLiteral("ws")
                           << QStringLiteral("privatechat://chat.example:1/") + kId
            + QStringLiteral("?plain=1");
    // Neither: a host with a CA-issued certificate, checked against the system's CAs.
    QTest::addRow("ca") << QStringLiteral("privatechat://chat.example/") + kId
                        << QStringLiteral("wss")
                        << QStringLiteral("privatechat://chat.example:7878/") + kId;
    // Protocol v1's links to this computer: ws://, nothing on the path to protect from.
    QTest::addRow("v1 loopback") << QStringLiteral("127.0.0.1:7878/") + kId << QStringLiteral("ws")
                                 << QStringLiteral("privatechat://127.0.0.1:7878/") + kId;
    QTest::addRow("v1 localhost") << QStringLiteral("localhost:7878/") + kId << QStringLiteral("ws")
                                  << QStringLiteral("privatechat://localhost:7878/") + kId;
    QTest::addRow("v1 ipv6 loopback") << QStringLiteral("[::1]:7878/") + kId << QStringLiteral("ws")
                                      << QStringLiteral("privatechat://[::1]:7878/") + kId;
    QTest::addRow("unknown parameter kept out")
        << QStringLiteral("h:1/") + kId + QStringLiteral("?future=2&fp=") + kFp
        << QStringLiteral("wss")
        << QStringLiteral("privatechat://h:1/") + kId + QStringLiteral("?fp=") + kFp;
}

void tst_InviteLink::transport()
{
    QFETCH(QString, text);
    QFETCH(QString, scheme);
    QFETCH(QString, canonical);
    QString why;
    const auto link = InviteLink::parse(text, &why);
    QVERIFY2(link, qPrintable(why));
    QCOMPARE(link->serverUrl().scheme(), scheme);
    QCOMPARE(link->roomId, kId);
    QCOMPARE(link->toString(), canonical);
    // The pin and the key never reach the URL the client opens.
    QVERIFY(!link->serverUrl().toString().contains(kFp));
    QVERIFY(!link->serverUrl().hasQuery());
}

void tst_InviteLink::carriesTheKeyInTheFragment()
{
    const QByteArray key(32, '\x5a');
    const QString keyText = QString::fromLatin1(
        key.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
    const QString text = QStringLiteral("privatechat://h:1/") + kId + QStringLiteral("?fp=") + kFp
        + QStringLiteral("#k=") + keyText;
    const auto link = InviteLink::parse(text);
    QVERIFY(link);
    QCOMPARE(link->roomKey, key);
    QVERIFY(!link->keyDamaged);
    QCOMPARE(link->toString(), text);
    QVERIFY(!link->serverUrl().toString().contains(keyText));
    QVERIFY(link->serverUrl().fragment().isEmpty());
    // Another room of the same host: the same pin, that room's key or none.
    const InviteLink other = link->forRoom(QStringLiteral("zyxwvutsrqponmlkjihgf"));
    QCOMPARE(other.fingerprint, kFp);
    QVERIFY(other.roomKey.isEmpty());
}

void tst_InviteLink::damagedKeyStillOpensTheRoom()
{
    for (const QString &fragment : { QStringLiteral("#k=short"), QStringLiteral("#k=") }) {
        const auto link = InviteLink::parse(QStringLiteral("h:1/") + kId + fragment);
        QVERIFY2(link, qPrintable(fragment));
        QVERIFY(link->roomKey.isEmpty());
        QVERIFY(link->keyDamaged);
    }
    const auto none = InviteLink::parse(QStringLiteral("h:1/") + kId);
    QVERIFY(none && !none->keyDamaged && none->roomKey.isEmpty());
}

QTEST_GUILESS_MAIN(tst_InviteLink)
#include "tst_invitelink.moc"
