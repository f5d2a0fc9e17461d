#!/usr/bin/env bash
# Quick start 1: installs what is missing, builds in Release, generates a market and runs every rule on it.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
make run
