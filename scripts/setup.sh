# Sourced by scripts/run and scripts/test: installs what is missing, then configures and
# builds into build/. Idempotent, and quick when nothing changed.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="${PC_BUILD_DIR:-$ROOT/build}"

# Installs the Debian packages named that are not installed yet.
pc_apt_install() {
    local missing=()
    local pkg
    for pkg in "$@"; do
        if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
            missing+=("$pkg")
        fi
    done
    if ((${#missing[@]} == 0)); then
        return
    fi
    echo "Installing: ${missing[*]}"
    local sudo=()
    if [[ $(id -u) -ne 0 ]]; then
        sudo=(sudo)
    fi
    "${sudo[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

# The project's packages: scripts/packages.txt.
pc_install_packages() {
    local wanted=()
    local pkg
    while read -r pkg; do
        [[ -z "$pkg" || "$pkg" == \#* ]] && continue
        wanted+=("$pkg")
    done < "$ROOT/scripts/packages.txt"
    pc_apt_install "${wanted[@]}"
}

# pc_build [CMAKE_OPTION...]: the options apply when $BUILD is first configured.
pc_build() {
    if [[ ! -f "$BUILD/build.ninja" ]]; then
        cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@"
    fi
    cmake --build "$BUILD" -j "$(nproc)"
}
