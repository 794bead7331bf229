"""Progress of the DFT run: done / failed / todo per dataset and config type, mean wall time, ETA.

    /usr/bin/python3 tools/dft/status.py
"""
import contextlib
import io
import os
import signal
import sys
from collections import defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import collect  # noqa: E402
import driver  # noqa: E402

signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # `status.py | head` ends quietly


def main():
    order = driver.ordered_structures()
    times = driver.cached_times()
    rows = defaultdict(lambda: {"done": 0, "failed": 0, "todo": 0, "t": [], "n": []})
    todo = []
    for s in order:
        st = driver.status(s)
        r = rows[(s.dataset, s.config_type)]
        r[st] += 1
        if st == "done" and s.id in times:
            r["t"].append(times[s.id][3])
            r["n"].append(len(s.atoms))
        if st == "todo":
            todo.append(s)
    print(f"{'dataset':12s} {'config_type':20s} {'done':>5s} {'fail':>5s} {'todo':>5s} {'mean s':>8s} {'atoms':>6s}")
    for (ds, ct), r in sorted(rows.items()):
        mt = f"{sum(r['t']) / len(r['t']):8.0f}" if r["t"] else "       -"
        na = f"{sum(r['n']) / len(r['n']):6.1f}" if r["n"] else "     -"
        print(f"{ds:12s} {ct:20s} {r['done']:5d} {r['failed']:5d} {r['todo']:5d} {mt} {na}")
    n_done = sum(r["done"] for r in rows.values())
    print(f"total {n_done}/{len(order)} done; ETA for the rest {driver.estimate(todo, times) / 3600:.1f} h "
          "(2 cores; finished ones of the config type scaled by atoms squared, else per atom of the same kind)")
    # issue 6 asks for at least 300 structures in all (the reference atoms not counted) of every planned kind;
    # counted as collect.py ships them (a finished stretched dimer with no converged high-spin state is left out)
    with contextlib.redirect_stdout(io.StringIO()):
        shipped = collect.load_cache({s.id: s for s in order})
    by_set = defaultdict(int)
    for s in order:
        if s.id in shipped and not s.dataset.startswith("atom"):
            by_set[s.dataset] += 1
    missing = sorted(ct for (ds, ct), r in rows.items() if r["done"] == 0)
    print(f"structures shipped by collect.py (atoms not counted): {sum(by_set.values())}, target 300"
          + (f"; kinds with none finished yet: {', '.join(missing)}" if missing else "; every kind has finished ones"))
    print(f"  of which: narrow + diverse datasets {by_set['narrow'] + by_set['diverse']} (narrow {by_set['narrow']}), "
          f"training dimers {by_set['dimer']}, curve points {by_set['dimer_curve']}")
    big = [s for s in todo if len(s.atoms) >= 24]
    if big:
        print(f"to do with 24 atoms or more: {len(big)}, ETA {driver.estimate(big, times) / 3600:.1f} h")


if __name__ == "__main__":
    main()
