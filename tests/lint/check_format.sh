#!/usr/bin/env bash
# Every C++ file follows the repository's .clang-format.
set -euo pipefail
cd "$1"
bad=0
checked=0
while IFS= read -r -d '' file; do
    checked=$((checked + 1))
    if ! clang-format --dry-run --Werror "$file" > /dev/null 2>&1; then
        echo "not formatted: $file (run clang-format -i $file)"
        bad=$((bad + 1))
    fi
done < <(find server app tests -path tests/bench/node_modules -prune -o \( -name '*.cpp' -o -name '*.h' \) -print0)
echo "$((checked - bad)) passed, $bad failed"
[[ $bad -eq 0 ]]
