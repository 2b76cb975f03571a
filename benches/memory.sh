#!/usr/bin/env bash
# The TUI's memory at scale: resident size once 10,000 apps are loaded (steady), and the peak
# during each refresh (VmHWM, reset before each one through /proc/PID/clear_refs).
#
#   benches/memory.sh                       # target/release/extapps, 10,000 apps, 4 refreshes
#   EXTAPPS=path/to/extapps APPS=10000 REFRESHES=4 benches/memory.sh
#
# The simulator serves the whole list (--list-shape full: 36.5 MB for 10,000 apps), so the TUI
# holds what a refresh brings and reads nothing more. Target (issue 18): peak <= 2x steady.
set -euo pipefail

cd "$(dirname "$0")/.."
EXTAPPS=${EXTAPPS:-target/release/extapps}
APPS=${APPS:-10000}
REFRESHES=${REFRESHES:-4}
SETTLE=${SETTLE:-8}

command -v tmux >/dev/null || { echo "memory.sh: needs tmux" >&2; exit 2; }
[ -x "$EXTAPPS" ] || { echo "memory.sh: no $EXTAPPS (cargo build --release)" >&2; exit 2; }

work=$(mktemp -d)
session="extapps-memory-$$"
sim_pid=
cleanup() {
    tmux kill-session -t "$session" 2>/dev/null || true
    [ -n "$sim_pid" ] && kill "$sim_pid" 2>/dev/null && wait "$sim_pid" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT

. benches/sim.sh
start_sim
exports=$(grep '^  export ' "$work/sim.out" | sed 's/^  export //')
: >"$work/empty.toml"
tmux new-session -d -s "$session" -x 200 -y 50 \
    "env $exports EXTAPPS_CONFIG=$work/empty.toml EXTAPPS_CACHE_DIR=$work/cache \
     HOME=$work $EXTAPPS --log-file $work/tui.log"
pid=$(tmux list-panes -t "$session" -F '#{pane_pid}')

kb() { awk -v k="$1:" '$1 == k { print $2 }' "/proc/$pid/status"; }
# Waits until the resident size has not moved for two seconds (a load and the release of
# freed memory that follows it).
settle() {
    local last=0 now same=0
    for _ in $(seq 120); do
        sleep 1
        now=$(kb VmRSS)
        if [ $((now > last ? now - last : last - now)) -lt 512 ]; then
            same=$((same + 1))
            [ "$same" -ge 2 ] && return
        else
            same=0
        fi
        last=$now
    done
}

sleep "$SETTLE"
settle
echo "first load: peak $(($(kb VmHWM) / 1024)) MB, steady $(($(kb VmRSS) / 1024)) MB"
for i in $(seq "$REFRESHES"); do
    steady=$(kb VmRSS)
    echo 5 >"/proc/$pid/clear_refs"
    tmux send-keys -t "$session" r
    sleep "$SETTLE"
    settle
    peak=$(kb VmHWM)
    echo "refresh $i: steady before $((steady / 1024)) MB, peak $((peak / 1024)) MB" \
        "($(awk -v p="$peak" -v s="$steady" 'BEGIN { printf "%.2f", p / s }')x), after $(($(kb VmRSS) / 1024)) MB"
done
