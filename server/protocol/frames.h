#pragma once

#include "errors.h"
#include "events.h"

#include <QByteArray>
#include <QJsonObject>
#include <QJsonValue>

// Server -> client frames, and the envelope events travel in between host processes.
namespace pc::protocol {

QByteArray encodeHello(QStringView serverName);
QByteArray encodeReply(const QJsonValue &id, const QJsonObject &data);
QByteArray encodeErrorReply(const QJsonValue &id, const Error &error);
QByteArray encodeEventFrame(QStringView channel, const AnyEvent &event);

// The only way to put an event on the wire: P must be a payload of the schema.
template<SchemaEvent P> QByteArray encodeEvent(QStringView channel, const P &payload)
{
    return encodeEventFrame(channel, AnyEvent(payload));
}

// Between host processes (Redis pub/sub) an event is {"event": name, "data": payload}.
template<SchemaEvent P> QByteArray encodeBusEvent(const P &payload);
QByteArray encodeBusEventAny(const AnyEvent &event);
// monostate when the bytes are not a schema event.
AnyEvent decodeBusEvent(QByteArrayView bytes);

template<SchemaEvent P> QByteArray encodeBusEvent(const P &payload)
{
    return encodeBusEventAny(AnyEvent(payload));
}

} // namespace pc::protocol
