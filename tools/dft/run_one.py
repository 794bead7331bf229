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
from gpaw import GPAW, PW, FermiDirac, KohnShamConvergenceError, Mixer, mom
from gpaw.external import NoExternalPotential, PointChargePotential

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import settings as S  # noqa: E402
from states import StateResults, candidate_states, mom_numbers  # noqa: E402


def build_atoms(spec):
    atoms = Atoms(spec["symbols"], positions=spec["positions"], cell=spec["cell"], pbc=spec["pbc"])
    return atoms


def broken_symmetry_charges(atoms):
    """Point charges that split the p orbitals of each atom of a dimer (settings.BROKEN_SYMMETRY_START)."""
    if len(atoms) != 2:
        raise ValueError("symmetry-broken starts are defined for dimers only")
    b = atoms.positions[1] - atoms.positions[0]
    b /= np.linalg.norm(b)
    t = np.array([1.0, 0.0, 0.0]) if abs(b[0]) < 0.9 else np.array([0.0, 1.0, 0.0])
    u = np.cross(b, t)
    u /= np.linalg.norm(u)
    d, q = S.BROKEN_SYMMETRY_START["distance_A"], S.BROKEN_SYMMETRY_START["point_charge_e"]
    pos = [p + sign * d * u for p in atoms.positions for sign in (1.0, -1.0)]
    return PointChargePotential([q] * len(pos), pos)


def make_calc(spec, atoms, magmom, txt, width=None, external=None, mixer=None):
    """GPAW calculator for one structure; width overrides the molecular Fermi-Dirac width."""
    kind = spec["kind"]
    common = dict(mode=PW(S.PW_CUTOFF_EV), xc=S.XC, setups=S.SETUPS, txt=txt)
    if external is not None:
        common["external"] = external
    if mixer is not None:
        common["mixer"] = mixer
    if kind in ("atom", "atom_spin_paired", "molecule"):
        common.update(convergence=S.CONVERGENCE_MOLECULE, maxiter=S.MAXITER_MOLECULE)
    else:
        common.update(convergence=S.CONVERGENCE, maxiter=S.MAXITER)
    if kind == "atom":
        return GPAW(**common, kpts=(1, 1, 1), spinpol=True, hund=True,
                    occupations=FermiDirac(S.SMEARING_ATOM_EV, fixmagmom=True))
    if kind == "atom_spin_paired":  # settings.SPIN_PAIRED_REFERENCE
        return GPAW(**common, kpts=(1, 1, 1), spinpol=False, occupations=FermiDirac(S.SMEARING_MOLECULE_EV))
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


def compute(spec, magmom, logdir, variant="symmetric"):
    """Single point of one candidate state (states.candidate_states). A molecular state from the symmetric
    start that does not converge is retried once with the fallback width; the integer-occupation and
    symmetry-broken and MOM variants are not retried (their failure is recorded; the other candidates stand)."""
    widths = [None]
    if spec["kind"] == "molecule":
        widths = {"symmetric": [S.SMEARING_MOLECULE_EV, S.SMEARING_MOLECULE_FALLBACK_EV],
                  "integer": [0.0], "broken": [S.SMEARING_MOLECULE_EV],
                  "mom": [S.MOM_START["smearing_eV"]]}[variant]
    for attempt, width in enumerate(widths):
        try:
            return compute_once(spec, magmom, logdir, width, attempt, variant)
        except KohnShamConvergenceError:
            if attempt == len(widths) - 1:
                raise


