#pragma once

namespace pc::host {

// Raises this process' soft limit on open files to its hard limit (a desktop session starts
// programs with 1024, which a host's connections use up) and returns the soft limit now.
int raiseFileLimit();
// How many more connections the host can take while `reserve` descriptors stay free for
// Redis, the embedded redis-server, accepting and closing, and the rest of the process.
int connectionBudget(int reserve);

} // namespace pc::host
