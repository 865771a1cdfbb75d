// The one schema: names, codecs, validation, identifiers.
#include "protocol/events.h"
#include "protocol/frames.h"
#include "protocol/ids.h"
#include "protocol/replies.h"
#include "protocol/requests.h"

#include <QJsonDocument>
#include <QSet>
#include <QTest>

using namespace pc::protocol;

// Only schema payloads can be emitted: anything else does not compile.
struct NotAnEvent
{
    QJsonObject toJson() const { return {}; }
};
struct Impostor
{ // claims an event, but is not that event's payload
    static constexpr Event kEvent = Event::ChatMessage;
    QJsonObject toJson() const { return {}; }
};
template<typename P>
concept Encodable = requires(P p)
{
    encodeEventFrame(QStringView(), p);
};
static_assert(
    SchemaEvent<
        ChatMessage> && SchemaEvent<ChatDestroy> && SchemaEvent<PresenceJoin> && SchemaEvent<PresenceLeave> && SchemaEvent<RoomResync>);
static_assert(!SchemaEvent<NotAnEvent> && !SchemaEvent<Impostor> && !SchemaEvent<int>);
static_assert(Encodable<ChatMessage> && !Encodable<NotAnEvent> && !Encodable<Impostor>);
static_assert(std::variant_size_v<AnyEvent> == kEventCount + 1);

class tst_Schema : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void namesRoundTrip();
    void eventsRoundTrip();
    void busEnvelope();
    void splicedFrames();
    void requestIds_data();
    void requestIds();
    void envelopeErrors();
    void paramsValidation();
    void identifiers();
    void constantTimeEquals();
    void ttlRoundsUp();
};

void tst_Schema::namesRoundTrip()
{
    // Every name reads back to its own entry (so none is there twice); an op and its event may
    // share a name (they never meet on the wire: "op" and "event" are different fields).
    for (int i = 0; i < kOpCount; ++i) {
        const Op op = Op(i);
        QCOMPARE(opFromName(opName(op)), std::optional<Op>(op));
    }
    for (int i = 0; i < kEventCount; ++i) {
        const Event e = Event(i);
        QCOMPARE(eventFromName(eventName(e)), std::optional<Event>(e));
        QVERIFY(!eventSignalName(e).isEmpty());
    }
    // Protocol v1 is all there (additions come after it; the contract suite checks the rest).
    for (const char *v1 : { "room.create", "room.join", "room.leave", "room.ttl", "room.info",
             "room.destroy", "messages.send", "messages.list", "subscribe", "unsubscribe" })
        QVERIFY2(opFromName(QLatin1StringView(v1)), v1);
    for (const char *v1 :
        { "chat.message", "chat.destroy", "presence.join", "presence.leave", "room.resync" })
        QVERIFY2(eventFromName(QLatin1StringView(v1)), v1);
    QCOMPARE(opFromName(u"room.explode"), std::nullopt);
    QCOMPARE(errorCodeName(ErrorCode::RoomFull), QLatin1StringView("room-full"));
}

void tst_Schema::eventsRoundTrip()
{
    const ChatMessage m { QStringLiteral("id1"), 3, QStringLiteral("r"), QStringLiteral("p"),
        QStringLiteral("Ann"), QStringLiteral("héllo \"x\""), 1700000000000 };
    QCOMPARE(ChatMessage::fromJson(m.toJson()), std::optional<ChatMessage>(m));
    QJsonObject broken = m.toJson();
    broken.insert(QLatin1StringView("seq"), QStringLiteral("3"));
    QCOMPARE(ChatMessage::fromJson(broken), std::nullopt);
    QCOMPARE(ChatDestroy::fromJson(ChatDestroy { ChatDestroy::Reason::Expired }.toJson())->reason,
        ChatDestroy::Reason::Expired);
    QCOMPARE(ChatDestroy::fromJson(QJsonObject { { QLatin1StringView("isDestroyed"), true },
                 { QLatin1StringView("reason"), QStringLiteral("bored") } }),
        std::nullopt);
    const QJsonObject frame = QJsonDocument::fromJson(
        encodeEventFrame(u"room1", PresenceJoin { QStringLiteral("p1"), QStringLiteral("Bo") }))
                                  .object();
    QCOMPARE(frame.value(QLatin1StringView("type")).toString(), QStringLiteral("event"));
    QCOMPARE(frame.value(QLatin1StringView("channel")).toString(), QStringLiteral("room1"));
    QCOMPARE(frame.value(QLatin1StringView("event")).toString(), QStringLiteral("presence.join"));
    QCOMPARE(frame.value(QLatin1StringView("data"))
                 .toObject()
                 .value(QLatin1StringView("name"))
                 .toString(),
        QStringLiteral("Bo"));
}

