#include "hiredisreply.h"

#include <hiredis/hiredis.h>

#include <mutex>

namespace pc::redis {

namespace {

    // hiredis' own reply functions (static in hiredis.c), with createArray bounded.
    redisReplyObjectFunctions limitedFunctions;
    void *(*hiredisCreateArray)(const redisReadTask *, int) = nullptr;

    void *createArrayLimited(const redisReadTask *task, int elements)
    {
        if (elements > kMaxReplyElements)
            return nullptr; // the reader reports out of memory and stops
        return hiredisCreateArray(task, elements);
    }

} // namespace

void limitReplyElements(redisReader *reader)
{
    static std::once_flag once;
    std::call_once(once, [reader] {
        limitedFunctions = *reader->fn;
        hiredisCreateArray = reader->fn->createArray;
        limitedFunctions.createArray = &createArrayLimited;
    });
    reader->fn = &limitedFunctions;
}

Reply fromHiredis(const redisReply *r)
{
    Reply out;
    switch (r->type) {
    case REDIS_REPLY_STRING:
    case REDIS_REPLY_STATUS:
    case REDIS_REPLY_ERROR:
        out.type = r->type == REDIS_REPLY_STRING ? Reply::Type::String
            : r->type == REDIS_REPLY_STATUS      ? Reply::Type::Status
                                                 : Reply::Type::Error;
        out.string = QByteArray(r->str, qsizetype(r->len));
        break;
    case REDIS_REPLY_INTEGER:
        out.type = Reply::Type::Integer;
        out.integer = r->integer;
        break;
    case REDIS_REPLY_ARRAY:
        out.type = Reply::Type::Array;
        out.elements.reserve(qsizetype(r->elements));
        for (size_t i = 0; i < r->elements; ++i)
            out.elements.append(fromHiredis(r->element[i]));
        break;
    case REDIS_REPLY_NIL:
    default:
        out.type = Reply::Type::Nil;
        break;
    }
    return out;
}

} // namespace pc::redis
