#pragma once

// Private to server/redis (and its fuzzer): never include from a public header.

#include "reply.h"

struct redisReader;
struct redisReply;

namespace pc::redis {

// A hiredis reply tree as our plain Reply; hiredis keeps ownership of r.
Reply fromHiredis(const redisReply *r);

// hiredis 0.14 allocates an array reply's element table as soon as it reads the "*N" header, so
// 13 bytes ("*2000000000\r\n") ask for 16 GB. No reply we read comes near this many elements
// (messages.list returns 1,000): a larger header fails the reader ("Out of memory"), and the link
// drops and reconnects instead.
inline constexpr int kMaxReplyElements = 1 << 20;
void limitReplyElements(redisReader *reader);

} // namespace pc::redis
