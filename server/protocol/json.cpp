#include "json.h"

#include "limits.h"

#include <cmath>

namespace pc::protocol::json {

std::optional<qint64> toSafeInteger(const QJsonValue &v)
{
    if (!v.isDouble())
        return std::nullopt;
    const double d = v.toDouble();
    if (!std::isfinite(d) || std::trunc(d) != d || std::fabs(d) > double(limits::kMaxSafeInteger))
        return std::nullopt;
    return qint64(d);
}

std::optional<QString> stringField(const QJsonObject &o, QLatin1StringView key)
{
    const QJsonValue v = o.value(key);
    if (!v.isString())
        return std::nullopt;
    return v.toString();
}

std::optional<qint64> integerField(const QJsonObject &o, QLatin1StringView key)
{
    return toSafeInteger(o.value(key));
}

} // namespace pc::protocol::json
