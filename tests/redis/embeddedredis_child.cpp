// Helper for tst_embeddedredis: starts an EmbeddedRedis, prints "<redis pid> <folder>", then
// runs until killed, so the test can check that redis-server dies with its parent.
#include "host/embeddedredis.h"

#include <QCoreApplication>

#include <cstdio>

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    pc::host::EmbeddedRedis redis;
    if (!redis.start()) {
        std::fprintf(stderr, "%s\n", qPrintable(redis.errorString()));
        return 1;
    }
    std::printf("%lld %s\n", redis.pid(), qPrintable(redis.folder()));
    std::fflush(stdout);
    return app.exec();
}