void tst_Schema::busEnvelope()
{
    const ChatMessage m { QStringLiteral("id1"), 42, QStringLiteral("r"), QStringLiteral("p"),
        QStringLiteral("Ann"), QStringLiteral("a b {c}"), 1700000000000 };
    const QByteArray bus = encodeBusEvent(m);
    QVERIFY2(bus.startsWith("chat.message 42 {"), bus.constData());
    const auto decoded = decodeBusEvent(bus);
    QVERIFY(decoded);
    QCOMPARE(decoded->event, Event::ChatMessage);
    QCOMPARE(decoded->seq, 42);
    QCOMPARE(ChatMessage::fromJson(QJsonDocument::fromJson(decoded->data).object()),
        std::optional<ChatMessage>(m));

    const auto destroy
        = decodeBusEvent(encodeBusEvent(ChatDestroy { ChatDestroy::Reason::Expired }));
    QVERIFY(destroy);
    QCOMPARE(destroy->event, Event::ChatDestroy);
    QCOMPARE(destroy->seq, 0);

    for (const char *bad : { "chat.boom 0 {}", "not json", "chat.message x {}", "chat.message 0 {}",
             "presence.join 3 {}", "chat.message -1 {}", "chat.message 1 []", "chat.message 1 ",
             "chat.message 1", "" })
        QVERIFY2(!decodeBusEvent(QByteArrayView(bad)), bad);
}

void tst_Schema::splicedFrames()
{
    const ChatMessage m { QStringLiteral("id1"), 3, QStringLiteral("r"), QStringLiteral("p"),
        QStringLiteral("Ann"), QStringLiteral("hi"), 1700000000000 };
    const QByteArray stored = QJsonDocument(m.toJson()).toJson(QJsonDocument::Compact);
    const auto parse = [](const QByteArray &bytes) {
        QJsonParseError error;
        const QJsonObject o = QJsonDocument::fromJson(bytes, &error).object();
        if (error.error != QJsonParseError::NoError)
            qWarning() << bytes;
        return o;
    };

    // Replies: ids as the client sent them, data spliced in.
    const QJsonObject sent = parse(encodeReplyData(
        QJsonValue(QStringLiteral("a\"\\\n")), EncodedMessageSent { stored }.encode()));
    QCOMPARE(sent.value(QLatin1StringView("id")).toString(), QStringLiteral("a\"\\\n"));
    QCOMPARE(sent.value(QLatin1StringView("ok")).toBool(), true);
    QCOMPARE(MessageSent::fromJson(sent.value(QLatin1StringView("data")).toObject())->message, m);
    QCOMPARE(parse(encodeReply(QJsonValue(-9007199254740991.0), {})).value(QLatin1StringView("id")),
        QJsonValue(-9007199254740991.0));
    QCOMPARE(
        parse(encodeErrorReply(QJsonValue(), Error::roomFull())).value(QLatin1StringView("id")),
        QJsonValue(QJsonValue::Null));

    const EncodedMessageList page { { stored, stored }, 9, 2 };
    const auto list = MessageList::fromJson(
        parse(encodeReplyData(7, page.encode())).value(QLatin1StringView("data")).toObject());
    QVERIFY(list);
    QCOMPARE(list->messages, (QList<ChatMessage> { m, m }));
    QCOMPARE(list->lastSeq, 9);
    QCOMPARE(list->firstSeq, 2);
    QCOMPARE(MessageList::fromJson(parse(EncodedMessageList {}.encode()))->messages.size(), 0);

    // Event frames: a channel with characters that need escaping still reads back.
    const QString channel = QStringLiteral("r\"\u0001é");
    const QJsonObject frame = parse(encodeEventFrame(channel, m));
    QCOMPARE(frame.value(QLatin1StringView("channel")).toString(), channel);
    QCOMPARE(frame.value(QLatin1StringView("event")).toString(), QStringLiteral("chat.message"));
    QCOMPARE(ChatMessage::fromJson(frame.value(QLatin1StringView("data")).toObject()), m);
}

