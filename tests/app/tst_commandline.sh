#!/usr/bin/env bash
# privatechat's command line without a display (no DISPLAY, no QPA platform set): --help and
# --version answer, a bad option says which, and none of them needs or aborts for a GUI. The
# terminal client (the second argument) speaks the same languages.
set -u
app="$1"
cli="$2"
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
check ttl-without-host 2 "privatechat: --ttl needs --host or --create-on" "$app" --ttl 60
check bad-ttl 2 "--ttl" "$app" --host --ttl 1
check listen-without-host 2 "privatechat: --listen needs --host" "$app" --create-on 127.0.0.1:7878 --listen 0.0.0.0:1
check host-and-create-on 2 "privatechat: --host or --create-on: a room here or on a server, not both" \
    "$app" --host --create-on 127.0.0.1:7878
check create-on-not-a-server 2 "privatechat: --create-on: " "$app" --create-on "not a server"
check create-on-bad-port 2 "privatechat: --create-on: " "$app" --create-on 127.0.0.1:99999
check fingerprint-alone 2 "privatechat: --fingerprint goes with --create-on" \
    "$app" --fingerprint AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA
check bad-fingerprint 2 "privatechat: --fingerprint: \"short\" is not a fingerprint (43 characters of base64url, as the server prints it)" \
    "$app" --create-on 127.0.0.1:7878 --fingerprint short
check create-on-and-join 2 "privatechat: --create-on and an invite to join do not go together" \
    "$app" --create-on 127.0.0.1:7878 --join privatechat://127.0.0.1:7878/AAAAAAAAAAAAAAAAAAAAA?plain=1
# The help in the system's language (German here), as the window is.
check help-german 0 "Einen Raum sofort eröffnen" env LANG=de_DE.UTF-8 LC_ALL= LANGUAGE= "$app" --help
check help-german-qt 0 "Optionen:" env LANG=de_DE.UTF-8 LC_ALL= LANGUAGE= "$app" --help
check error-german 2 "privatechat: --listen braucht --host" env LANG=de_DE.UTF-8 LC_ALL= LANGUAGE= "$app" --listen 0.0.0.0:1
de=(env LANG=de_DE.UTF-8 LC_ALL= LANGUAGE=)
check cli-help-german 0 "Einen Raum eröffnen und seinen Einladungslink ausgeben." "${de[@]}" "$cli" --help
check cli-help-german-qt 0 "Aufruf:" "${de[@]}" "$cli" --help
check cli-error-german 2 "privatechat-cli: --create braucht --server HOST:PORT" "${de[@]}" "$cli" --create
check cli-error-english 2 "privatechat-cli: --create needs --server HOST:PORT" env LANG=C.UTF-8 LC_ALL= LANGUAGE= "$cli" --create
exit $failed
