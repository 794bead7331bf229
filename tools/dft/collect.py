"""Collect finished DFT results from tools/dft/cache/ into ASE extended-XYZ assets with provenance.

    /usr/bin/python3 tools/dft/collect.py

Writes (only structures that finished; run it any time):
  assets/c2-dimer-curve.xyz   isolated atom + one frame per r of the C2 curve (lowest of total moments 0/2/4)
  assets/c2-dimers.xyz        isolated atom + the dimer training set
  assets/carbon-narrow.xyz    isolated atom + diamond / graphite / graphene near equilibrium
  assets/carbon-diverse.xyz   isolated atom + the narrow set + the diverse additions
and assets/<name>.provenance.json next to each. The isolated C atom (config_type isolated_atom) is the
first frame of every file, so E0 is always available.
"""
import glob
import hashlib
import json
import os
import platform
import subprocess
import sys
import time
from collections import Counter

import numpy as np
import ase
from ase import Atoms
from ase.calculators.singlepoint import SinglePointCalculator
from ase.io import write

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
ASSETS = os.path.join(ROOT, "assets")
sys.path.insert(0, HERE)
import settings as S  # noqa: E402
import structures as ST  # noqa: E402
from states import at_width, missing_states, moment_of  # noqa: E402

SCRIPTS = ["settings.py", "states.py", "structures.py", "amorphous.py", "run_one.py", "driver.py", "convergence.py",
           "collect.py", "run.sh"]
INFO_KEYS = ("r", "rattle_sigma", "strain_max", "strain_iso", "density", "temperature", "surface", "chirality",
             "axial_strain", "bond", "shape")


def load_cache(planned, left_out=None):
    """Finished results by id; a result computed with other settings, or still missing one of its candidate
    spin states (structures.Structure.state_keys), is left out until the driver has completed it. Structures
    that are finished but not shipped go into `left_out` (id -> reason); so do those the driver gave up on."""
    out = {}
    left_out = {} if left_out is None else left_out
    for p in sorted(glob.glob(os.path.join(HERE, "cache", "*.error.json"))):
        with open(p) as f:
            err = json.load(f)
        left_out[err["id"]] = "the DFT run failed: " + err["error"].splitlines()[0][:200]
    for p in sorted(glob.glob(os.path.join(HERE, "cache", "*.json"))):
        if p.endswith(".error.json"):
            continue
        with open(p) as f:
            r = json.load(f)
        if r["settings"] != S.SETTINGS:
            print(f"collect: skipping {r['id']}: computed with other DFT settings than settings.py")
            continue
        s = planned.get(r["id"])
        missing = missing_states(r, s.state_keys() if s else [])
        if missing:
            print(f"collect: skipping {r['id']}: spin states {', '.join(missing)} not computed yet")
            continue
        high_spin = s.integer_magmoms if s else ()  # the dissociation limit's moments, computed from r >= 2 A
        if high_spin and not any(moment_of(k) in high_spin for k in r.get("spin_states", {})):
            # a stretched dimer whose high-spin states all failed would be kept in a wrong state (e.g. spin-paired,
            # eV too high): left out rather than shipped
            reason = f"no state of moment(s) {', '.join(map(str, high_spin))} converged"
            print(f"collect: leaving out {r['id']}: {reason}")
            left_out[r["id"]] = reason
            continue
        out[r["id"]] = r
    for i in out:  # a failure recorded before a later run succeeded is no longer a reason
        left_out.pop(i, None)
    return out


