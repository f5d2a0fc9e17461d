#!/usr/bin/env bash
# Quick start 2: installs what is missing, builds everything with warnings as errors, runs the whole suite.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
make test
