#pragma once

#include "errors.h"
#include "events.h"

#include <QByteArray>
#include <QJsonObject>
#include <QJsonValue>

#include <optional>

// Server -> client frames, and the form events travel in between host processes.
namespace pc::protocol {

// An event whose payload is already compact JSON. It is built once and spliced as is into every
// frame that carries it: the chat.message JSON the send script stores is what hosts relay and
// reply, never decoded and encoded again.
struct EncodedEvent
{
    Event event = Event::ChatMessage;
    qint64 seq = 0;  // chat.message: its seq; 0 for the other events
    QByteArray data; // the payload object
};

// The only ways to encode a payload: P must be a payload of the schema.
EncodedEvent encodeEventAny(const AnyEvent &event); // event must not be monostate
template<SchemaEvent P> EncodedEvent encodeEvent(const P &payload)
{
    return encodeEventAny(AnyEvent(payload));
}

QByteArray encodeHello(QStringView serverName);
// data: a compact JSON object, spliced in as is.
QByteArray encodeReplyData(const QJsonValue &id, QByteArrayView data);
// What comes before the data in encodeReplyData(); after it comes a '}'. For a reply that is
// framed as it is written (see the host's textFrame()).
QByteArray replyDataHead(const QJsonValue &id);
QByteArray encodeReply(const QJsonValue &id, const QJsonObject &data);
QByteArray encodeErrorReply(const QJsonValue &id, const Error &error);
// The error object of a failed reply, {"code":…,"message":…}: HTTP answers carry the same.
QByteArray encodeError(const Error &error);
QByteArray encodeEventFrame(QStringView channel, const EncodedEvent &event);
template<SchemaEvent P> QByteArray encodeEventFrame(QStringView channel, const P &payload)
{
    return encodeEventFrame(channel, encodeEvent(payload));
}

// Between host processes (Redis pub/sub) an event is "<name> <seq> <data>": a header read
// without a JSON parser, then the payload as the frame will carry it. Only hosts and their
// scripts publish there, so the payload is trusted; the header is checked.
QByteArray encodeBusEvent(const EncodedEvent &event);
template<SchemaEvent P> QByteArray encodeBusEvent(const P &payload)
{
    return encodeBusEvent(encodeEvent(payload));
}
// nullopt when the header does not name a schema event or the payload is not an object.
std::optional<EncodedEvent> decodeBusEvent(QByteArrayView bytes);

// Appends s as a JSON string literal.
void appendJsonString(QByteArray &out, QStringView s);

} // namespace pc::protocol
