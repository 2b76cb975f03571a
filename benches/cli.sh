#!/usr/bin/env bash
# Headless output against the wire: one hyperfine run, side by side, of fetching the app list
# with curl (the floor: the simulator producing the list and sending it), curl | jq, and
# extapps' table, JSON and CSV on the same list, then each one's ratio to the floor.
#
#   benches/cli.sh                      # target/release/extapps (cargo build --release first)
#   EXTAPPS=path/to/extapps benches/cli.sh
#   BASE=path/to/older/extapps benches/cli.sh   # the older binary's three commands too
#   APPS=5000 RUNS=15 WARMUP=3 benches/cli.sh
#   DELIVERY=buffered benches/cli.sh    # the simulator serialises the whole list before sending
#
# Targets (issue 18): JSON <= 2.5x the floor, table <= 1.8x, CSV <= 2x.
#
# By default the simulator writes the list as it serialises it, as ASP.NET Core's JSON writer
# does, so extapps can parse while the server still writes; DELIVERY=buffered shows what is
# left when the body arrives all at once (see BENCHMARKS.md). It serves the whole list
# (--list-shape full), so `secrets list` needs no per-app reads. Its rate limit (300 GETs per
# 5 minutes) bounds the runs: every command of every run is one GET, so keep (commands x
# (runs + warm-up)) under 300; each run of this script starts a fresh simulator with a fresh
# budget.
set -euo pipefail

cd "$(dirname "$0")/.."
EXTAPPS=${EXTAPPS:-target/release/extapps}
BASE=${BASE:-}
APPS=${APPS:-5000}
RUNS=${RUNS:-15}
WARMUP=${WARMUP:-3}

for tool in hyperfine curl jq; do
    command -v "$tool" >/dev/null || { echo "cli.sh: needs $tool (apt-get install -y $tool)" >&2; exit 2; }
done
[ -x "$EXTAPPS" ] || { echo "cli.sh: no $EXTAPPS (cargo build --release)" >&2; exit 2; }

work=$(mktemp -d)
sim_pid=
cleanup() {
    [ -n "$sim_pid" ] && kill "$sim_pid" 2>/dev/null && wait "$sim_pid" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT

. benches/sim.sh
start_sim
# The simulator prints the settings that point extapps at it, and the organization's GUID.
eval "$(grep '^  export ' "$work/sim.out")"
export UIPATH_URI UIPATH_ORGANIZATION UIPATH_CLIENT_ID UIPATH_CLIENT_SECRET
# extapps keeps tokens and details between runs; these runs keep theirs to themselves.
export XDG_CACHE_HOME="$work/cache" XDG_DATA_HOME="$work/data" XDG_CONFIG_HOME="$work/config"
: >"$work/empty.toml"
export EXTAPPS_CONFIG="$work/empty.toml"
prt=$(sed -n 's/^  partition id: *//p' "$work/sim.out")
token=$(curl -sf -d grant_type=client_credentials -d "client_id=$UIPATH_CLIENT_ID" \
    -d "client_secret=$UIPATH_CLIENT_SECRET" "$UIPATH_URI/identity_/connect/token" |
    jq -r .access_token)
url="$UIPATH_URI/$UIPATH_ORGANIZATION/identity_/api/ExternalClient/$prt"
printf '%s\n' "Authorization: Bearer $token" >"$work/auth"
bytes=$(curl -sf -H "@$work/auth" "$url" | wc -c)
echo "list: $APPS generated apps (and the demo ones), $((bytes / 1000)) kB, ${DELIVERY:-streamed}; $EXTAPPS" >&2

commands=(
    -n curl "curl -sf -o /dev/null -H @$work/auth $url"
    -n 'curl | jq' "curl -sf -H @$work/auth $url | jq -c . >/dev/null"
    -n table "$EXTAPPS --log-file $work/run.log apps list >/dev/null"
    -n json "$EXTAPPS --log-file $work/run.log apps list --json >/dev/null"
    -n csv "$EXTAPPS --log-file $work/run.log secrets list --format csv >/dev/null"
)
if [ -n "$BASE" ]; then
    commands+=(
        -n 'base table' "$BASE --log-file $work/run.log apps list >/dev/null"
        -n 'base json' "$BASE --log-file $work/run.log apps list --json >/dev/null"
        -n 'base csv' "$BASE --log-file $work/run.log secrets list --format csv >/dev/null"
    )
fi
# `secrets list` exits 3 or 4 when secrets expire or have expired, which the generated
# organization has: -i keeps those runs.
hyperfine -i --warmup "$WARMUP" --runs "$RUNS" --export-json "$work/runs.json" \
    --export-markdown "$work/runs.md" "${commands[@]}" >&2

echo
echo "| command | mean | σ | × curl | target |"
echo "|---|---|---|---|---|"
jq -r '
    (.results[] | select(.command == "curl") | .mean) as $floor
    | .results[]
    | [(.command | gsub("\\|"; "\\|")), (.mean * 1000 | round | tostring) + " ms", (.stddev * 1000 | round | tostring) + " ms",
       ((.mean / $floor * 100 | round) / 100 | tostring),
       ({"json": "≤ 2.5", "table": "≤ 1.8", "csv": "≤ 2"}[.command] // "")]
    | "| " + join(" | ") + " |"' "$work/runs.json"
