#pragma once

#include <QObject>
#include <QPointer>

#include <utility>

namespace pc::client {

// A callback that runs only while context lives. For one that captures its owner and may
// be called after the owner is gone, e.g. a request's done: guarded(this, [this](...) {...}).
template<typename Fn> auto guarded(QObject *context, Fn fn)
{
    return [context = QPointer<QObject>(context), fn = std::move(fn)](auto &&...args) {
        if (context)
            fn(std::forward<decltype(args)>(args)...);
    };
}

} // namespace pc::client
