#pragma once

#include <QJsonObject>
#include <QJsonValue>
#include <QString>

#include <optional>

// Strict readers for JSON fields: they accept only the exact type (integers must be whole
// numbers within +-(2^53-1)).
namespace pc::protocol::json {

std::optional<qint64> toSafeInteger(const QJsonValue &v);
std::optional<QString> stringField(const QJsonObject &o, QLatin1StringView key);
std::optional<qint64> integerField(const QJsonObject &o, QLatin1StringView key);

} // namespace pc::protocol::json
