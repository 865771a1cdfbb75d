#pragma once

#include <QLoggingCategory>

// Never log message text, names or tokens: only kinds, counts and IDs that are public.
Q_DECLARE_LOGGING_CATEGORY(lcHost)