void tst_Schema::requestIds_data()
{
    QTest::addColumn<QByteArray>("id");
    QTest::addColumn<bool>("valid");
    QTest::addRow("int") << QByteArray("7") << true;
    QTest::addRow("negative") << QByteArray("-7") << true;
    QTest::addRow("max safe") << QByteArray("9007199254740991") << true;
    QTest::addRow("min safe") << QByteArray("-9007199254740991") << true;
    QTest::addRow("2^53") << QByteArray("9007199254740992") << false;
    QTest::addRow("exponent integer") << QByteArray("1e3") << true;
    QTest::addRow("fraction") << QByteArray("0.5") << false;
    QTest::addRow("string") << QByteArray("\"a\"") << true;
    QTest::addRow("64 chars") << ('"' + QByteArray(64, 'a') + '"') << true;
    QTest::addRow("65 chars") << ('"' + QByteArray(65, 'a') + '"') << false;
    QTest::addRow("empty string") << QByteArray("\"\"") << false;
    QTest::addRow("null") << QByteArray("null") << false;
    QTest::addRow("array") << QByteArray("[1]") << false;
}

void tst_Schema::requestIds()
{
    QFETCH(QByteArray, id);
    QFETCH(bool, valid);
    const RequestEnvelope r = parseRequest("{\"id\":" + id + ",\"op\":\"room.create\"}");
    QCOMPARE(!r.error.has_value(), valid);
    if (!valid)
        QCOMPARE(r.id, QJsonValue(QJsonValue::Null));
}

void tst_Schema::envelopeErrors()
{
    RequestEnvelope r = parseRequest(R"({"id":1,"op":"nope"})");
    QCOMPARE(r.error->code, ErrorCode::UnknownOp);
    QCOMPARE(r.id, QJsonValue(1));
    r = parseRequest(R"({"id":1})");
    QCOMPARE(r.error->code, ErrorCode::BadRequest);
    QVERIFY(r.error->message.contains(QLatin1StringView("\"op\"")));
    r = parseRequest("[]");
    QCOMPARE(r.error->code, ErrorCode::BadRequest);
    r = parseRequest(R"({"id":"a","op":"room.join","roomId":"x"})");
    QVERIFY(!r.error);
    QCOMPARE(r.op, std::optional<Op>(Op::RoomJoin));
}

