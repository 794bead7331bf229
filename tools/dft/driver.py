"""Resumable driver: computes, in priority order, every structure that has no cached result.

    /usr/bin/python3 tools/dft/driver.py [--retry-failed] [--max N] [--np 2] [--cheapest-first] [--first ID,ID]

Each structure runs as its own MPI job (`mpirun -np 2 gpaw python run_one.py`), so a crash or time-out
loses only that structure. Results go to tools/dft/cache/<id>.json (written atomically by run_one.py);
a failure writes tools/dft/cache/<id>.error.json and the run continues (failed ones are retried only
with --retry-failed). The structure list is regenerated before every job, so structures added later
(e.g. amorphous snapshots) are picked up without a restart. Progress and an ETA go to
tools/dft/progress.log and stdout. While tools/dft/PAUSE exists no new job starts.
With --cheapest-first the structures left are taken in order of their estimated cost (`estimate`, ties in
priority order): the most structures per hour, for a run that has to reach a count in limited time.
--first takes the named structures (ids, comma-separated) before all others, in the order given.
"""
import argparse
import glob
import importlib
import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import settings  # noqa: E402
import states  # noqa: E402
import structures  # noqa: E402

CACHE = os.path.join(HERE, "cache")
WORK = os.path.join(HERE, "work")
PROGRESS = os.path.join(HERE, "progress.log")
PAUSE = os.path.join(HERE, "PAUSE")  # while this file exists, no new job starts (e.g. to free the cores)


def log(msg):
    line = f"{time.strftime('%Y-%m-%d %H:%M:%S', time.gmtime())}Z {msg}"
    print(line, flush=True)
    with open(PROGRESS, "a") as f:
        f.write(line + "\n")


def cached_times():
    """Wall time of finished results, keyed by id: (config type, kind, atom count, seconds)."""
    out = {}
    for p in glob.glob(os.path.join(CACHE, "*.json")):
        if p.endswith(".error.json"):
            continue
        try:
            with open(p) as f:
                r = json.load(f)
        except (OSError, json.JSONDecodeError):
            continue
        out[r["id"]] = (r["config_type"], r["kind"], len(r["positions"]), r.get("wall_time_total_s", 0.0))
    return out


def estimate(structs, times):
    """Seconds for the given structures: the finished ones of the same config type scaled by the square of the
    atom count (the cost per k-point grows faster, the k-points fall with the cell), else mean time per atom of
    the same kind (periodic / molecule), else 4 s per atom."""
    by_type, per_atom = {}, {}
    for ct, kind, n, t in times.values():
        by_type.setdefault(ct, []).append((t, n))
        if n > 2:
            per_atom.setdefault(kind, []).append(t / n)
    total = 0.0
    for s in structs:
        if s.config_type in by_type:
            done = by_type[s.config_type]
            total += sum(t * (len(s.atoms) / n) ** 2 for t, n in done) / len(done)
        elif s.kind in per_atom:
            total += sum(per_atom[s.kind]) / len(per_atom[s.kind]) * len(s.atoms)
        else:
            total += 4.0 * len(s.atoms) * (len(s.magmoms) if s.magmoms else 1)
    return total


def queue(todo, times, cheapest_first=False, first=()):
    """The structures left, in the order they are computed: priority order (as given), or by estimated cost
    with `cheapest_first` (ties keep priority order); the ids in `first` before all others, in their order."""
    out = list(todo)
    if cheapest_first:
        out.sort(key=lambda t: estimate([t], times))  # stable
    first = list(first)
    out.sort(key=lambda t: first.index(t.id) if t.id in first else len(first))  # stable
    return out


def ordered_structures():
    """Current structure list; settings.py, states.py and structures.py are reloaded so edits apply without a restart
    (a result computed with other settings than the current ones is recomputed)."""
    try:
        importlib.reload(settings)
        importlib.reload(states)
        importlib.reload(structures)
    except Exception as e:  # a broken edit must not stop the run: keep the last good module
        log(f"WARNING: reloading structures.py failed ({type(e).__name__}: {e}); using the previous version")
    done = {f[:-len(".json")] for f in os.listdir(CACHE) if f.endswith(".json") and not f.endswith(".error.json")}
    return structures.ordered_structures(done)


def status(s):
    """done / failed / todo; a cached result computed with other DFT settings counts as todo."""
    path = os.path.join(CACHE, f"{s.id}.json")
    if os.path.exists(path):
        try:
            with open(path) as f:
                r = json.load(f)
            if r["settings"] == settings.SETTINGS:
                # every candidate state computed (or failed); a missing one is computed and merged in
                if not states.missing_states(r, s.state_keys()):
                    return "done"
        except (OSError, ValueError, KeyError):
            pass
        return "todo"
    if os.path.exists(os.path.join(CACHE, f"{s.id}.error.json")):
        return "failed"
    return "todo"


