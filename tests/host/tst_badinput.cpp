// Every kind of bad input gets its exact error, and loses nothing: the connection stays
// open, the other member still receives, and the stored history is unchanged.
#include "testclient.h"
#include "testhost.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace pc::test;

class tst_BadInput : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void rejects_data();
    void rejects();
    void binaryFrame();
    void oversizedMessageCloses();

private:
    QJsonArray history();
    QByteArray fill(QByteArray frame) const;
    void checkUnharmed(const QString &probeText);

    std::unique_ptr<TestHost> m_host;
    std::unique_ptr<TestClient> m_alice;
    std::unique_ptr<TestClient> m_bob;
    std::unique_ptr<TestClient> m_other;
    QString m_room, m_token, m_bobToken, m_otherRoom, m_otherToken;
    int m_probe = 0;
};

void tst_BadInput::initTestCase()
{
    m_host = std::make_unique<TestHost>();
    QVERIFY(m_host->start());
    m_alice = std::make_unique<TestClient>(m_host->url());
    m_bob = std::make_unique<TestClient>(m_host->url());
    m_other = std::make_unique<TestClient>(m_host->url());
    QVERIFY(m_alice->open() && m_bob->open() && m_other->open());
    m_room = m_alice->createRoom(600, 3);
    QCOMPARE(m_room.size(), 21);
    m_token = m_alice->join(m_room, QStringLiteral("Alice"))
                  .value(QLatin1StringView("token"))
                  .toString();
    m_bobToken
        = m_bob->join(m_room, QStringLiteral("Bob")).value(QLatin1StringView("token")).toString();
    QVERIFY(!m_token.isEmpty() && !m_bobToken.isEmpty());
    QVERIFY(dataOf(m_bob->subscribe(m_room, m_bobToken)).contains(QLatin1StringView("lastSeq")));
    m_otherRoom = m_other->createRoom();
    m_otherToken = m_other->join(m_otherRoom, QStringLiteral("Eve"))
                       .value(QLatin1StringView("token"))
                       .toString();
    checkUnharmed(QStringLiteral("before"));
}

void tst_BadInput::cleanupTestCase()
{
    QCOMPARE(TestClient::tokenLeak(), QString());
}

QJsonArray tst_BadInput::history()
{
    const QJsonObject reply = m_alice->request(QStringLiteral("messages.list"),
        { { QLatin1StringView("roomId"), m_room }, { QLatin1StringView("token"), m_token } });
    return dataOf(reply).value(QLatin1StringView("messages")).toArray();
}

void tst_BadInput::checkUnharmed(const QString &probeText)
{
    QVERIFY(m_alice->isOpen());
    const qsizetype before = m_bob->events(QStringLiteral("chat.message")).size();
    const QJsonObject sent = m_alice->request(QStringLiteral("messages.send"),
        { { QLatin1StringView("roomId"), m_room }, { QLatin1StringView("token"), m_token },
            { QLatin1StringView("text"), probeText } });
    QVERIFY2(
        sent.value(QLatin1StringView("ok")).toBool(), QJsonDocument(sent).toJson().constData());
    QVERIFY(m_bob->waitForEvents(QStringLiteral("chat.message"), int(before) + 1));
    const QJsonObject last = m_bob->events(QStringLiteral("chat.message")).last();
    QCOMPARE(last.value(QLatin1StringView("data"))
                 .toObject()
                 .value(QLatin1StringView("text"))
                 .toString(),
        probeText);
}

QByteArray tst_BadInput::fill(QByteArray frame) const
{
    frame.replace("$ROOM", m_room.toLatin1());
    frame.replace("$TOKEN", m_token.toLatin1());
    frame.replace("$OTHERROOM", m_otherRoom.toLatin1());
    frame.replace("$OTHERTOKEN", m_otherToken.toLatin1());
    frame.replace("$NOROOM", "AAAAAAAAAAAAAAAAAAAAA");
    frame.replace("$LONG101", QByteArray(101, 'n'));
    frame.replace("$LONG1001", QByteArray(1001, 't'));
    frame.replace("$LONG65", QByteArray(65, 'c'));
    // 1000 emoji: 1000 characters to a person, 2000 UTF-16 code units to the contract.
    frame.replace("$EMOJI1000", QStringLiteral("\U0001F600").repeated(1000).toUtf8());
    frame.replace("$DEEP", QByteArray(2000, '[') + QByteArray(2000, ']'));
    return frame;
}

