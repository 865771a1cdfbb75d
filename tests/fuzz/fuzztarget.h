#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

// What every fuzz target defines: libFuzzer calls it (PC_FUZZ builds), and so does replay.cpp
// with each seed (the normal build's CTests).
extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

// A property the code under test must keep: a violation is a crash the fuzzer records.
#define PC_FUZZ_CHECK(condition)                                                                   \
    do {                                                                                           \
        if (!(condition)) {                                                                        \
            std::fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #condition);     \
            std::abort();                                                                          \
        }                                                                                          \
    } while (false)