def timeout_for(s):
    # one unit per candidate state, two for a symmetry-broken start (an SCF with the charges, then one without),
    # three for a MOM state (smeared, half and integer occupations)
    extra = len(s.broken_symmetry_magmoms) + 2 * len(s.mom_magmoms)
    return 900 + 120 * len(s.atoms) * (len(s.state_keys()) + extra or 1)


def run(s, nproc):
    os.makedirs(WORK, exist_ok=True)
    inp = os.path.join(WORK, f"{s.id}.in.json")
    out = os.path.join(CACHE, f"{s.id}.json")
    with open(inp, "w") as f:
        json.dump(s.to_spec(), f)
    cmd = ["mpirun", "--allow-run-as-root", "-np", str(nproc), "gpaw", "python",
           os.path.join(HERE, "run_one.py"), inp, out]
    t0 = time.time()
    err = None
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout_for(s))
        if p.returncode != 0 or not os.path.exists(out):
            err = f"exit code {p.returncode}\n--- stdout tail\n{p.stdout[-3000:]}\n--- stderr tail\n{p.stderr[-3000:]}"
    except subprocess.TimeoutExpired:
        err = f"timed out after {timeout_for(s)} s"
    dt = time.time() - t0
    if err is not None:
        fail(s, err, dt)
    else:
        os.remove(inp)
        stale = os.path.join(CACHE, f"{s.id}.error.json")  # a failure of an earlier run, now superseded
        if os.path.exists(stale):
            os.remove(stale)
    return err, dt


def fail(s, err, dt):
    """Record a failed structure (tools/dft/cache/<id>.error.json; --retry-failed runs it again)."""
    rec = {"id": s.id, "config_type": s.config_type, "error": err, "wall_time_s": dt,
           "failed_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
    tmp = os.path.join(CACHE, f"{s.id}.error.json.tmp")
    with open(tmp, "w") as f:
        json.dump(rec, f, indent=1)
    os.replace(tmp, os.path.join(CACHE, f"{s.id}.error.json"))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--retry-failed", action="store_true")
    ap.add_argument("--max", type=int, default=0, help="stop after this many jobs (0: all)")
    ap.add_argument("--np", type=int, default=2)
    ap.add_argument("--cheapest-first", action="store_true",
                    help="take the structures left in order of estimated cost instead of priority order")
    ap.add_argument("--first", default="", help="ids (comma-separated) to compute before all others, in this order")
    args = ap.parse_args()
    os.makedirs(CACHE, exist_ok=True)
    if args.retry_failed:
        for p in glob.glob(os.path.join(CACHE, "*.error.json")):
            os.remove(p)
    known = {s.id for s in ordered_structures()}
    for i in [i for i in args.first.split(",") if i and i not in known]:
        log(f"WARNING: --first names an unknown structure id: {i}")
    t_start = time.time()
    jobs = 0
    attempts = {}  # per id in this process: a result that turned stale mid-job is redone, at most twice
    while True:
        if os.path.exists(PAUSE):
            log(f"paused: {PAUSE} exists")
            while os.path.exists(PAUSE):
                time.sleep(5)
            log("resumed")
        try:
            order = ordered_structures()
            todo = [s for s in order if status(s) == "todo" and attempts.get(s.id, 0) < 2]
        except Exception as e:  # a broken edit of the reloaded modules must not end the run: wait for a fix
            log(f"WARNING: cannot list the structures ({type(e).__name__}: {e}); retrying in 60 s")
            time.sleep(60)
            continue
        if not todo or (args.max and jobs >= args.max):
            break
        times = cached_times()
        todo = queue(todo, times, args.cheapest_first, [i for i in args.first.split(",") if i])
        s = todo[0]
        attempts[s.id] = attempts.get(s.id, 0) + 1
        eta = estimate(todo, times)
        log(f"start {s.id} ({s.config_type}, {len(s.atoms)} atoms) | done {len(times)}/{len(order)}, "
            f"todo {len(todo)}, ETA {eta / 3600:.2f} h")
        try:
            err, dt = run(s, args.np)
        except Exception as e:  # a structure that cannot even be started is recorded as failed; the run goes on
            err, dt = f"{type(e).__name__}: {e}", 0.0
            fail(s, err, dt)
        jobs += 1
        if err:
            log(f"FAILED {s.id} after {dt:.0f} s: {err.splitlines()[0]}")
        else:
            log(f"done {s.id} in {dt:.0f} s")
    order = ordered_structures()
    n_done = sum(status(s) == "done" for s in order)
    n_fail = sum(status(s) == "failed" for s in order)
    log(f"finished: {n_done}/{len(order)} done, {n_fail} failed, {jobs} jobs in {(time.time() - t_start) / 3600:.2f} h")


if __name__ == "__main__":
    main()
