// A main() for the normal build: feeds every file named (or every file in the folders named)
// to the fuzz target once, so the seed corpus runs as a plain CTest with gcc, and under
// ASan + UBSan in scripts/test --sanitize. The real fuzzing is tests/fuzz/run (libFuzzer).
#include "fuzztarget.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <vector>

namespace fs = std::filesystem;

int main(int argc, char **argv)
{
    std::vector<fs::path> inputs;
    for (int i = 1; i < argc; ++i) {
        const fs::path arg(argv[i]);
        if (fs::is_directory(arg)) {
            for (const auto &entry : fs::directory_iterator(arg)) {
                if (entry.is_regular_file())
                    inputs.push_back(entry.path());
            }
        } else {
            inputs.push_back(arg);
        }
    }
    std::sort(inputs.begin(), inputs.end());
    if (inputs.empty()) {
        std::cerr << "usage: " << argv[0] << " FILE|FOLDER...: no input found\n";
        return 2;
    }
    for (const fs::path &path : inputs) {
        std::ifstream in(path, std::ios::binary);
        const std::vector<char> bytes { std::istreambuf_iterator<char>(in), {} };
        if (!in.good() && !in.eof()) {
            std::cerr << "cannot read " << path << '\n';
            return 2;
        }
        LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t *>(bytes.data()), bytes.size());
    }
    std::cout << "replayed " << inputs.size() << " inputs, none crashed\n";
    return 0;
}