def compute_once(spec, magmom, logdir, width, attempt, variant="symmetric"):
    atoms = build_atoms(spec)
    broken = variant == "broken"
    tag = f"_m{magmom}" if magmom is not None else ""
    tag += "" if variant == "symmetric" else f"_{variant}"
    tag += f"_retry{attempt}" if attempt else ""
    txt = os.path.join(logdir, f"{spec['id']}{tag}.txt")
    external = broken_symmetry_charges(atoms) if broken else None
    mixer = Mixer(**S.MOM_START["mixer"]) if variant == "mom" else None
    calc = make_calc(spec, atoms, magmom if magmom is not None else 0, txt, width, external,
                     mixer)  # k-points from the true pbc
    # The plane-wave basis uses a periodic cell; molecules and slabs are isolated by vacuum.
    atoms.pbc = True
    atoms.calc = calc
    t0 = time.time()
    if broken:
        # SCF with the point charges (converged or not: it only has to split the orbitals), then remove them
        # and let the SCF continue from that state
        maxiter = calc.parameters.maxiter
        calc.set(maxiter=S.BROKEN_SYMMETRY_START["iterations_with_charges"])
        try:
            atoms.get_potential_energy()
        except KohnShamConvergenceError:
            pass
        calc.scf.maxiter = maxiter
        calc.hamiltonian.vext = NoExternalPotential()
        calc.scf.reset()
        calc.results = {}
    if variant == "mom":
        mom_to_integer_occupations(calc, atoms, magmom)
        width = 0.0
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
        "start": {"broken": "symmetry-broken", "mom": "maximum overlap method"}.get(variant, "symmetric"),
    }
    if all(spec["pbc"]):
        rec["stress"] = atoms.get_stress(voigt=False).tolist()
    rec["wall_time_s"] = time.time() - t0
    return rec


def mom_to_integer_occupations(calc, atoms, magmom):
    """settings.MOM_START steps 1-3: converge the smeared state (calc as made), hold its occupations rounded to
    halves by MOM, then split every shared electron onto the lower orbital of its pair; leaves calc converged."""
    atoms.get_potential_energy()
    nval = calc.wfs.nvalence
    counts = ((nval + magmom) / 2, (nval - magmom) / 2)
    steps = [mom_numbers(calc.get_occupation_numbers(spin=s), counts[s]) for s in range(2)]
    half, integer = [h for h, _ in steps], [i for _, i in steps]
    if half != integer:
        mom.prepare_mom_calculation(calc, atoms, half, use_projections=True)
        atoms.get_potential_energy()
    mom.prepare_mom_calculation(calc, atoms, integer, use_projections=True)


def previous_result(out, spec):
    """The cached result for this structure computed with the same settings, or None."""
    try:
        with open(out) as f:
            prev = json.load(f)
    except (OSError, ValueError):
        return None
    if prev.get("settings") != S.SETTINGS or prev.get("positions") != spec["positions"]:
        return None
    return prev if "spin_states" in prev else None


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
        # candidate states (states.py); a previous partial record for the same structure and settings keeps
        # its states, and only the missing ones are computed
        prev = previous_result(out, spec)
        states = StateResults(candidate_states(magmoms, spec.get("broken_symmetry_magmoms"),
                                               spec.get("integer_magmoms"), spec.get("mom_magmoms")), prev,
                              S.SMEARING_MOLECULE_FALLBACK_EV)
        for key, m, variant in states.todo():
            try:
                states.add(key, compute(spec, m, logdir, variant))
            except Exception as e:  # one spin state failing must not lose the others
                states.fail(key, f"{type(e).__name__}: {e}")
                continue
            # written after every state: an interrupted run keeps what it finished (the driver completes it)
            write_result(out, states.record(result, S.STATE_SEARCH), t0, prev)
        rec = states.record(result, S.STATE_SEARCH)
        if rec is None:
            raise RuntimeError(f"all spin states failed: {states.errors}")
        write_result(out, rec, t0, prev)
    else:
        result.update(compute(spec, None, logdir))
        if spec["kind"] == "atom":
            result["magmom_fixed"] = 2
        write_result(out, result, t0, None)


def write_result(out, result, t0, prev):
    result["wall_time_total_s"] = time.time() - t0 + (prev["wall_time_total_s"] if prev else 0.0)
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
