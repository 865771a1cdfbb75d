#pragma once

#include <QHostAddress>
#include <QString>

#include <optional>

namespace pc::host {

// HOST:PORT as --listen takes it: an IPv4 address, [IPv6] or localhost; port 0 picks one.
struct ListenAddress
{
    QHostAddress address;
    quint16 port = 0;

    static std::optional<ListenAddress> parse(const QString &text, QString *error);
    QString toString() const; // IPv6 in brackets
};

} // namespace pc::host