void tst_BadInput::rejects_data()
{
    QTest::addColumn<QByteArray>("frame");
    QTest::addColumn<QJsonValue>("id");
    QTest::addColumn<QString>("code");
    const QJsonValue null = QJsonValue::Null;
    const QString bad = QStringLiteral("bad-request");
    const QString large = QStringLiteral("too-large");
    const QString unauthorized = QStringLiteral("unauthorized");

    // The envelope
    QTest::addRow("not JSON") << QByteArray("hello") << null << bad;
    QTest::addRow("truncated JSON") << QByteArray(R"({"id":1,)") << null << bad;
    QTest::addRow("array") << QByteArray("[1,2]") << null << bad;
    QTest::addRow("JSON string") << QByteArray(R"("room.create")") << null << bad;
    QTest::addRow("JSON number") << QByteArray("42") << null << bad;
    QTest::addRow("deeply nested") << QByteArray("$DEEP") << null << bad;
    QTest::addRow("missing id") << QByteArray(R"({"op":"room.create"})") << null << bad;
    QTest::addRow("id null") << QByteArray(R"({"id":null,"op":"room.create"})") << null << bad;
    QTest::addRow("id fraction") << QByteArray(R"({"id":1.5,"op":"room.create"})") << null << bad;
    QTest::addRow("id 2^53") << QByteArray(R"({"id":9007199254740992,"op":"room.create"})") << null
                             << bad;
    QTest::addRow("id empty string")
        << QByteArray(R"({"id":"","op":"room.create"})") << null << bad;
    QTest::addRow("id 65 chars") << QByteArray(R"({"id":"$LONG65","op":"room.create"})") << null
                                 << bad;
    QTest::addRow("id object") << QByteArray(R"({"id":{},"op":"room.create"})") << null << bad;
    QTest::addRow("id boolean") << QByteArray(R"({"id":true,"op":"room.create"})") << null << bad;
    QTest::addRow("missing op") << QByteArray(R"({"id":7})") << QJsonValue(7) << bad;
    QTest::addRow("op not a string")
        << QByteArray(R"({"id":"x","op":5})") << QJsonValue(QStringLiteral("x")) << bad;
    QTest::addRow("unknown op") << QByteArray(R"({"id":8,"op":"room.explode"})") << QJsonValue(8)
                                << QStringLiteral("unknown-op");
    QTest::addRow("unknown op, no id") << QByteArray(R"({"op":"room.explode"})") << null << bad;

    // room.create
    QTest::addRow("ttl too short")
        << QByteArray(R"({"id":1,"op":"room.create","ttl":4})") << QJsonValue(1) << bad;
    QTest::addRow("ttl too long") << QByteArray(R"({"id":1,"op":"room.create","ttl":604801})")
                                  << QJsonValue(1) << bad;
    QTest::addRow("ttl a string") << QByteArray(R"({"id":1,"op":"room.create","ttl":"600"})")
                                  << QJsonValue(1) << bad;
    QTest::addRow("ttl fraction") << QByteArray(R"({"id":1,"op":"room.create","ttl":10.5})")
                                  << QJsonValue(1) << bad;
    QTest::addRow("max 1") << QByteArray(R"({"id":1,"op":"room.create","maxParticipants":1})")
                           << QJsonValue(1) << bad;
    QTest::addRow("max 101") << QByteArray(R"({"id":1,"op":"room.create","maxParticipants":101})")
                             << QJsonValue(1) << bad;

    // room.join
    QTest::addRow("join without roomId")
        << QByteArray(R"({"id":2,"op":"room.join","name":"Zed"})") << QJsonValue(2) << bad;
    QTest::addRow("roomId too short")
        << QByteArray(R"({"id":2,"op":"room.join","roomId":"abc","name":"Zed"})") << QJsonValue(2)
        << bad;
    QTest::addRow("roomId bad characters")
        << QByteArray(R"({"id":2,"op":"room.join","roomId":"AAAAAAAAAAAAAAAAAAAA!","name":"Zed"})")
        << QJsonValue(2) << bad;
    QTest::addRow("roomId a number")
        << QByteArray(R"({"id":2,"op":"room.join","roomId":12,"name":"Zed"})") << QJsonValue(2)
        << bad;
    QTest::addRow("join without name")
        << QByteArray(R"({"id":2,"op":"room.join","roomId":"$ROOM"})") << QJsonValue(2) << bad;
    QTest::addRow("name a number")
        << QByteArray(R"({"id":2,"op":"room.join","roomId":"$ROOM","name":3})") << QJsonValue(2)
        << bad;
    QTest::addRow("token a number")
        << QByteArray(R"({"id":2,"op":"room.join","roomId":"$ROOM","name":"Zed","token":5})")
        << QJsonValue(2) << bad;
    QTest::addRow("name too long")
        << QByteArray(R"({"id":2,"op":"room.join","roomId":"$ROOM","name":"$LONG101"})")
        << QJsonValue(2) << large;
    QTest::addRow("name whitespace")
        << QByteArray(R"({"id":2,"op":"room.join","roomId":"$ROOM","name":" \t "})")
        << QJsonValue(2) << large;
    QTest::addRow("name empty") << QByteArray(
        R"({"id":2,"op":"room.join","roomId":"$ROOM","name":""})")
                                << QJsonValue(2) << large;
    QTest::addRow("join unknown room")
        << QByteArray(R"({"id":2,"op":"room.join","roomId":"$NOROOM","name":"Zed"})")
        << QJsonValue(2) << QStringLiteral("room-not-found");
    QTest::addRow("rejoin unknown token")
        << QByteArray(R"({"id":2,"op":"room.join","roomId":"$ROOM","name":"Zed","token":"nope"})")
        << QJsonValue(2) << unauthorized;
    QTest::addRow("rejoin other room's token") << QByteArray(
        R"({"id":2,"op":"room.join","roomId":"$ROOM","name":"Zed","token":"$OTHERTOKEN"})")
                                               << QJsonValue(2) << unauthorized;

    // messages.send
    QTest::addRow("text missing") << QByteArray(
        R"({"id":3,"op":"messages.send","roomId":"$ROOM","token":"$TOKEN"})")
                                  << QJsonValue(3) << bad;
    QTest::addRow("text a number")
        << QByteArray(R"({"id":3,"op":"messages.send","roomId":"$ROOM","token":"$TOKEN","text":5})")
        << QJsonValue(3) << bad;
    QTest::addRow("text too long") << QByteArray(
        R"({"id":3,"op":"messages.send","roomId":"$ROOM","token":"$TOKEN","text":"$LONG1001"})")
                                   << QJsonValue(3) << large;
    QTest::addRow("text 1000 emoji") << QByteArray(
        R"({"id":3,"op":"messages.send","roomId":"$ROOM","token":"$TOKEN","text":"$EMOJI1000"})")
                                     << QJsonValue(3) << large;
    QTest::addRow("text empty") << QByteArray(
        R"({"id":3,"op":"messages.send","roomId":"$ROOM","token":"$TOKEN","text":""})")
                                << QJsonValue(3) << large;
    QTest::addRow("text whitespace") << QByteArray(
        R"({"id":3,"op":"messages.send","roomId":"$ROOM","token":"$TOKEN","text":" \n\t "})")
                                     << QJsonValue(3) << large;
    QTest::addRow("clientMsgId too long") << QByteArray(
        R"({"id":3,"op":"messages.send","roomId":"$ROOM","token":"$TOKEN","text":"x","clientMsgId":"$LONG65"})")
                                          << QJsonValue(3) << large;
    QTest::addRow("clientMsgId a number") << QByteArray(
        R"({"id":3,"op":"messages.send","roomId":"$ROOM","token":"$TOKEN","text":"x","clientMsgId":1})")
                                          << QJsonValue(3) << bad;
    QTest::addRow("token missing")
        << QByteArray(R"({"id":3,"op":"messages.send","roomId":"$ROOM","text":"x"})")
        << QJsonValue(3) << unauthorized;
    QTest::addRow("token empty") << QByteArray(
        R"({"id":3,"op":"messages.send","roomId":"$ROOM","token":"","text":"x"})")
                                 << QJsonValue(3) << unauthorized;
    QTest::addRow("token not a string")
        << QByteArray(R"({"id":3,"op":"messages.send","roomId":"$ROOM","token":[],"text":"x"})")
        << QJsonValue(3) << bad;
    QTest::addRow("token wrong") << QByteArray(
        R"({"id":3,"op":"messages.send","roomId":"$ROOM","token":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA","text":"x"})")
                                 << QJsonValue(3) << unauthorized;
    QTest::addRow("token of another room") << QByteArray(
        R"({"id":3,"op":"messages.send","roomId":"$ROOM","token":"$OTHERTOKEN","text":"x"})")
                                           << QJsonValue(3) << unauthorized;
    QTest::addRow("send to unknown room") << QByteArray(
        R"({"id":3,"op":"messages.send","roomId":"$NOROOM","token":"$TOKEN","text":"x"})")
                                          << QJsonValue(3) << QStringLiteral("room-not-found");
    QTest::addRow("unknown room beats missing token")
        << QByteArray(R"({"id":3,"op":"room.ttl","roomId":"$NOROOM"})") << QJsonValue(3)
        << QStringLiteral("room-not-found");

    // messages.list, subscribe, others
    QTest::addRow("list after -1") << QByteArray(
        R"({"id":4,"op":"messages.list","roomId":"$ROOM","token":"$TOKEN","after":-1})")
                                   << QJsonValue(4) << bad;
    QTest::addRow("list limit 0") << QByteArray(
        R"({"id":4,"op":"messages.list","roomId":"$ROOM","token":"$TOKEN","limit":0})")
                                  << QJsonValue(4) << bad;
    QTest::addRow("list limit 1001") << QByteArray(
        R"({"id":4,"op":"messages.list","roomId":"$ROOM","token":"$TOKEN","limit":1001})")
                                     << QJsonValue(4) << bad;
    QTest::addRow("subscribe unknown event") << QByteArray(
        R"({"id":5,"op":"subscribe","channel":"$ROOM","token":"$TOKEN","events":["chat.explode"]})")
                                             << QJsonValue(5) << bad;
    QTest::addRow("subscribe events not a list") << QByteArray(
        R"({"id":5,"op":"subscribe","channel":"$ROOM","token":"$TOKEN","events":"chat.message"})")
                                                 << QJsonValue(5) << bad;
    QTest::addRow("subscribe without channel")
        << QByteArray(R"({"id":5,"op":"subscribe","token":"$TOKEN"})") << QJsonValue(5) << bad;
    QTest::addRow("destroy with other room's token")
        << QByteArray(R"({"id":6,"op":"room.destroy","roomId":"$ROOM","token":"$OTHERTOKEN"})")
        << QJsonValue(6) << unauthorized;
    QTest::addRow("leave without token")
        << QByteArray(R"({"id":6,"op":"room.leave","roomId":"$ROOM"})") << QJsonValue(6)
        << unauthorized;
    QTest::addRow("info malformed room")
        << QByteArray(R"({"id":6,"op":"room.info","roomId":"$ROOM-","token":"$TOKEN"})")
        << QJsonValue(6) << bad;
}

