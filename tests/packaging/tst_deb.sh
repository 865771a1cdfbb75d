#!/usr/bin/env bash
# Builds the .deb and checks it as a user's machine would see it: valid desktop entry and
# AppStream data, a systemd unit that verifies, a Depends naming the package of every QML
# module the UI imports, and programs that run from the unpacked tree alone.
# Usage: tst_deb.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
BUILD=$1
SRC=$2
SCRATCH=$(mktemp -d)
trap 'rm -rf "$SCRATCH"; [[ -n "${APP_PID:-}" ]] && kill "$APP_PID" 2>/dev/null || true' EXIT
passed=0
failed=0
check() { # name, command...
    local name=$1
    shift
    if "$@" > "$SCRATCH/out.txt" 2>&1; then
        echo "PASS $name"
        passed=$((passed + 1))
    else
        echo "FAIL $name"
        sed 's/^/    /' "$SCRATCH/out.txt" | head -20
        failed=$((failed + 1))
    fi
}

(cd "$BUILD" && cpack -G DEB -B "$SCRATCH/cpack" > "$SCRATCH/cpack.log" 2>&1) || { cat "$SCRATCH/cpack.log"; exit 1; }
DEB=$(ls "$SCRATCH"/cpack/privatechat_*_*.deb)
echo "built $(basename "$DEB")"
ROOT=$SCRATCH/root
dpkg-deb -x "$DEB" "$ROOT"
DEPENDS=$(dpkg-deb -f "$DEB" Depends)

has_file() { test -e "$ROOT/$1"; }
for f in usr/bin/privatechat usr/bin/privatechat-server usr/bin/privatechat-cli \
         usr/share/applications/io.privatechat.PrivateChat.desktop \
         usr/share/metainfo/io.privatechat.PrivateChat.metainfo.xml \
         usr/share/icons/hicolor/scalable/apps/io.privatechat.PrivateChat.svg \
         usr/share/icons/hicolor/48x48/apps/io.privatechat.PrivateChat.png \
         usr/share/man/man1/privatechat.1.gz usr/share/man/man1/privatechat-server.1.gz \
         usr/share/man/man1/privatechat-cli.1.gz usr/lib/systemd/system/privatechat-server.service \
         etc/default/privatechat-server; do
    check "ships $f" has_file "$f"
done

check "desktop entry validates" desktop-file-validate "$ROOT/usr/share/applications/io.privatechat.PrivateChat.desktop"
check "desktop entry handles privatechat:// links" grep -qx 'MimeType=x-scheme-handler/privatechat;' "$ROOT/usr/share/applications/io.privatechat.PrivateChat.desktop"
check "desktop entry passes the link" grep -qx 'Exec=privatechat %u' "$ROOT/usr/share/applications/io.privatechat.PrivateChat.desktop"
check "AppStream metainfo validates" appstreamcli validate --no-net --pedantic "$ROOT/usr/share/metainfo/io.privatechat.PrivateChat.metainfo.xml"

# The unit, pointed at the unpacked binary (verify wants ExecStart to exist).
sed "s#/usr/bin/privatechat-server#$ROOT/usr/bin/privatechat-server#" "$ROOT/usr/lib/systemd/system/privatechat-server.service" > "$SCRATCH/privatechat-server.service"
check "systemd unit verifies" systemd-analyze verify --man=no "$SCRATCH/privatechat-server.service"
for key in DynamicUser=yes NoNewPrivileges=yes ProtectSystem=strict PrivateTmp=yes RuntimeDirectory=privatechat-server Restart=on-failure EnvironmentFile=-/etc/default/privatechat-server; do
    check "unit has $key" grep -qx "$key" "$ROOT/usr/lib/systemd/system/privatechat-server.service"
done

depends_on() { [[ ", $DEPENDS," == *", $1"[\ ,]* ]]; }
check "Depends names redis-server" depends_on redis-server
check "Depends names libqrencode (invite QR codes)" depends_on libqrencode4
check "Recommends a colour emoji font" bash -c "dpkg-deb -f '$DEB' Recommends | grep -q fonts-noto-color-emoji"
check "Depends names the Qt Core runtime" depends_on libqt6core6
check "Depends names the Qt WebSockets runtime" depends_on libqt6websockets6
QMLDIR=$(/usr/lib/qt6/bin/qtpaths6 --query QT_INSTALL_QML 2>/dev/null || echo /usr/lib/x86_64-linux-gnu/qt6/qml)
imports=$(grep -rhoE '^\s*import\s+[A-Za-z][A-Za-z0-9_.]*' "$SRC/qml" | awk '{print $2}' | sort -u)
for module in $imports; do
    case $module in PrivateChat*) continue ;; esac # our own, compiled in
    qmldir="$QMLDIR/${module//.//}/qmldir"
    package=$(dpkg -S "$qmldir" 2>/dev/null | cut -d: -f1 | head -1)
    if [[ -z "$package" ]]; then
        check "QML module $module is installed here" false
        continue
    fi
    check "Depends names $package (import $module)" depends_on "$package"
done

# Run from the unpacked tree, elsewhere, with nothing of the build around.
cd "$SCRATCH"
export HOME=$SCRATCH/home XDG_CONFIG_HOME=$SCRATCH/home/.config # the user's settings stay as they are
mkdir -p "$XDG_CONFIG_HOME"
export -n LD_LIBRARY_PATH QML_IMPORT_PATH QML2_IMPORT_PATH QT_PLUGIN_PATH 2>/dev/null || true
check "privatechat-server --version" bash -c "'$ROOT/usr/bin/privatechat-server' --version | grep -q '^privatechat-server '"
check "privatechat-cli --help" bash -c "'$ROOT/usr/bin/privatechat-cli' --help | grep -q -- '--join'"
check "privatechat --version" bash -c "QT_QPA_PLATFORM=offscreen '$ROOT/usr/bin/privatechat' --version | grep -q '^privatechat '"
app_hosts() {
    QT_QPA_PLATFORM=offscreen "$ROOT/usr/bin/privatechat" --host --listen 127.0.0.1:0 --name Packager > "$SCRATCH/app.out" 2> "$SCRATCH/app.err" &
    APP_PID=$!
    for _ in $(seq 1 100); do
        grep -q '^invite: privatechat://127.0.0.1:[0-9]*/' "$SCRATCH/app.out" && { kill "$APP_PID"; wait "$APP_PID" || true; APP_PID=; return 0; }
        sleep 0.1
    done
    cat "$SCRATCH/app.out" "$SCRATCH/app.err"
    return 1
}
check "the app runs offscreen and hosts a room" app_hosts

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
