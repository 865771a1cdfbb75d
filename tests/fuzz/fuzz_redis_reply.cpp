// Bytes from Redis through hiredis' reply reader with our reply functions (what every Link and
// PushLink reads with: useReplyFunctions), fed in two pieces as a socket might, against hiredis'
// own functions fed the same bytes whole: the same replies, the same redisReply fields that
// hiredis' async layer reads, and no more elements than the limit.
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

// hiredis' own functions with the host's element limit, so a huge header fails both readers
// instead of asking for gigabytes.
redisReplyObjectFunctions limitedOwn;
void *(*ownCreateArray)(const redisReadTask *, int) = nullptr;
void *createArrayLimited(const redisReadTask *task, int elements)
{
    return elements > pc::redis::kMaxReplyElements ? nullptr : ownCreateArray(task, elements);
}

redisReader *limitedReference()
{
    redisReader *reader = redisReaderCreate();
    if (!ownCreateArray) {
        limitedOwn = *reader->fn;
        ownCreateArray = limitedOwn.createArray;
        limitedOwn.createArray = &createArrayLimited;
    }
    reader->fn = &limitedOwn;
    return reader;
}

// The next reply of hiredis' own reader, or nullptr.
redisReply *next(redisReader *reader)
{
    void *raw = nullptr;
    return redisReaderGetReply(reader, &raw) == REDIS_OK ? static_cast<redisReply *>(raw) : nullptr;
}

// What our nodes say to hiredis matches what hiredis' own objects say.
void checkNodes(const redisReply *ours, const redisReply *theirs)
{
    PC_FUZZ_CHECK(ours->type == theirs->type);
    if (theirs->type == REDIS_REPLY_ARRAY) {
        PC_FUZZ_CHECK(ours->elements == theirs->elements);
        for (size_t i = 0; i < theirs->elements; ++i)
            checkNodes(ours->element[i], theirs->element[i]);
    } else if (theirs->type == REDIS_REPLY_INTEGER) {
        PC_FUZZ_CHECK(ours->integer == theirs->integer);
    } else if (theirs->type != REDIS_REPLY_NIL) {
        PC_FUZZ_CHECK(ours->len == theirs->len && ours->str[ours->len] == '\0'
            && std::equal(ours->str, ours->str + ours->len, theirs->str));
    }
}

// Every reply complete so far, each compared with the next one of `reference` (hiredis' own
// functions, fed everything); false once ours saw a protocol error (the link drops).
bool drain(redisReader *reader, redisReader *reference)
{
    for (;;) {
        void *raw = nullptr;
        if (redisReaderGetReply(reader, &raw) != REDIS_OK)
            return false;
        if (!raw)
            return true;
        redisReply *theirs = next(reference);
        PC_FUZZ_CHECK(theirs != nullptr);
        checkNodes(static_cast<const redisReply *>(raw), theirs);
        const Reply reply = pc::redis::takeReply(raw);
        checkSame(theirs, reply);
        (void)reply.toInteger(-1);
        reader->fn->freeObject(raw);
        freeReplyObject(theirs);
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
    pc::redis::useReplyFunctions(reader); // as Link and PushLink do
    redisReader *reference = limitedReference();
    if (redisReaderFeed(reference, bytes, length) == REDIS_OK
        && redisReaderFeed(reader, bytes, split) == REDIS_OK && drain(reader, reference)
        && redisReaderFeed(reader, bytes + split, length - split) == REDIS_OK)
        drain(reader, reference);
    redisReaderFree(reader);
    redisReaderFree(reference);
    return 0;
}
