// The end-to-end layer: what is sealed opens only with its key, in its room, for its sender
// and its clientMsgId; everything else fails to open instead of showing the wrong words.
#include "roomcipher.h"

#include <QRegularExpression>
#include <QTest>

using pc::client::RoomCipher;

class tst_RoomCipher : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void messageRoundTrip();
    void freshNoncePerMessage();
    void refusesWhatWasMovedOrReattributed();
    void refusesTamperingAndGarbage();
    void namesAreBoundToTheirRoom();
    void noKeyOpensNothing();
    void fitsTheProtocolLimits();
    void safetyCode();

private:
    const QString room = QStringLiteral("roomAAAAAAAAAAAAAAAAA");
    const QString otherRoom = QStringLiteral("roomBBBBBBBBBBBBBBBBB");
    const QByteArray key = RoomCipher::newKey();
};

void tst_RoomCipher::messageRoundTrip()
{
    QCOMPARE(key.size(), RoomCipher::kKeyBytes);
    const RoomCipher cipher(key, room);
    const RoomCipher::Letter letter { QStringLiteral("Ada ✨"), QStringLiteral("hi 👋\nthere") };
    const QString sealed = cipher.sealMessage(QStringLiteral("p1"), QStringLiteral("m1"), letter);
    QVERIFY(QRegularExpression(QStringLiteral("^[A-Za-z0-9_-]+$")).match(sealed).hasMatch());
    // Neither the text nor the name is in the sealed bytes (a check on the base64 text itself
    // would fail by chance: "hi" is two letters of its alphabet).
    const QByteArray bytes = QByteArray::fromBase64(
        sealed.toLatin1(), QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
    QVERIFY(bytes.size() > letter.text.toUtf8().size());
    QVERIFY(!bytes.contains(letter.text.toUtf8()) && !bytes.contains(letter.name.toUtf8()));
    const auto opened
        = RoomCipher(key, room).openMessage(QStringLiteral("p1"), QStringLiteral("m1"), sealed);
    QVERIFY(opened);
    QCOMPARE(opened->name, letter.name);
    QCOMPARE(opened->text, letter.text);
}

void tst_RoomCipher::freshNoncePerMessage()
{
    const RoomCipher cipher(key, room);
    const RoomCipher::Letter letter { QStringLiteral("a"), QStringLiteral("same") };
    const QString one = cipher.sealMessage(QStringLiteral("p1"), QStringLiteral("m1"), letter);
    const QString two = cipher.sealMessage(QStringLiteral("p1"), QStringLiteral("m1"), letter);
    QVERIFY(one != two);
    QVERIFY(one.left(32) != two.left(32)); // the nonce leads
}

void tst_RoomCipher::refusesWhatWasMovedOrReattributed()
{
    const RoomCipher cipher(key, room);
    const QString sealed = cipher.sealMessage(
        QStringLiteral("p1"), QStringLiteral("m1"), { QStringLiteral("a"), QStringLiteral("x") });
    QVERIFY(!cipher.openMessage(QStringLiteral("p2"), QStringLiteral("m1"), sealed));
    QVERIFY(!cipher.openMessage(QStringLiteral("p1"), QStringLiteral("m2"), sealed));
    QVERIFY(!RoomCipher(key, otherRoom)
                 .openMessage(QStringLiteral("p1"), QStringLiteral("m1"), sealed));
    QVERIFY(!RoomCipher(RoomCipher::newKey(), room)
                 .openMessage(QStringLiteral("p1"), QStringLiteral("m1"), sealed));
    // Parts are length-prefixed: moving a character from one to the next changes the data.
    const QString split = cipher.sealMessage(
        QStringLiteral("p1m"), QStringLiteral("1"), { QStringLiteral("a"), QStringLiteral("x") });
    QVERIFY(!cipher.openMessage(QStringLiteral("p1"), QStringLiteral("m1"), split));
    QVERIFY(cipher.openMessage(QStringLiteral("p1"), QStringLiteral("m1"), sealed));
}

void tst_RoomCipher::refusesTamperingAndGarbage()
{
    const RoomCipher cipher(key, room);
    const QString sealed = cipher.sealMessage(
        QStringLiteral("p1"), QStringLiteral("m1"), { QStringLiteral("a"), QStringLiteral("x") });
    QByteArray raw = QByteArray::fromBase64(sealed.toLatin1(), QByteArray::Base64UrlEncoding);
    raw[raw.size() - 1] = char(raw.at(raw.size() - 1) ^ 1);
    const QString flipped = QString::fromLatin1(
        raw.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
    QVERIFY(!cipher.openMessage(QStringLiteral("p1"), QStringLiteral("m1"), flipped));
    for (const QString &garbage : { QString(), QStringLiteral("not base64!"),
             QStringLiteral("AAAA"), QString(80, QLatin1Char('A')) })
        QVERIFY2(!cipher.openMessage(QStringLiteral("p1"), QStringLiteral("m1"), garbage),
            qPrintable(garbage));
}

void tst_RoomCipher::namesAreBoundToTheirRoom()
{
    const RoomCipher cipher(key, room);
    const QString sealed = cipher.sealName(QStringLiteral("Grace"));
    QCOMPARE(cipher.openName(sealed), QStringLiteral("Grace"));
    QVERIFY(!RoomCipher(key, otherRoom).openName(sealed));
    // A name is no message: the purposes differ.
    QVERIFY(!cipher.openMessage(QStringLiteral("p1"), QStringLiteral("m1"), sealed));
}

void tst_RoomCipher::noKeyOpensNothing()
{
    const RoomCipher none;
    QVERIFY(!none.hasKey());
    QVERIFY(none.sealName(QStringLiteral("x")).isEmpty());
    QVERIFY(!none.openName(RoomCipher(key, room).sealName(QStringLiteral("x"))));
    QVERIFY(!RoomCipher(QByteArray(31, 'k'), room).hasKey()); // not a key
    QVERIFY(none.safetyCode(QStringLiteral("fp")).isEmpty());
}

void tst_RoomCipher::fitsTheProtocolLimits()
{
    // The longest name (100 UTF-16 units) and text (1,000), at 3 UTF-8 bytes each: within the
    // host's limits for sealed values (sealedName 600, ciphertext 6,000 characters).
    const RoomCipher cipher(key, room);
    const QString name(100, QChar(0x20ac));
    const QString text(1000, QChar(0x20ac));
    QVERIFY(cipher.sealName(name).size() <= 600);
    const QString sealed = cipher.sealMessage(
        QStringLiteral("participant1"), QStringLiteral("0123456789abcdef"), { name, text });
    QVERIFY2(sealed.size() <= 6000, qPrintable(QString::number(sealed.size())));
    QCOMPARE(
        cipher
            .openMessage(QStringLiteral("participant1"), QStringLiteral("0123456789abcdef"), sealed)
            ->text,
        text);
}

void tst_RoomCipher::safetyCode()
{
    const QString fp = QStringLiteral("47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU");
    const QString code = RoomCipher(key, room).safetyCode(fp);
    QVERIFY2(
        QRegularExpression(QStringLiteral("^\\d{4} \\d{4} \\d{4} \\d{4}$")).match(code).hasMatch(),
        qPrintable(code));
    QCOMPARE(RoomCipher(key, room).safetyCode(fp), code); // every member gets the same
    QVERIFY(RoomCipher(key, room).safetyCode(QString(fp).replace(0, 1, QLatin1Char('5'))) != code);
    QVERIFY(RoomCipher(RoomCipher::newKey(), room).safetyCode(fp) != code);
    QVERIFY(RoomCipher(key, otherRoom).safetyCode(fp) != code);
}

QTEST_GUILESS_MAIN(tst_RoomCipher)
#include "tst_roomcipher.moc"
