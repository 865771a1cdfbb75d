#pragma once

#include <QList>
#include <QString>

#include <optional>

namespace pc::redis {

// One node of a Redis Cluster.
struct NodeAddress
{
    QString host;
    quint16 port = 0;
    QString toString() const; // host:port, an IPv6 host in brackets
    friend bool operator==(const NodeAddress &, const NodeAddress &) = default;
};

// Where a Redis lives: redis://host:port[/db], unix:///path/to/socket[?db=N], or a Redis Cluster
// by its seed nodes: redis+cluster://host:port[,host:port...] (a cluster has database 0 only).
struct Url
{
    enum class Kind { Tcp, Unix, Cluster };
    Kind kind = Kind::Tcp;
    QString host = QStringLiteral("127.0.0.1");
    quint16 port = 6379;
    QString path; // unix socket path
    int db = 0;
    QList<NodeAddress> seeds; // Cluster: where to learn the slot map from

    bool isCluster() const { return kind == Kind::Cluster; }

    // Parses a URL; on failure returns nullopt and sets *error to a sentence naming what is wrong.
    static std::optional<Url> parse(const QString &text, QString *error = nullptr);
    QString toString() const;
};

} // namespace pc::redis
