// Bytes from Redis through hiredis' reply reader (the one every redisAsyncContext uses) and
// our conversion (fromHiredis, what Link hands out), fed in two pieces as a socket might. The
// reader is limited as Link limits it (limitReplyElements).
#include "fuzztarget.h"

#include "redis/hiredisreply.h"

#include <hiredis/hiredis.h>

using pc::redis::Reply;

namespace {

void checkSame(const redisReply *r, const Reply &reply)
{
    switch (r->type) {
    case REDIS_REPLY_STRING:
    case REDIS_REPLY_STATUS:
    case REDIS_REPLY_ERROR:
        PC_FUZZ_CHECK(reply.string.size() == qsizetype(r->len));
        PC_FUZZ_CHECK(reply.isError() == (r->type == REDIS_REPLY_ERROR));
        break;
    case REDIS_REPLY_INTEGER:
        PC_FUZZ_CHECK(reply.type == Reply::Type::Integer && reply.toInteger() == r->integer);
        break;
    case REDIS_REPLY_ARRAY:
        PC_FUZZ_CHECK(r->elements <= size_t(pc::redis::kMaxReplyElements));
        PC_FUZZ_CHECK(reply.elements.size() == qsizetype(r->elements));
        for (size_t i = 0; i < r->elements; ++i)
            checkSame(r->element[i], reply.elements.at(qsizetype(i)));
        break;
    default:
        PC_FUZZ_CHECK(reply.isNil());
    }
}

// Every reply complete so far; false once the reader saw a protocol error (the link drops).
bool drain(redisReader *reader)
{
    for (;;) {
        void *raw = nullptr;
        if (redisReaderGetReply(reader, &raw) != REDIS_OK)
            return false;
        if (!raw)
            return true;
        const auto *r = static_cast<const redisReply *>(raw);
        const Reply reply = pc::redis::fromHiredis(r);
        checkSame(r, reply);
        (void)reply.toInteger(-1);
        freeReplyObject(raw);
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    // The first byte says where the socket read splits the rest.
    const size_t split = data[0] % size;
    const char *bytes = reinterpret_cast<const char *>(data + 1);
    const size_t length = size - 1;
    redisReader *reader = redisReaderCreate();
    pc::redis::limitReplyElements(reader); // as Link does for every context
    if (redisReaderFeed(reader, bytes, split) == REDIS_OK && drain(reader)
        && redisReaderFeed(reader, bytes + split, length - split) == REDIS_OK)
        drain(reader);
    redisReaderFree(reader);
    return 0;
}
