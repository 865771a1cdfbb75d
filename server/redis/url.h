#pragma once

#include <QString>

#include <optional>

namespace pc::redis {

// Where a Redis lives: redis://host:port[/db] or unix:///path/to/socket[?db=N].
struct Url
{
    enum class Kind { Tcp, Unix };
    Kind kind = Kind::Tcp;
    QString host = QStringLiteral("127.0.0.1");
    quint16 port = 6379;
    QString path; // unix socket path
    int db = 0;

    // Parses a URL; on failure returns nullopt and sets *error to a sentence naming what is wrong.
    static std::optional<Url> parse(const QString &text, QString *error = nullptr);
    QString toString() const;
};

} // namespace pc::redis
