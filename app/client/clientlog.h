#pragma once

#include <QLoggingCategory>

// One category for the whole client ("pc.client"), whichever part logs.
Q_DECLARE_LOGGING_CATEGORY(lcClient)
