// The host's first contact with a client frame: parseRequest, then every op's Params::read on
// whatever body came out (the host runs only one of them, but each must hold up to any body).
// A body that reads cleanly must survive toJson() and read() again unchanged.
#include "fuzztarget.h"

#include "protocol/requests.h"

#include <QByteArray>

using namespace pc::protocol;

namespace {

template<typename Params, typename Same> void readAndRoundTrip(const QJsonObject &body, Same same)
{
    Params first;
    if (Params::read(body, first))
        return;
    Params second;
    PC_FUZZ_CHECK(!Params::read(first.toJson(), second));
    PC_FUZZ_CHECK(same(first, second));
}

bool sameMember(const MemberParams &a, const MemberParams &b)
{
    return a.roomId == b.roomId && a.token == b.token;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray frame
        = QByteArray::fromRawData(reinterpret_cast<const char *>(data), qsizetype(size));
    const RequestEnvelope request = parseRequest(frame);
    // Either an error to reply (with an id that is null or valid) or an op to run.
    PC_FUZZ_CHECK(request.error.has_value() != request.op.has_value());
    PC_FUZZ_CHECK(request.id.isNull() || isValidRequestId(request.id));
    if (request.body.isEmpty())
        return 0;
    const QJsonObject &body = request.body;

    readAndRoundTrip<RoomCreateParams>(body, [](const auto &a, const auto &b) {
        return a.ttl == b.ttl && a.maxParticipants == b.maxParticipants;
    });
    RoomCreateParams lowTtl; // a host started with --max-ttl 60
    if (!RoomCreateParams::read(body, lowTtl, ReadOptions { 60 }))
        PC_FUZZ_CHECK(lowTtl.ttl <= 60);
    readAndRoundTrip<RoomJoinParams>(body, [](const auto &a, const auto &b) {
        return a.roomId == b.roomId && a.name == b.name && a.token == b.token;
    });
    readAndRoundTrip<MemberParams>(body, sameMember);
    readAndRoundTrip<MessagesSendParams>(body, [](const auto &a, const auto &b) {
        return sameMember(a.member, b.member) && a.text == b.text && a.clientMsgId == b.clientMsgId;
    });
    readAndRoundTrip<MessagesListParams>(body, [](const auto &a, const auto &b) {
        return sameMember(a.member, b.member) && a.after == b.after && a.limit == b.limit;
    });
    readAndRoundTrip<SubscribeParams>(body, [](const auto &a, const auto &b) {
        return sameMember(a.member, b.member) && a.events == b.events;
    });
    readAndRoundTrip<UnsubscribeParams>(
        body, [](const auto &a, const auto &b) { return a.channel == b.channel; });
    return 0;
}
