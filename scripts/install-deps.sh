#!/usr/bin/env bash
# Installs the Debian packages tapewatch builds, tests and runs with; does nothing when all are present.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git clang-format
  libfmt-dev libspdlog-dev libcli11-dev libtomlplusplus-dev libsimdjson-dev libfast-float-dev
  zlib1g-dev libzip-dev libsqlite3-dev sqlite3
  libgtest-dev libgmock-dev libbenchmark-dev
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "install-deps: installing ${missing[*]}" >&2
sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
