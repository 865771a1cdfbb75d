// What a client sends after the handshake, as the host's reader decodes it. However the bytes
// are chunked, the same messages and control frames come out and the same violation; nothing
// comes out larger than the limits, and never more payload than went in.
#include "fuzztarget.h"

#include "clientframes.h"

#include <QList>

using pc::host::ClientFrameReader;

namespace {

constexpr qint64 kMaxMessage = 65536;

struct Result
{
    QList<std::pair<ClientFrameReader::Kind, QByteArray>> taken;
    std::optional<ClientFrameReader::Violation> violation;
};

Result run(QByteArrayView input, qsizetype chunk)
{
    ClientFrameReader reader(kMaxMessage);
    Result r;
    const ClientFrameReader::Take take = [&r](ClientFrameReader::Kind kind, QByteArray payload) {
        r.taken.append({ kind, std::move(payload) });
    };
    for (qsizetype at = 0; at < input.size() && !r.violation; at += chunk)
        r.violation = reader.feed(input.sliced(at, std::min(chunk, input.size() - at)), take);
    return r;
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
    PC_FUZZ_CHECK(whole.taken == pieces.taken);
    PC_FUZZ_CHECK(whole.violation.has_value() == pieces.violation.has_value());
    PC_FUZZ_CHECK(!whole.violation || whole.violation->code == pieces.violation->code);
    qsizetype out = 0;
    bool closed = false;
    for (const auto &[kind, payload] : whole.taken) {
        PC_FUZZ_CHECK(!closed); // nothing is read after a close
        closed = kind == ClientFrameReader::Kind::Close;
        const bool control
            = kind != ClientFrameReader::Kind::Text && kind != ClientFrameReader::Kind::Binary;
        PC_FUZZ_CHECK(payload.size() <= (control ? 125 : kMaxMessage));
        out += payload.size();
    }
    PC_FUZZ_CHECK(out <= input.size()); // every byte out came in, with a header around it
    return 0;
}