void tst_Schema::paramsValidation()
{
    const auto obj = [](const char *json) { return QJsonDocument::fromJson(json).object(); };
    RoomCreateParams create;
    QVERIFY(!RoomCreateParams::read(obj("{}"), create));
    QCOMPARE(create.ttl, 600);
    QCOMPARE(create.maxParticipants, 2);
    auto error = RoomCreateParams::read(obj(R"({"ttl":3600})"), create, ReadOptions { 60 });
    QCOMPARE(error->code, ErrorCode::BadRequest);
    QVERIFY2(error->message.contains(QLatin1StringView("ttl"))
            && error->message.contains(QLatin1StringView("60")),
        qPrintable(error->message));

    // bad-request on any field comes before too-large on another
    MessagesSendParams send;
    error = MessagesSendParams::read(
        obj(R"({"roomId":"AAAAAAAAAAAAAAAAAAAAA","token":1,"text":""})"), send);
    QCOMPARE(error->code, ErrorCode::BadRequest);
    error = MessagesSendParams::read(obj(R"({"roomId":"AAAAAAAAAAAAAAAAAAAAA","text":""})"), send);
    QCOMPARE(error->code, ErrorCode::TooLarge);
    // the missing token is the host's to report (unauthorized, after the room check)
    error
        = MessagesSendParams::read(obj(R"({"roomId":"AAAAAAAAAAAAAAAAAAAAA","text":"hi"})"), send);
    QVERIFY(!error);
    QVERIFY(send.member.token.isEmpty());
    // 1000 UTF-16 code units pass, 1001 do not
    QJsonObject o = obj(R"({"roomId":"AAAAAAAAAAAAAAAAAAAAA","token":"t"})");
    o.insert(QLatin1StringView("text"), QString(1000, QChar(0xE9)));
    QVERIFY(!MessagesSendParams::read(o, send));
    o.insert(QLatin1StringView("text"), QString(1001, QLatin1Char('a')));
    QCOMPARE(MessagesSendParams::read(o, send)->code, ErrorCode::TooLarge);

    SubscribeParams sub;
    QVERIFY(!SubscribeParams::read(
        obj(R"({"channel":"AAAAAAAAAAAAAAAAAAAAA","token":"t","events":["chat.message"]})"), sub));
    QCOMPARE(sub.events, eventBit(Event::ChatMessage));
    QCOMPARE(SubscribeParams::read(
                 obj(R"({"channel":"AAAAAAAAAAAAAAAAAAAAA","token":"t","events":["x"]})"), sub)
                 ->code,
        ErrorCode::BadRequest);

    // what a client encodes, a host reads back
    MessagesListParams list { { QStringLiteral("AAAAAAAAAAAAAAAAAAAAA"), QStringLiteral("t") }, 5,
        10 };
    MessagesListParams back;
    QVERIFY(!MessagesListParams::read(list.toJson(), back));
    QCOMPARE(back.after, 5);
    QCOMPARE(back.limit, 10);
}

void tst_Schema::identifiers()
{
    QSet<QString> rooms;
    for (int i = 0; i < 1000; ++i) {
        const QString id = ids::newRoomId();
        QVERIFY(ids::isValidRoomId(id));
        rooms.insert(id);
    }
    QCOMPARE(rooms.size(), 1000);
    // Every symbol shows up in the first and the last position: no bits are lost or stuck.
    QSet<QChar> first, last;
    for (const QString &id : std::as_const(rooms)) {
        first.insert(id.front());
        last.insert(id.back());
    }
    QCOMPARE(first.size(), 64);
    QCOMPARE(last.size(), 64);
    QVERIFY(!ids::isValidRoomId(u"short"));
    QVERIFY(!ids::isValidRoomId(u"AAAAAAAAAAAAAAAAAAAA="));
    const QString token = ids::newToken();
    QVERIFY(token.size() >= 22);
    const QByteArray raw = QByteArray::fromBase64(token.toLatin1(), QByteArray::Base64UrlEncoding);
    QVERIFY(raw.size() * 8 >= 128);
    QVERIFY(token != ids::newToken());
    QCOMPARE(ids::tokenHash(u"abc"),
        QByteArray("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
}

void tst_Schema::constantTimeEquals()
{
    QVERIFY(ids::constantTimeEquals("secret", "secret"));
    QVERIFY(!ids::constantTimeEquals("secret", "secreT"));
    QVERIFY(!ids::constantTimeEquals("secret", "secret2"));
    QVERIFY(ids::constantTimeEquals("", ""));
}

void tst_Schema::ttlRoundsUp()
{
    QCOMPARE(ttlSeconds(10001, 0), 11);
    QCOMPARE(ttlSeconds(10000, 0), 10);
    QCOMPARE(ttlSeconds(5, 10), 0);
}

QTEST_GUILESS_MAIN(tst_Schema)
#include "tst_schema.moc"
