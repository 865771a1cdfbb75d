#pragma once

// Private to server/redis (and its fuzzer): never include from a public header.

#include "reply.h"

struct redisReader;
struct redisReply;

namespace pc::redis {

// Makes a hiredis reader build our Reply as it parses, instead of a tree of redisReply objects
// that is copied into a Reply afterwards. Each object it makes still starts with a real
// redisReply (hiredis' async layer reads those of pub/sub messages), but every object of a reply
// lives in one arena owned by the reply's root: a page of 1,000 messages costs a few
// allocations where hiredis' own functions make two per message, and one copy of each string.
//
// hiredis 0.14 allocates an array reply's element table as soon as it reads the "*N" header, so
// 13 bytes ("*2000000000\r\n") ask for 16 GB. No reply we read comes near this many elements
// (messages.list returns 1,000): a larger header fails the reader ("Out of memory"), and the link
// drops and reconnects instead.
inline constexpr int kMaxReplyElements = 1 << 20;
void useReplyFunctions(redisReader *reader);

// The Reply of a whole reply such a reader returned, moved out of it. The object itself is still
// freed by the reader's freeObject (never by freeReplyObject).
Reply takeReply(void *object);

} // namespace pc::redis
