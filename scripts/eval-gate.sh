#!/usr/bin/env bash
# The detection gate of `make test`: a short run of the evaluation protocol of docs/DETECTION.md
# (order-level markets, every kind of episode injected) that fails, naming the rule, when a
# rule's F1 falls below the gate. Usage: scripts/eval-gate.sh TAPEWATCH [MIN_F1]
set -euo pipefail
tapewatch=$(realpath "$1")
min_f1=${2:-0.85}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Every rule but marking_the_close, over the three regimes of the protocol.
"$tapewatch" eval --run --mode orders --symbols 5 --hours 3 --seeds 1-2 \
  --regimes calm,volatile,thin --out "$work/lab" --min-f1 "$min_f1"
# marking_the_close needs a session with a close.
"$tapewatch" eval --run --mode orders --symbols 5 --seeds 1-3 --regimes session \
  --inject marking_the_close --rule marking_the_close --out "$work/session" --min-f1 "$min_f1"
