#!/usr/bin/env bash
# Installs the Debian packages tapewatch builds, tests and runs with; does nothing when all are present.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git clang-format
  libfmt-dev libspdlog-dev libcli11-dev libtomlplusplus-dev libsimdjson-dev libfast-float-dev
  zlib1g-dev libzip-dev libsqlite3-dev sqlite3
  libgtest-dev libgmock-dev libbenchmark-dev
  libpq-dev postgresql-15 postgresql-common libboost-dev
  chromium wrk
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

# Node.js may come from elsewhere than Debian (a machine image's own build, say, which
# carries its npm): Debian's packages are installed only when the commands are missing.
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  missing+=(nodejs npm)
fi

if [ ${#missing[@]} -ne 0 ]; then
  echo "install-deps: installing ${missing[*]}" >&2
  sudo_cmd=()
  if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The dashboard's front-end packages (web/package-lock.json), when they changed since the
# last install.
cd "$(dirname "$0")/.."
stamp=web/node_modules/.installed-lock.json
if [ -f web/package-lock.json ] && ! cmp -s web/package-lock.json "$stamp"; then
  echo "install-deps: npm ci in web/" >&2
  npm ci --prefix web --no-audit --no-fund --loglevel=error
  cp web/package-lock.json "$stamp"
fi