void tst_BadInput::rejects()
{
    QFETCH(QByteArray, frame);
    QFETCH(QJsonValue, id);
    QFETCH(QString, code);

    const QJsonArray before = history();
    QVERIFY(!before.isEmpty());
    const QJsonObject reply = m_alice->requestRaw(fill(frame));
    QCOMPARE(reply.value(QLatin1StringView("type")).toString(), QStringLiteral("reply"));
    QCOMPARE(reply.value(QLatin1StringView("ok")).toBool(true), false);
    QCOMPARE(reply.value(QLatin1StringView("id")), id);
    QCOMPARE(errorCodeOf(reply), code);
    const QString message = reply.value(QLatin1StringView("error"))
                                .toObject()
                                .value(QLatin1StringView("message"))
                                .toString();
    QVERIFY2(message.size() > 10, qPrintable(message));
    QCOMPARE(history(), before);
    checkUnharmed(QStringLiteral("probe %1").arg(++m_probe));
}

void tst_BadInput::binaryFrame()
{
    const QJsonArray before = history();
    m_alice->socket().sendBinaryMessage(QByteArray(R"({"id":1,"op":"room.create"})"));
    const QJsonObject reply = m_alice->nextReply();
    QCOMPARE(errorCodeOf(reply), QStringLiteral("bad-request"));
    QCOMPARE(reply.value(QLatin1StringView("id")), QJsonValue(QJsonValue::Null));
    QCOMPARE(history(), before);
    checkUnharmed(QStringLiteral("after binary"));
}

void tst_BadInput::oversizedMessageCloses()
{
    TestClient big(m_host->url());
    QVERIFY(big.open());
    QByteArray frame = R"({"id":1,"op":"messages.send","roomId":"$ROOM","token":"$TOKEN","text":")";
    frame = fill(frame) + QByteArray(70000, 'x') + "\"}";
    const QJsonArray before = history();
    big.sendRaw(frame);
    QVERIFY(big.waitClosed());
    QCOMPARE(big.closeCode(), 1009);
    QCOMPARE(history(), before);
    checkUnharmed(QStringLiteral("after oversized"));
}

QTEST_GUILESS_MAIN(tst_BadInput)
#include "tst_badinput.moc"
