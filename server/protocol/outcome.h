#pragma once

#include "errors.h"
#include "protocol/schema_gen.h" // Empty: success without data

#include <functional>
#include <variant>

namespace pc::protocol {

// The result of an asynchronous op: its value, or the contract's error.
template<typename T> using Outcome = std::variant<T, Error>;
template<typename T> using Done = std::function<void(Outcome<T>)>;

} // namespace pc::protocol
