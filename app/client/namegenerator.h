#pragma once

#include <QString>

namespace pc::client {

// An anonymous name like "swift-otter-42" from word lists shipped in the app: no network.
QString generateName();

} // namespace pc::client
