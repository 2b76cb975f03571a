# Sourced by the benchmark scripts (after `cd` to the repository): `start_sim` starts
# `$EXTAPPS sim` on a free port with $APPS apps, serving the whole list (written as it is
# serialised, or whole first with DELIVERY=buffered), its output in
# $work/sim.out, and waits until it has printed the settings that point extapps at it.
# Sets sim_pid, for the caller's cleanup to stop it. SIM=path runs the simulator from another
# binary than $EXTAPPS (to measure an older extapps against today's simulator).
start_sim() {
    "${SIM:-$EXTAPPS}" --log-file "$work/sim.log" sim --port 0 --apps "$APPS" --list-shape full \
        --list-delivery "${DELIVERY:-streamed}" >"$work/sim.out" &
    sim_pid=$!
    for _ in $(seq 600); do
        grep -q '^  export ' "$work/sim.out" 2>/dev/null && return 0
        kill -0 "$sim_pid" 2>/dev/null || { cat "$work/sim.out" >&2; exit 1; }
        sleep 0.1
    done
}
