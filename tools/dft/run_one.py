"""Compute one structure with GPAW. Run under MPI by driver.py:

    mpirun --allow-run-as-root -np 2 gpaw python tools/dft/run_one.py IN.json OUT.json

IN.json holds one structure spec written by driver.py (see structures.Structure.to_spec). OUT.json
(written atomically by rank 0) holds the result record: energies, forces, stress, magnetic moments,
settings and timing.
"""
import json
import os
import sys
import time

import numpy as np
from ase import Atoms
from ase.calculators.calculator import kptdensity2monkhorstpack
from ase.parallel import world
import ase
import gpaw
from gpaw import GPAW, PW, FermiDirac, KohnShamConvergenceError

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import settings as S  # noqa: E402


def build_atoms(spec):
    atoms = Atoms(spec["symbols"], positions=spec["positions"], cell=spec["cell"], pbc=spec["pbc"])
    return atoms


def make_calc(spec, atoms, magmom, txt, width=None):
    """GPAW calculator for one structure; width overrides the molecular Fermi-Dirac width."""
    kind = spec["kind"]
    common = dict(mode=PW(S.PW_CUTOFF_EV), xc=S.XC, setups=S.SETUPS, txt=txt)
    if kind in ("atom", "molecule"):
        common.update(convergence=S.CONVERGENCE_MOLECULE, maxiter=S.MAXITER_MOLECULE)
    else:
        common.update(convergence=S.CONVERGENCE, maxiter=S.MAXITER)
    if kind == "atom":
        return GPAW(**common, kpts=(1, 1, 1), spinpol=True, hund=True,
                    occupations=FermiDirac(S.SMEARING_ATOM_EV, fixmagmom=True))
    if kind == "molecule":
        w = S.SMEARING_MOLECULE_EV if width is None else width
        if magmom == 0:
            # Total moment 0 from a non-magnetic start stays spin-symmetric: run it spin-paired (half the cost).
            return GPAW(**common, kpts=(1, 1, 1), spinpol=False, occupations=FermiDirac(w))
        n = len(atoms)
        atoms.set_initial_magnetic_moments([magmom / n] * n)
        return GPAW(**common, kpts=(1, 1, 1), spinpol=True, occupations=FermiDirac(w, fixmagmom=True))
    if kind == "periodic":
        mp = kptdensity2monkhorstpack(atoms, kptdensity=S.KPT_DENSITY, even=False)
        return GPAW(**common, kpts={"size": [int(x) for x in mp], "gamma": True}, spinpol=False,
                    occupations=FermiDirac(S.SMEARING_BULK_EV))
    raise ValueError(f"unknown kind {kind!r} for structure {spec['id']}")


def compute(spec, magmom, logdir):
    """Single point; a molecular state that does not converge is retried once with the fallback width."""
    widths = [None]
    if spec["kind"] == "molecule":
        widths = [S.SMEARING_MOLECULE_EV, S.SMEARING_MOLECULE_FALLBACK_EV]
    for attempt, width in enumerate(widths):
        try:
            return compute_once(spec, magmom, logdir, width, attempt)
        except KohnShamConvergenceError:
            if attempt == len(widths) - 1:
                raise


def compute_once(spec, magmom, logdir, width, attempt):
    atoms = build_atoms(spec)
    tag = f"_m{magmom}" if magmom is not None else ""
    tag += f"_retry{attempt}" if attempt else ""
    txt = os.path.join(logdir, f"{spec['id']}{tag}.txt")
    calc = make_calc(spec, atoms, magmom if magmom is not None else 0, txt, width)  # k-points from the true pbc
    # The plane-wave basis uses a periodic cell; molecules and slabs are isolated by vacuum.
    atoms.pbc = True
    atoms.calc = calc
    t0 = time.time()
    e_free = atoms.get_potential_energy(force_consistent=True)
    e_extrap = atoms.get_potential_energy()
    forces = atoms.get_forces()
    rec = {
        "energy": float(e_free),
        "energy_extrapolated": float(e_extrap),
        "forces": forces.tolist(),
        "magmom_total": float(calc.get_magnetic_moment()) if calc.get_number_of_spins() == 2 else 0.0,
        "kpts": [int(x) for x in np.asarray(calc.wfs.kd.N_c)],
        "iterations": int(calc.get_number_of_iterations() or 0),
        "smearing_eV": {"atom": S.SMEARING_ATOM_EV, "periodic": S.SMEARING_BULK_EV}.get(
            spec["kind"], S.SMEARING_MOLECULE_EV if width is None else width),
    }
    if all(spec["pbc"]):
        rec["stress"] = atoms.get_stress(voigt=False).tolist()
    rec["wall_time_s"] = time.time() - t0
    return rec


def main():
    inp, out = sys.argv[1], sys.argv[2]
    with open(inp) as f:
        spec = json.load(f)
    logdir = os.path.join(os.path.dirname(os.path.abspath(__file__)), "logs")
    if world.rank == 0:
        os.makedirs(logdir, exist_ok=True)
    world.barrier()
    t0 = time.time()
    magmoms = spec.get("magmoms")  # list of fixed total moments to try, or None
    result = {"id": spec["id"], "config_type": spec["config_type"], "kind": spec["kind"],
              "symbols": spec["symbols"], "positions": spec["positions"], "cell": spec["cell"],
              "pbc": spec["pbc"], "info": spec.get("info", {})}
    if magmoms:
        states = {}
        errors = {}
        for m in magmoms:
            try:
                states[str(m)] = compute(spec, m, logdir)
            except Exception as e:  # one spin state failing must not lose the others
                errors[str(m)] = f"{type(e).__name__}: {e}"
        if not states:
            raise RuntimeError(f"all spin states failed: {errors}")
        best = min(states, key=lambda k: states[k]["energy"])
        result.update(states[best])
        result["magmom_fixed"] = int(best)
        result["spin_states"] = {k: {"energy": v["energy"], "energy_extrapolated": v["energy_extrapolated"],
                                     "iterations": v["iterations"], "wall_time_s": v["wall_time_s"],
                                     "smearing_eV": v["smearing_eV"]}
                                 for k, v in states.items()}
        if errors:
            result["spin_state_errors"] = errors
    else:
        result.update(compute(spec, None, logdir))
        if spec["kind"] == "atom":
            result["magmom_fixed"] = 2
    result["wall_time_total_s"] = time.time() - t0
    result["settings"] = S.SETTINGS
    result["versions"] = {"gpaw": gpaw.__version__, "ase": ase.__version__, "numpy": np.__version__,
                          "mpi_ranks": world.size}
    result["finished_utc"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    if world.rank == 0:
        tmp = out + ".tmp"
        with open(tmp, "w") as f:
            json.dump(result, f)
        os.replace(tmp, out)
    world.barrier()


if __name__ == "__main__":
    main()
