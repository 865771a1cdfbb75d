#include "clientlog.h"

Q_LOGGING_CATEGORY(lcClient, "pc.client", QtInfoMsg)
