#pragma once

#include "errors.h"
#include "limits.h"
#include "protocol/schema_gen.h"
#include "schema.h"

#include <QJsonObject>
#include <QJsonValue>
#include <QString>

#include <optional>

// Requests: the envelope every client frame has. The params of each op, with their validation
// in the contract's order, are generated from schema.toml (schema_gen.h); room, token and
// membership checks need the store and are the host's.
namespace pc::protocol {

// A client frame, as far as the envelope goes. When error is set, id is what to echo
// (null unless the frame had a valid id) and the op must not run.
struct RequestEnvelope
{
    QJsonValue id = QJsonValue::Null;
    std::optional<Op> op;
    QJsonObject body;
    std::optional<Error> error;
};
RequestEnvelope parseRequest(const QByteArray &frame);
bool isValidRequestId(const QJsonValue &id);

} // namespace pc::protocol
