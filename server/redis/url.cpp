#include "url.h"

#include <QCoreApplication>
#include <QStringList>
#include <QUrl>

namespace pc::redis {

namespace {

    const char *const kContext = "pc::redis::Url";

    QString tr(const char *text)
    {
        return QCoreApplication::translate(kContext, text);
    }

    std::optional<Url> fail(QString *error, const QString &message)
    {
        if (error)
            *error = message;
        return std::nullopt;
    }

    // A plain decimal number (no sign, no spaces), as QString::toInt would accept " +3".
    std::optional<qint64> decimal(QStringView text)
    {
        if (text.isEmpty() || text.size() > 10)
            return std::nullopt;
        for (QChar c : text) {
            if (c < u'0' || c > u'9')
                return std::nullopt;
        }
        return text.toLongLong();
    }

    std::optional<int> parseDb(QStringView text, QString *error)
    {
        const auto n = decimal(text);
        if (!n || *n > std::numeric_limits<int>::max()) {
            fail(error,
                tr("The Redis database \"%1\" is not a number of 0 or more.").arg(text.toString()));
            return std::nullopt;
        }
        return int(*n);
    }

    // host, host:port, [v6] or [v6]:port; the port defaults to 6379.
    std::optional<NodeAddress> parseHostPort(QStringView authority, QString *error)
    {
        NodeAddress node { QString(), 6379 };
        QStringView portText;
        bool hasPort = false;
        if (authority.startsWith(u'[')) {
            const qsizetype close = authority.indexOf(u']');
            if (close < 0) {
                fail(error, tr("The IPv6 address in the Redis URL lacks its closing \"]\"."));
                return std::nullopt;
            }
            node.host = authority.mid(1, close - 1).toString();
            const QStringView after = authority.mid(close + 1);
            if (!after.isEmpty()) {
                if (!after.startsWith(u':')) {
                    fail(error,
                        tr("The Redis URL has text after the IPv6 address: use "
                           "redis://[address]:port."));
                    return std::nullopt;
                }
                hasPort = true;
                portText = after.mid(1);
            }
        } else {
            const qsizetype colon = authority.indexOf(u':');
            if (colon >= 0 && authority.indexOf(u':', colon + 1) >= 0) {
                fail(error,
                    tr("IPv6 addresses in Redis URLs need brackets, like "
                       "redis://[::1]:6379."));
                return std::nullopt;
            }
            node.host = (colon < 0 ? authority : authority.left(colon)).toString();
            if (colon >= 0) {
                hasPort = true;
                portText = authority.mid(colon + 1);
            }
        }
        if (node.host.isEmpty()) {
            fail(error, tr("The Redis URL has no host name."));
            return std::nullopt;
        }
        if (hasPort) {
            const auto port = decimal(portText);
            if (!port || *port < 1 || *port > 65535) {
                fail(error,
                    tr("The Redis port \"%1\" is not a number from 1 to 65535.")
                        .arg(portText.toString()));
                return std::nullopt;
            }
            node.port = quint16(*port);
        }
        return node;
    }

    std::optional<Url> parseTcp(QStringView rest, QString *error)
    {
        // Never echo what comes before '@': it is a password.
        if (rest.contains(u'@'))
            return fail(error, tr("Passwords in Redis URLs are not supported."));
        if (rest.contains(u'?') || rest.contains(u'#'))
            return fail(error,
                tr("A redis:// URL takes no query or fragment: use "
                   "redis://host:port/db."));

        const qsizetype slash = rest.indexOf(u'/');
        const auto node = parseHostPort(slash < 0 ? rest : rest.left(slash), error);
        if (!node)
            return std::nullopt;
        Url url;
        url.kind = Url::Kind::Tcp;
        url.host = node->host;
        url.port = node->port;

        if (slash >= 0) {
            const QStringView dbText = rest.mid(slash + 1);
            if (!dbText.isEmpty()) {
                const auto db = parseDb(dbText, error);
                if (!db)
                    return std::nullopt;
                url.db = *db;
            }
        }
        return url;
    }