def to_atoms(r, e0, e0_spin_paired=None):
    a = Atoms(r["symbols"], positions=r["positions"], cell=r["cell"], pbc=r["pbc"])
    kw = {"energy": r["energy"], "forces": np.array(r["forces"])}
    if "stress" in r and all(r["pbc"]):
        s = np.array(r["stress"])
        kw["stress"] = np.array([s[0, 0], s[1, 1], s[2, 2], s[1, 2], s[0, 2], s[0, 1]])
    a.calc = SinglePointCalculator(a, **kw)
    a.info["config_type"] = r["config_type"]
    a.info["structure_id"] = r["id"]
    for k in INFO_KEYS:
        if k in r.get("info", {}):
            a.info[k] = r["info"][k]
    if "magmom_fixed" in r:
        a.info["magmom"] = r["magmom_fixed"]
    if "spin_states" in r:  # results from before state keys were recorded kept the moment only
        a.info["dft_state"] = r.get("state", str(r["magmom_fixed"]))
    for m, st in r.get("spin_states", {}).items():
        a.info[f"energy_m{m}"] = st["energy"]
    fallback = sorted(m for m, st in r.get("spin_states", {}).items()
                      if at_width(st, S.SMEARING_MOLECULE_FALLBACK_EV))
    if fallback:  # states converged only at the fallback width (kept only when their moment has no other state)
        a.info["fallback_width_states"] = ";".join(f"m{k}" for k in fallback)
    if r.get("spin_state_errors"):  # candidate states that did not converge (see the cache for the message)
        a.info["failed_states"] = ";".join(f"m{k}" for k in sorted(r["spin_state_errors"]))
    if r["kind"] == "molecule" and len(a) == 2:
        a.info["r"] = round(float(np.linalg.norm(a.positions[1] - a.positions[0])), 6)
        a.info["binding_energy"] = r["energy"] - 2 * e0
        m0 = r.get("spin_states", {}).get("0")
        if e0_spin_paired is not None and m0 is not None:  # settings.SPIN_PAIRED_REFERENCE
            a.info["binding_energy_spin_paired"] = m0["energy"] - 2 * e0_spin_paired
    return a


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def lammps_version():
    try:
        p = subprocess.run(["lmp", "-h"], capture_output=True, text=True, timeout=30)
        for line in p.stdout.splitlines():
            if "LAMMPS" in line and "20" in line:
                return line.strip()
    except (OSError, subprocess.TimeoutExpired):
        pass
    return "unknown"


