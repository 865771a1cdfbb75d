#!/usr/bin/env bash
# Desktop notifications against a real notification server: the app under Xvfb on a private
# session bus of its own, with dunst as the freedesktop notification server and dbus-monitor
# recording every Notify call. A guest (privatechat-cli) writes while the window is in the
# background; the room's last minute is announced once. In the private mode a notification
# says only "New message": neither who wrote nor what.
#
#   tst_notifications.sh PRIVATECHAT PRIVATECHAT_CLI
set -u
if [[ -z "${PC_NOTIFY_INNER:-}" ]]; then
    # A display and a session bus that end with this test.
    exec env PC_NOTIFY_INNER=1 xvfb-run -a -s "-screen 0 1000x700x24" \
        dbus-run-session -- "$0" "$@"
fi
app="$1"
cli="$2"
work=$(mktemp -d)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done
    wait 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT
failed=0
fail() { echo "FAIL $*"; failed=1; }
# wait_for FILE TEXT SECONDS
wait_for() {
    local i
    for ((i = 0; i < $3 * 10; ++i)); do
        grep -qF -- "$2" "$1" 2>/dev/null && return 0
        sleep 0.1
    done
    return 1
}

dbus-monitor --session "type='method_call',interface='org.freedesktop.Notifications',member='Notify'" \
    > "$work/notify.log" 2>&1 &
pids+=($!)
dunst -config /dev/null > "$work/dunst.log" 2>&1 &
pids+=($!)
for ((i = 0; i < 50; ++i)); do
    dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
        org.freedesktop.DBus.NameHasOwner string:org.freedesktop.Notifications 2>/dev/null |
        grep -q "boolean true" && break
    sleep 0.1
done
((i < 50)) || { fail "dunst did not take org.freedesktop.Notifications: $(cat "$work/dunst.log")"; exit 1; }

# run NAME PRIVATE TTL TEXT...: hosts a room with its own settings, a guest writes one marked
# line; the app stops once notifications with each TEXT have come (or 10 s for each).
run() {
    local name="$1" private="$2" ttl="$3"
    mkdir -p "$work/$name/PrivateChat"
    printf '[notifications]\nenabled=true\nprivate=%s\n' "$private" \
        > "$work/$name/PrivateChat/privatechat.conf"
    XDG_CONFIG_HOME="$work/$name" XDG_DATA_HOME="$work/$name/data" LANG=C.UTF-8 \
        "$app" --host --listen 127.0.0.1:0 --ttl "$ttl" --name Olga > "$work/$name.app.log" 2>&1 &
    local app_pid=$!
    pids+=($app_pid)
    wait_for "$work/$name.app.log" "invite: " 20 || { fail "$name: the app did not host: $(cat "$work/$name.app.log")"; return; }
    local invite
    invite=$(grep -o 'privatechat://[^ ]*' "$work/$name.app.log" | head -1)
    (sleep 1; echo "marker $name words"; sleep 8) |
        "$cli" --join "$invite" --name Gustav > "$work/$name.cli.log" 2>&1 &
    pids+=($!)
    wait_for "$work/$name.cli.log" "marker $name words" 15 || fail "$name: the guest's line never arrived"
    local text
    for text in "${@:4}"; do
        wait_for "$work/notify.log" "$text" 10
    done
    kill "$app_pid" 2>/dev/null
    wait "$app_pid" 2>/dev/null
}

run public false 63 'string "marker public words"' 'string "The room self-destructs in one minute."'
# The message: who wrote and what, with the app's icon and category.
grep -qF 'string "marker public words"' "$work/notify.log" || fail "public: no Notify with the text: $(cat "$work/notify.log")"
grep -qF 'string "Gustav"' "$work/notify.log" || fail "public: the notification does not name the sender"
grep -qF 'string "im.received"' "$work/notify.log" || fail "public: no im.received category"
# The last minute (the room has 63 s): announced once.
grep -qF 'string "The room self-destructs in one minute."' "$work/notify.log" ||
    fail "public: no notification of the room's last minute"
n=$(grep -cF 'string "The room self-destructs in one minute."' "$work/notify.log")
[[ $n -eq 1 ]] || fail "public: the last minute was announced $n times"
[[ $failed -eq 0 ]] && echo "PASS a message and the last minute, named"

cp "$work/notify.log" "$work/public.log"
run private true 600 'string "New message"'
new=$(diff "$work/public.log" "$work/notify.log" | grep '^>')
[[ "$new" == *'string "New message"'* ]] || fail "private: no \"New message\" notification: $new"
[[ "$new" != *"marker private words"* ]] || fail "private: the text was in a notification"
[[ "$new" != *'Gustav'* ]] || fail "private: the sender was in a notification"
[[ $failed -eq 0 ]] && echo "PASS the private mode says only New message"
exit $failed
