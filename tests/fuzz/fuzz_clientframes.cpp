// What a client sends after the handshake, before Qt's decoder sees it. However the bytes are
// chunked, the same frames come out (whole, masked, shortest length form, no text opcode)
// and the same violation, and never more payload than went in.
#include "fuzztarget.h"

#include "clientframes.h"

#include <QtEndian>

using pc::host::ClientFrameFilter;

namespace {

constexpr qint64 kMaxFrame = 65536;

struct Result
{
    QByteArray out;
    std::optional<ClientFrameFilter::Violation> violation;
    size_t messages = 0;
};

Result run(QByteArrayView input, qsizetype chunk)
{
    ClientFrameFilter filter(kMaxFrame);
    Result r;
    for (qsizetype at = 0; at < input.size() && !r.violation; at += chunk)
        r.violation = filter.feed(input.sliced(at, std::min(chunk, input.size() - at)), r.out);
    r.messages = filter.messageKinds().size();
    return r;
}

// Walks the frames that came out: each whole and in the form promised.
void checkFrames(const QByteArray &out)
{
    qsizetype at = 0;
    while (at < out.size()) {
        PC_FUZZ_CHECK(at + 6 <= out.size());
        const uchar first = uchar(out[at]), second = uchar(out[at + 1]);
        PC_FUZZ_CHECK((first & 0x0f) != 0x1); // text went out as binary
        PC_FUZZ_CHECK(second & 0x80);         // masked
        quint64 length = second & 0x7f;
        qsizetype header = 2;
        if (length == 126) {
            length = qFromBigEndian<quint16>(out.constData() + at + 2);
            PC_FUZZ_CHECK(length >= 126);
            header += 2;
        } else if (length == 127) {
            PC_FUZZ_CHECK(at + 10 <= out.size());
            length = qFromBigEndian<quint64>(out.constData() + at + 2);
            PC_FUZZ_CHECK(length > 0xffff);
            header += 8;
        }
        PC_FUZZ_CHECK(length <= quint64(kMaxFrame));
        at += header + 4 + qsizetype(length);
        PC_FUZZ_CHECK(at <= out.size());
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    // The first byte picks a chunk size for the second run; the rest is the stream.
    const qsizetype chunk = qsizetype(data[0] % 17) + 1;
    const QByteArrayView input(reinterpret_cast<const char *>(data) + 1, qsizetype(size) - 1);
    const Result whole = run(input, std::max<qsizetype>(input.size(), 1));
    const Result pieces = run(input, chunk);
    PC_FUZZ_CHECK(whole.out == pieces.out);
    PC_FUZZ_CHECK(whole.violation.has_value() == pieces.violation.has_value());
    PC_FUZZ_CHECK(!whole.violation || whole.violation->code == pieces.violation->code);
    PC_FUZZ_CHECK(whole.messages == pieces.messages);
    checkFrames(whole.out);
    // Headers only ever get shorter; the payload passes as it is.
    PC_FUZZ_CHECK(whole.out.size() <= input.size());
    return 0;
}
