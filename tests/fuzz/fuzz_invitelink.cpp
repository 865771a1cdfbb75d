// What a user pastes into Join, or what a privatechat:// link hands the app. A link that parses
// must print as an invite that parses back to the same link.
#include "fuzztarget.h"

#include "invitelink.h"

using pc::client::InviteLink;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QString text = QString::fromUtf8(reinterpret_cast<const char *>(data), qsizetype(size));
    QString error;
    const auto link = InviteLink::parse(text, &error);
    if (!link) {
        PC_FUZZ_CHECK(!error.isEmpty());
        return 0;
    }
    PC_FUZZ_CHECK(!link->host.isEmpty() && link->port != 0);
    const auto again = InviteLink::parse(link->toString());
    PC_FUZZ_CHECK(again.has_value());
    PC_FUZZ_CHECK(
        again->host == link->host && again->port == link->port && again->roomId == link->roomId);
    PC_FUZZ_CHECK(InviteLink::parse(link->authority() + QLatin1Char('/') + link->roomId));
    (void)link->serverUrl();
    return 0;
}