    // redis+cluster://host:port[,host:port...]: seed nodes, database 0.
    std::optional<Url> parseCluster(QStringView rest, QString *error)
    {
        if (rest.contains(u'@'))
            return fail(error, tr("Passwords in Redis URLs are not supported."));
        if (rest.contains(u'?') || rest.contains(u'#'))
            return fail(error, tr("A redis+cluster:// URL takes no query or fragment."));
        if (rest.endsWith(u'/'))
            rest.chop(1);
        if (rest.contains(u'/'))
            return fail(error,
                tr("A Redis Cluster has only database 0: use "
                   "redis+cluster://host:port[,host:port...]."));
        Url url;
        url.kind = Url::Kind::Cluster;
        for (QStringView item : rest.split(u',')) {
            const auto node = parseHostPort(item, error);
            if (!node)
                return std::nullopt;
            if (!url.seeds.contains(*node))
                url.seeds.append(*node);
        }
        url.host = url.seeds.first().host;
        url.port = url.seeds.first().port;
        return url;
    }

    std::optional<Url> parseUnix(QStringView rest, QString *error)
    {
        if (rest.contains(u'#'))
            return fail(error, tr("A unix:// URL takes no fragment."));
        const qsizetype question = rest.indexOf(u'?');
        const QStringView pathText = question < 0 ? rest : rest.left(question);
        if (pathText.isEmpty())
            return fail(error,
                tr("The unix:// URL has no socket path: use "
                   "unix:///path/to/redis.sock."));
        if (!pathText.startsWith(u'/'))
            return fail(error,
                tr("The unix:// URL needs an absolute socket path, like "
                   "unix:///path/to/redis.sock."));

        Url url;
        url.kind = Url::Kind::Unix;
        url.path = QUrl::fromPercentEncoding(pathText.toUtf8());
        if (url.path == QLatin1String("/") || url.path.endsWith(u'/'))
            return fail(error, tr("The unix:// URL names a folder, not a socket file."));

        if (question >= 0) {
            const QStringView query = rest.mid(question + 1);
            for (QStringView item : query.split(u'&', Qt::SkipEmptyParts)) {
                const qsizetype eq = item.indexOf(u'=');
                const QStringView key = eq < 0 ? item : item.left(eq);
                if (key != u"db")
                    return fail(error,
                        tr("The unix:// URL has an unknown parameter \"%1\": only "
                           "db=N is supported.")
                            .arg(key.toString()));
                const auto db = parseDb(eq < 0 ? QStringView() : item.mid(eq + 1), error);
                if (!db)
                    return std::nullopt;
                url.db = *db;
            }
        }
        return url;
    }

} // namespace

std::optional<Url> Url::parse(const QString &text, QString *error)
{
    const QString trimmed = text.trimmed();
    if (trimmed.isEmpty())
        return fail(error, tr("The Redis URL is empty."));
    const qsizetype sep = trimmed.indexOf(QLatin1String("://"));
    if (sep < 0)
        return fail(error,
            tr("The Redis URL has no scheme: use redis://host:port or "
               "unix:///path/to/redis.sock."));
    const QString scheme = trimmed.left(sep).toLower();
    const QStringView rest = QStringView(trimmed).mid(sep + 3);
    if (scheme == QLatin1String("redis"))
        return parseTcp(rest, error);
    if (scheme == QLatin1String("unix"))
        return parseUnix(rest, error);
    if (scheme == QLatin1String("redis+cluster"))
        return parseCluster(rest, error);
    if (scheme == QLatin1String("rediss"))
        return fail(error, tr("TLS (rediss://) is not supported: use redis:// or unix://."));
    return fail(error,
        tr("The URL scheme \"%1\" is not supported: use redis://host:port or "
           "unix:///path/to/redis.sock.")
            .arg(scheme));
}

QString NodeAddress::toString() const
{
    const QString h = host.contains(u':') ? QStringLiteral("[%1]").arg(host) : host;
    return QStringLiteral("%1:%2").arg(h).arg(port);
}

QString Url::toString() const
{
    if (kind == Kind::Cluster) {
        QStringList nodes;
        for (const NodeAddress &node : seeds)
            nodes.append(node.toString());
        return QStringLiteral("redis+cluster://") + nodes.join(u',');
    }
    if (kind == Kind::Unix) {
        QString s
            = QStringLiteral("unix://") + QString::fromUtf8(QUrl::toPercentEncoding(path, "/"));
        if (db != 0)
            s += QStringLiteral("?db=%1").arg(db);
        return s;
    }
    QString s = QStringLiteral("redis://") + NodeAddress { host, port }.toString();
    if (db != 0)
        s += QStringLiteral("/%1").arg(db);
    return s;
}

} // namespace pc::redis
