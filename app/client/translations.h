#pragma once

class QCoreApplication;

namespace pc::client {

// Loads the programs' words for the system locale (translations/, English plurals otherwise)
// and Qt's own (the command line's "Usage:", "Options:") where Debian ships them.
void installTranslations(QCoreApplication &app);

} // namespace pc::client
