#include "shardedscripts.h"

#include <QtGlobal>

namespace pc::host {

redis::Script shardedVariant(const redis::Script &script)
{
    // The line generate.py puts before every script's publish().
    static const QByteArray plain = QByteArrayLiteral("\nlocal PUBLISH = 'PUBLISH'\n");
    static const QByteArray sharded = QByteArrayLiteral("\nlocal PUBLISH = 'SPUBLISH'\n");
    QByteArray source = script.source();
    if (source.count(plain) != 1)
        qFatal("a room script lacks generate.py's PUBLISH line: cannot make it sharded");
    source.replace(plain, sharded);
    return redis::Script(source);
}

std::unique_ptr<redis::Connection> roomConnection(const redis::Options &options)
{
    auto connection = std::make_unique<redis::Connection>(options);
    if (options.url.isCluster())
        connection->setScriptVariant(&shardedVariant);
    return connection;
}

} // namespace pc::host
