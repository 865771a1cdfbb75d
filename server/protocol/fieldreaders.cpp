#include "fieldreaders.h"

#include "ids.h"
#include "json.h"
#include "limits.h"

#include <QStringList>

#include <algorithm>

namespace pc::protocol::fields {

namespace {

    QLatin1StringView key(const char *k)
    {
        return QLatin1StringView(k);
    }

    Error missing(const char *field)
    {
        return Error::badRequest(QStringLiteral("The field \"%1\" is missing.").arg(key(field)));
    }

} // namespace

bool hasLoneSurrogate(const QString &s)
{
    for (qsizetype i = 0; i < s.size(); ++i) {
        const QChar c = s.at(i);
        if (c.isHighSurrogate() && i + 1 < s.size() && s.at(i + 1).isLowSurrogate())
            ++i;
        else if (c.isSurrogate())
            return true;
    }
    return false;
}

std::optional<Error> readOptionalString(
    const QJsonObject &o, const char *field, std::optional<QString> &out)
{
    const QJsonValue v = o.value(key(field));
    if (v.isUndefined())
        return std::nullopt;
    if (!v.isString())
        return Error::badRequest(
            QStringLiteral("The field \"%1\" must be a string.").arg(key(field)));
    out = v.toString();
    if (hasLoneSurrogate(*out))
        return Error::badRequest(
            QStringLiteral("The field \"%1\" contains an unpaired surrogate escape (such as "
                           "\\ud800 alone), which is not text.")
                .arg(key(field)));
    return std::nullopt;
}

std::optional<Error> readString(const QJsonObject &o, const char *field, QString &out)
{
    if (!o.contains(key(field)))
        return missing(field);
    return readStringOrEmpty(o, field, out);
}

std::optional<Error> readStringOrEmpty(const QJsonObject &o, const char *field, QString &out)
{
    std::optional<QString> value;
    auto error = readOptionalString(o, field, value);
    out = value.value_or(QString());
    return error;
}

std::optional<Error> readOptionalBoolean(
    const QJsonObject &o, const char *field, std::optional<bool> &out)
{
    out.reset();
    if (!o.contains(key(field)))
        return std::nullopt;
    bool value = false;
    auto error = readBoolean(o, field, true, value);
    if (!error)
        out = value;
    return error;
}

bool isSealedValue(const QString &s)
{
    if (s.size() < limits::kMinSealedLength)
        return false;
    return std::all_of(s.cbegin(), s.cend(), [](QChar c) {
        const char16_t u = c.unicode();
        return (u >= 'A' && u <= 'Z') || (u >= 'a' && u <= 'z') || (u >= '0' && u <= '9')
            || u == '-' || u == '_';
    });
}

Error notSealed(const char *field)
{
    return Error::badRequest(QStringLiteral(
        "The field \"%1\" is not a sealed value (base64url, at least %2 characters).")
                                 .arg(key(field))
                                 .arg(limits::kMinSealedLength));
}

std::optional<Error> exactlyOneOf(std::initializer_list<const char *> names, int present)
{
    if (present == 1)
        return std::nullopt;
    if (present == 0)
        return missing(*names.begin());
    QStringList quoted;
    for (const char *name : names)
        quoted << QLatin1Char('"') + key(name) + QLatin1Char('"');
    return Error::badRequest(QStringLiteral("Give one of the fields %1, not more.")
                                 .arg(quoted.join(QStringLiteral(", "))));
}

std::optional<Error> readRoomId(const QJsonObject &o, const char *field, QString &out)
{
    if (auto error = readString(o, field, out))
        return error;
    if (!ids::isValidRoomId(out)) {
        return Error::badRequest(QStringLiteral(
            "The field \"%1\" is not a room ID (21 characters of A-Z, a-z, 0-9, _ and -).")
                                     .arg(key(field)));
    }
    return std::nullopt;
}

std::optional<Error> readInteger64(
    const QJsonObject &o, const char *field, qint64 min, qint64 max, bool required, qint64 &out)
{
    const QJsonValue v = o.value(key(field));
    if (v.isUndefined())
        return required ? std::optional<Error>(missing(field)) : std::nullopt; // keep the default
    const auto n = json::toSafeInteger(v);
    if (!n || *n < min || *n > max) {
        return Error::badRequest(
            QStringLiteral("The field \"%1\" must be a whole number from %2 to %3.")
                .arg(key(field))
                .arg(min)
                .arg(max));
    }
    out = *n;
    return std::nullopt;
}

std::optional<Error> readBoolean(const QJsonObject &o, const char *field, bool required, bool &out)
{
    const QJsonValue v = o.value(key(field));
    if (v.isUndefined())
        return required ? std::optional<Error>(missing(field)) : std::nullopt;
    if (!v.isBool())
        return Error::badRequest(
            QStringLiteral("The field \"%1\" must be true or false.").arg(key(field)));
    out = v.toBool();
    return std::nullopt;
}

std::optional<Error> readTrue(const QJsonObject &o, const char *field)
{
    if (o.value(key(field)) != QJsonValue(true))
        return Error::badRequest(QStringLiteral("The field \"%1\" must be true.").arg(key(field)));
    return std::nullopt;
}

std::optional<Error> readEnumIndex(
    const QJsonObject &o, const char *field, std::initializer_list<const char *> names, int &index)
{
    QString value;
    if (auto error = readString(o, field, value))
        return error;
    QStringList known;
    index = 0;
    for (const char *name : names) {
        if (value == key(name))
            return std::nullopt;
        known.append(QLatin1StringView(name));
        ++index;
    }
    index = 0;
    return Error::badRequest(QStringLiteral("The field \"%1\" must be one of %2.")
                                 .arg(key(field), known.join(QStringLiteral(", "))));
}

std::optional<Error> readEvents(const QJsonObject &o, const char *field, EventMask &out)
{
    const QJsonValue events = o.value(key(field));
    out = kAllEvents;
    if (events.isUndefined())
        return std::nullopt;
    if (!events.isArray())
        return Error::badRequest(
            QStringLiteral("The field \"%1\" must be an array of event names.").arg(key(field)));
    out = 0;
    for (const QJsonValue &name : events.toArray()) {
        const auto event = name.isString() ? eventFromName(name.toString()) : std::nullopt;
        if (!event) {
            QStringList known;
            for (int i = 0; i < kEventCount; ++i)
                known.append(eventName(Event(i)).toString());
            return Error::badRequest(
                QStringLiteral("The field \"%1\" names an unknown event; known events are %2.")
                    .arg(key(field), known.join(QStringLiteral(", "))));
        }
        out |= eventBit(*event);
    }
    return std::nullopt;
}

Error notAnObject(const char *field)
{
    return Error::badRequest(QStringLiteral("The field \"%1\" must be an object.").arg(key(field)));
}

Error notAnArray(const char *field)
{
    return Error::badRequest(QStringLiteral("The field \"%1\" must be an array.").arg(key(field)));
}

Error badItem(const char *field, qsizetype index, const Error &inner)
{
    return { inner.code,
        QStringLiteral("Item %1 of \"%2\": %3").arg(index).arg(key(field), inner.message) };
}

std::optional<Error> checkText(
    const char *field, const QString &value, int maxLength, bool nonblank)
{
    if (value.size() > maxLength) {
        return Error::tooLarge(
            QStringLiteral("The field \"%1\" is %2 characters long; the limit is %3.")
                .arg(key(field))
                .arg(value.size())
                .arg(maxLength));
    }
    if (nonblank && value.trimmed().isEmpty())
        return Error::tooLarge(
            QStringLiteral("The field \"%1\" is empty or only whitespace.").arg(key(field)));
    return std::nullopt;
}

QJsonArray eventNames(EventMask events)
{
    QJsonArray names;
    for (int i = 0; i < kEventCount; ++i) {
        if (events & eventBit(Event(i)))
            names.append(eventName(Event(i)).toString());
    }
    return names;
}

} // namespace pc::protocol::fields
