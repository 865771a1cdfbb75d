#!/usr/bin/env bash
# Every tr()/qsTr() text the UI shows reaches the translations: lupdate, run as
# `ninja update_translations` runs it but into copies of translations/*.ts, would add no
# unfinished entry to a language (to English only plurals: its sources are its texts).
# usage: check_translations.sh CMAKE GENERATE_LUPDATE_PROJECT PROJECT_CMAKE LUPDATE TS...
set -euo pipefail
cmake=$1 generate=$2 project=$3 lupdate=$4
shift 4
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$cmake" -DIN_FILE="$project" -DOUT_FILE="$tmp/project.json" -P "$generate"
copies=()
for ts in "$@"; do
    cp "$ts" "$tmp/"
    copies+=("$tmp/$(basename "$ts")")
done
if ! "$lupdate" -project "$tmp/project.json" -no-obsolete -locations none -ts "${copies[@]}" \
    > "$tmp/lupdate.log" 2>&1; then
    cat "$tmp/lupdate.log"
    exit 1
fi
bad=0
for copy in "${copies[@]}"; do
    name=$(basename "$copy")
    plural_only=0
    [[ $name == *_en.ts ]] && plural_only=1
    missing=$(awk -v plural_only=$plural_only '
        /<name>/ { c = $0; sub(/.*<name>/, "", c); sub(/<\/name>.*/, "", c); context = c }
        /<message/ { numerus = ($0 ~ /numerus="yes"/) }
        /<source>/ { s = $0; sub(/.*<source>/, "", s); sub(/<\/source>.*/, "", s); source = s }
        /<translation type="unfinished"/ { if (!plural_only || numerus) print "  " context ": " source }
    ' "$copy")
    if [[ -n $missing ]]; then
        echo "$name: untranslated (run ninja update_translations, then translate them):"
        echo "$missing"
        bad=$((bad + 1))
    else
        echo "$name: complete"
    fi
done
echo "$(($# - bad)) passed, $bad failed"
[[ $bad -eq 0 ]]