def main():
    groups = ST.all_structures()
    left_out = {}
    cache = load_cache({s.id: s for v in groups.values() for s in v}, left_out)
    if "isolated_atom" not in cache:
        sys.exit("collect: no result for the isolated atom yet (tools/dft/cache/isolated_atom.json)")
    atom = cache["isolated_atom"]
    e0 = atom["energy"]
    # the spin-unpolarised convention's atom (settings.SPIN_PAIRED_REFERENCE), once computed
    e0_sp = cache["isolated_atom_spin_paired"]["energy"] if "isolated_atom_spin_paired" in cache else None
    planned = {k: [s.id for s in v] for k, v in groups.items()}
    conv_path = os.path.join(HERE, "convergence.json")
    convergence = json.load(open(conv_path)) if os.path.exists(conv_path) else None
    versions = atom["versions"]
    scripts = {name: sha256(os.path.join(HERE, name)) for name in SCRIPTS if os.path.exists(os.path.join(HERE, name))}
    if os.path.exists(os.path.join(HERE, "amorphous_snapshots.xyz")):
        scripts["amorphous_snapshots.xyz"] = sha256(os.path.join(HERE, "amorphous_snapshots.xyz"))

    def frames_for(ids, sort_by_r=False):
        recs = [cache[i] for i in ids if i in cache]
        frames = [to_atoms(r, e0, e0_sp) for r in recs]
        if sort_by_r:
            order = np.argsort([f.info["r"] for f in frames])
            frames, recs = [frames[i] for i in order], [recs[i] for i in order]
        return [to_atoms(atom, e0)] + frames, [atom] + recs

    files = {
        "c2-dimer-curve": (frames_for(planned["dimer_curve"], sort_by_r=True), ["atom", "dimer_curve"],
                           "C2 dimer curve: E(C2, r) at fixed total magnetic moments 0, 2 and 4 muB (for r >= 2 A moment 4 "
                           "also with integer occupations and from a symmetry-broken start, for 2.4-4.5 A also by the "
                           "maximum overlap method), lowest kept (info: r, binding_energy = E - 2 E0, "
                           "magmom, dft_state, energy_m<state>, fallback_width_states; binding_energy_spin_paired = "
                           "E_m0 - 2 E0_spin_paired, the spin-unpolarised convention), after the isolated atom"),
        "c2-dimers": (frames_for(planned["dimer"]), ["atom", "dimer"],
                      "C2 dimer training set (distances 0.95-5.5 A, lowest of the same candidate states as the curve), "
                      "after the isolated atom"),
        "carbon-narrow": (frames_for(planned["narrow"]), ["atom", "narrow"],
                          "narrow carbon pool: diamond, graphite and graphene near equilibrium (rattled "
                          "0.03-0.1 A, strained up to 3 %), after the isolated atom; no dimers"),
        "carbon-diverse": (frames_for(planned["narrow"] + planned["diverse"]), ["atom", "narrow", "diverse"],
                           "diverse carbon pool: the narrow pool plus strongly strained cells, hot rattles, "
                           "amorphous and liquid melt-quench snapshots, surfaces, nanotubes, fullerene fragments, "
                           "chains and C3-C10 clusters, after the isolated atom; no dimers"),
    }
    os.makedirs(ASSETS, exist_ok=True)
    now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    for name, ((frames, recs), datasets, description) in files.items():
        path = os.path.join(ASSETS, f"{name}.xyz")
        tmp = path + ".tmp"
        write(tmp, frames, format="extxyz")
        os.replace(tmp, path)
        n_planned = sum(len(planned[d]) for d in datasets)
        out_here = {i: left_out[i] for d in datasets for i in planned[d] if i in left_out}
        pending = n_planned - len(frames) - len(out_here)
        prov = {
            "file": f"assets/{name}.xyz",
            "description": description,
            "format": "ASE extended XYZ (ase.io.write format=extxyz); energy in eV, forces in eV/A, stress in "
                      "eV/A^3 (ASE sign convention, periodic cells only), positions in A",
            "n_frames": len(frames),
            "n_planned": n_planned,
            "complete": pending == 0,
            "n_pending": pending,
            "left_out": out_here,
            "completeness_note": "complete: every planned structure is either in the file or left out (left_out: "
                                 "id -> why: the DFT run failed on it, or no state of the right spin converged)",
            "config_types": dict(Counter(f.info["config_type"] for f in frames)),
            "E0_eV": e0,
            "E0_note": "energy of the isolated C atom (first frame, config_type isolated_atom) with the same "
                       "cutoff and setups; binding energies are E - N E0",
            "code": {"dft": "GPAW", "gpaw": versions["gpaw"], "ase": versions["ase"], "numpy": versions["numpy"],
                     "mpi_ranks": versions["mpi_ranks"], "python": platform.python_version(),
                     "ase_writer": ase.__version__,
                     "structure_generation": "tools/dft/structures.py (fixed seeds); amorphous/liquid snapshots "
                                             "by melt-quench MD with LAMMPS Tersoff 1989 carbon (SiC.tersoff), "
                                             "tools/dft/amorphous.py",
                     "lammps": lammps_version()},
            "settings": S.SETTINGS,
            "state_search": S.STATE_SEARCH,
            **({"E0_spin_paired_eV": e0_sp, "spin_paired_reference": S.SPIN_PAIRED_REFERENCE}
               if e0_sp is not None and name.startswith("c2-") else {}),
            "convergence_check": convergence,
            "date": now,
            "first_result_utc": min(r["finished_utc"] for r in recs),
            "last_result_utc": max(r["finished_utc"] for r in recs),
            "wall_time_s": float(sum(r["wall_time_total_s"] for r in recs)),
            "scripts_sha256": scripts,
            "scripts_note": "sha256 of the scripts in tools/dft/ at collect time",
        }
        with open(os.path.join(ASSETS, f"{name}.provenance.json"), "w") as f:
            json.dump(prov, f, indent=1)
        print(f"{path}: {len(frames)} frames of {n_planned} planned "
              f"({os.path.getsize(path) / 1024:.0f} KiB)")


if __name__ == "__main__":
    main()
