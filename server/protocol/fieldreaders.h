#pragma once

#include "protocol/errors.h"
#include "protocol/schema.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QString>

#include <initializer_list>
#include <optional>

// The field readers the generated codecs (schema_gen.cpp) are made of, one per schema type.
// Each returns the contract's error for its field, naming it and its limit, or nullopt.
namespace pc::protocol {

struct ReadOptions;

namespace fields {

    // A string with a lone surrogate (a JSON "\ud800" escape without its pair) is not text.
    bool hasLoneSurrogate(const QString &s);

    // bad-request checks: present (unless optional), of the type, in range, well formed.
    std::optional<Error> readString(const QJsonObject &o, const char *key, QString &out);
    std::optional<Error> readOptionalString(
        const QJsonObject &o, const char *key, std::optional<QString> &out);
    std::optional<Error> readStringOrEmpty(const QJsonObject &o, const char *key, QString &out);
    std::optional<Error> readRoomId(const QJsonObject &o, const char *key, QString &out);
    std::optional<Error> readInteger64(
        const QJsonObject &o, const char *key, qint64 min, qint64 max, bool required, qint64 &out);
    template<typename T>
    std::optional<Error> readInteger(
        const QJsonObject &o, const char *key, qint64 min, qint64 max, bool required, T &out)
    {
        qint64 value = out;
        auto error = readInteger64(o, key, min, max, required, value);
        out = T(value);
        return error;
    }
    std::optional<Error> readBoolean(
        const QJsonObject &o, const char *key, bool required, bool &out);
    std::optional<Error> readOptionalBoolean(
        const QJsonObject &o, const char *key, std::optional<bool> &out);
    std::optional<Error> readTrue(const QJsonObject &o, const char *key);
    std::optional<Error> readEnumIndex(const QJsonObject &o, const char *key,
        std::initializer_list<const char *> names, int &index);
    template<typename E>
    std::optional<Error> readEnum(
        const QJsonObject &o, const char *key, std::initializer_list<const char *> names, E &out)
    {
        int index = 0;
        auto error = readEnumIndex(o, key, names, index);
        out = E(index);
        return error;
    }
    std::optional<Error> readEvents(const QJsonObject &o, const char *key, EventMask &out);
    // A sealed value (an end-to-end room's name or text): base64url, of a length a nonce and a
    // tag take at least; what it holds is not the host's to know.
    bool isSealedValue(const QString &s);
    Error notSealed(const char *key);
    // Exactly one of the named optional fields: none is the first one missing.
    std::optional<Error> exactlyOneOf(std::initializer_list<const char *> names, int present);
    Error notAnObject(const char *key);
    Error notAnArray(const char *key);
    Error badItem(const char *key, qsizetype index, const Error &inner);

    template<typename T>
    std::optional<Error> readObject(
        const QJsonObject &o, const char *key, T &out, const ReadOptions &options)
    {
        const QJsonValue v = o.value(QLatin1StringView(key));
        if (!v.isObject())
            return notAnObject(key);
        return T::read(v.toObject(), out, options);
    }
    template<typename T>
    std::optional<Error> readList(
        const QJsonObject &o, const char *key, QList<T> &out, const ReadOptions &options)
    {
        const QJsonValue v = o.value(QLatin1StringView(key));
        if (!v.isArray())
            return notAnArray(key);
        const QJsonArray array = v.toArray();
        out.clear();
        out.reserve(array.size());
        for (qsizetype i = 0; i < array.size(); ++i) {
            T item;
            if (!array.at(i).isObject())
                return badItem(key, i, notAnObject(key));
            if (auto error = T::read(array.at(i).toObject(), item, options))
                return badItem(key, i, *error);
            out.append(std::move(item));
        }
        return std::nullopt;
    }

    // too-large checks: within its limit, and (nonblank) not empty or only whitespace.
    std::optional<Error> checkText(
        const char *key, const QString &value, int maxLength, bool nonblank);

    // Writers for the types that are not JSON values as they are.
    QString enumName(std::initializer_list<const char *> names, auto value)
    {
        return QLatin1StringView(*(names.begin() + int(value)));
    }
    QJsonArray eventNames(EventMask events);
    template<typename T> QJsonArray toArray(const QList<T> &items)
    {
        QJsonArray array;
        for (const T &item : items)
            array.append(item.toJson());
        return array;
    }

} // namespace fields
} // namespace pc::protocol
