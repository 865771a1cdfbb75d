#!/usr/bin/env bash
# privatechat's command line without a display (no DISPLAY, no QPA platform set): --help and
# --version answer, a bad option says which, and none of them needs or aborts for a GUI.
set -u
app="$1"
failed=0
check() { # name, expected exit code, expected text in output, command...
    local name="$1" code="$2" text="$3"
    shift 3
    local out rc
    out=$(env -u DISPLAY -u WAYLAND_DISPLAY -u QT_QPA_PLATFORM "$@" 2>&1)
    rc=$?
    if [[ $rc -ne $code || "$out" != *"$text"* ]]; then
        echo "FAIL $name: exit $rc (expected $code), output: $out"
        failed=1
    else
        echo "PASS $name"
    fi
}
check help 0 "Usage:" "$app" --help
check help-short 0 "--join" "$app" -h
check version 0 "privatechat " "$app" --version
check bad-option 2 "Unknown option 'frobnicate'" "$app" --frobnicate
check ttl-without-host 2 "--ttl needs --host" "$app" --ttl 60
check bad-ttl 2 "--ttl" "$app" --host --ttl 1
exit $failed
