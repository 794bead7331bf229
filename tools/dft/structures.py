"""Deterministic generation of every structure of the acelens carbon DFT reference set.

Each structure has a stable id, a config_type, a kind ("atom", "molecule" or "periodic") that selects
the DFT treatment in run_one.py, a dataset ("atom", "dimer_curve", "dimer", "narrow", "diverse") and,
for molecules, the fixed total magnetic moments to try (lowest energy kept).

Every generator uses its own fixed-seed random generator, so changing one generator never changes the
ids or geometries of another. `ordered_structures()` returns them in priority order: the isolated atom,
a coarse pass of the C2 curve, then the datasets interleaved so every kind advances together.

Run `python3 tools/dft/structures.py` for a summary.
"""
import os
from dataclasses import dataclass, field

import numpy as np
from ase import Atoms
from ase.build import bulk, diamond100, diamond111, graphene, molecule, nanotube
from ase.io import read

from states import candidate_states
from settings import (ATOM_BOX, CLUSTER_VACUUM, DIMER_BOX, DIMER_BROKEN_SYMMETRY_FROM_R,
                      DIMER_BROKEN_SYMMETRY_MAGMOMS, DIMER_BROKEN_SYMMETRY_ONLY_FROM_R, DIMER_MAGMOMS,
                      DIMER_BROKEN_SYMMETRY_M2_RANGE_A, DIMER_MOM_MAGMOMS, DIMER_MOM_RANGE_A)

HERE = os.path.dirname(os.path.abspath(__file__))
MIN_DISTANCE = 1.0  # Å: any structure with a shorter C-C distance is rejected
A_DIAMOND = 3.57  # Å, PBE lattice constant of diamond
A_GRAPHITE, C_GRAPHITE = 2.465, 6.70  # Å (c: experimental; PBE does not bind the layers)
CLUSTER_MAGMOMS = (0, 2)


def plain(x):
    """x with numpy scalars and arrays turned into Python numbers and lists (JSON-serialisable)."""
    if isinstance(x, dict):
        return {k: plain(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [plain(v) for v in x]
    if isinstance(x, np.ndarray):
        return x.tolist()
    if isinstance(x, np.generic):
        return x.item()
    return x


@dataclass
class Structure:
    id: str
    config_type: str
    kind: str
    dataset: str
    atoms: Atoms
    magmoms: tuple = None
    info: dict = field(default_factory=dict)
    broken_symmetry_magmoms: tuple = ()  # fixed moments also tried from a symmetry-broken start
    integer_magmoms: tuple = ()  # fixed moments also tried with integer occupations
    mom_magmoms: tuple = ()  # fixed moments also reached by the maximum overlap method (settings.MOM_START)

    def state_keys(self):
        """Keys of every candidate state run_one.py computes (states.candidate_states)."""
        return [key for key, _, _ in candidate_states(self.magmoms, self.broken_symmetry_magmoms,
                                                      self.integer_magmoms, self.mom_magmoms)]

    def to_spec(self):
        return {"id": self.id, "config_type": self.config_type, "kind": self.kind, "dataset": self.dataset,
                "symbols": self.atoms.get_chemical_formula(mode="all"),
                "positions": self.atoms.positions.tolist(), "cell": self.atoms.cell.array.tolist(),
                "pbc": [bool(x) for x in self.atoms.pbc],
                "magmoms": list(self.magmoms) if self.magmoms else None,
                "broken_symmetry_magmoms": list(self.broken_symmetry_magmoms),
                "integer_magmoms": list(self.integer_magmoms), "mom_magmoms": list(self.mom_magmoms),
                "info": plain(self.info)}


def min_distance(atoms):
    """Shortest interatomic distance, with minimum image along periodic directions."""
    if len(atoms) < 2:
        return np.inf
    d = atoms.get_all_distances(mic=bool(atoms.pbc.any()))
    # also the distance of an atom to its own periodic images (small cells)
    np.fill_diagonal(d, np.inf)
    best = d.min()
    cell = atoms.cell.array
    for i in range(3):
        if atoms.pbc[i]:
            best = min(best, np.linalg.norm(cell[i]))
    return best


def check(s):
    md = min_distance(s.atoms)
    if md < MIN_DISTANCE:
        raise ValueError(f"{s.id}: C-C distance {md:.3f} Å < {MIN_DISTANCE} Å")
    return s


def rattle_ok(atoms, sigma, rng, tries=200):
    """Gaussian rattle of all positions; redraw (same rng, so deterministic) until no distance < 1.0 Å."""
    for _ in range(tries):
        a = atoms.copy()
        a.positions += rng.normal(0.0, sigma, a.positions.shape)
        if min_distance(a) >= MIN_DISTANCE:
            return a
    raise RuntimeError("could not rattle without a short contact")


def strain(atoms, eps):
    """Apply a symmetric strain tensor eps (3x3) to the cell, scaling atoms."""
    a = atoms.copy()
    F = np.eye(3) + eps
    a.set_cell(a.cell.array @ F.T, scale_atoms=True)
    return a


def random_strain(rng, amax, periodic=(True, True, True)):
    e = rng.uniform(-amax, amax, (3, 3))
    e = 0.5 * (e + e.T)
    for i in range(3):
        if not periodic[i]:
            e[i, :] = 0.0
            e[:, i] = 0.0
    return e


# ---------------------------------------------------------------- atom and dimers

def isolated_atom():
    a = Atoms("C", positions=[[0.5 * x for x in ATOM_BOX]], cell=ATOM_BOX, pbc=False)
    return [Structure("isolated_atom", "isolated_atom", "atom", "atom", a, info={"magmom": 2})]


def isolated_atom_spin_paired():
    """The C atom without spin polarisation (settings.SPIN_PAIRED_REFERENCE): E0 of the spin-unpolarised
    convention, with which the moment-0 (spin-paired) dimer states make a second, spin-unpolarised C2 curve."""
    a = Atoms("C", positions=[[0.5 * x for x in ATOM_BOX]], cell=ATOM_BOX, pbc=False)
    return [Structure("isolated_atom_spin_paired", "isolated_atom_spin_paired", "atom_spin_paired",
                      "atom_spin_paired", a, info={"magmom": 0})]


def dimer_atoms(r, shift=(0.0, 0.0, 0.0)):
    c = np.array(DIMER_BOX) * 0.5 + np.array(shift)
    pos = [c - [0, 0, r / 2], c + [0, 0, r / 2]]
    return Atoms("C2", positions=pos, cell=DIMER_BOX, pbc=False)


def dimer_curve_distances():
    r = [0.90, 0.95, 1.00, 1.05]
    r += [round(1.10 + 0.05 * i, 3) for i in range(11)]  # 1.10 .. 1.60
    r += [1.70, 1.80, 1.90, 2.00, 2.10, 2.20]
    r += [2.35, 2.50, 2.65, 2.80, 3.00, 3.25, 3.50, 3.75, 4.00, 4.25, 4.50, 5.00, 5.50, 6.00]
    return r


def dimer_magmoms(r):
    """Fixed total moments from the symmetric start at this r (see settings.STATE_SEARCH)."""
    if r >= DIMER_BROKEN_SYMMETRY_ONLY_FROM_R:
        return tuple(m for m in DIMER_MAGMOMS if m not in DIMER_BROKEN_SYMMETRY_MAGMOMS)
    return DIMER_MAGMOMS


def dimer_integer_magmoms(r):
    """Fixed total moments also computed with integer occupations at this r."""
    return DIMER_BROKEN_SYMMETRY_MAGMOMS if r >= DIMER_BROKEN_SYMMETRY_FROM_R else ()


def dimer_broken_magmoms(r):
    """Fixed total moments also computed from the symmetry-broken start at this r: moment 2 near the well's
    outer side (settings.DIMER_BROKEN_SYMMETRY_M2_RANGE_A), moment 4 at the dissociation side."""
    lo, hi = DIMER_BROKEN_SYMMETRY_M2_RANGE_A
    return ((2,) if lo <= r < hi else ()) + dimer_integer_magmoms(r)


def dimer_mom_magmoms(r):
    """Fixed total moments also reached by the maximum overlap method at this r (settings.DIMER_MOM_RANGE_A)."""
    lo, hi = DIMER_MOM_RANGE_A
    return DIMER_MOM_MAGMOMS if lo <= r <= hi else ()


def dimer_curve():
    out = []
    for r in dimer_curve_distances():
        out.append(Structure(f"dimer_curve-r{r:.3f}", "dimer_curve", "molecule", "dimer_curve",
                             dimer_atoms(r), dimer_magmoms(r), {"r": r}, broken_symmetry_magmoms=dimer_broken_magmoms(r),
                             integer_magmoms=dimer_integer_magmoms(r), mom_magmoms=dimer_mom_magmoms(r)))
    return out


# The repulsive wall, 0.97-1.25 A, one training dimer per equal-width bin: the 30 uniform draws over 0.95-5.5 A
# happened to leave nothing below 1.26 A, so a model fitted to them had no data on the wall and its curve dived
# there (the dimer-trained models of the study had their minimum at the edge of the scan, 0.92 A).
DIMER_WALL_RANGE_A = (0.97, 1.25)
DIMER_WALL_COUNT = 6
# The well's outer side, 1.37-1.57 A, one training dimer per bin: the draws left nothing between 1.364 and 1.571 A,
# and a dimer-only model fitted to them sat 0.2-0.35 eV above the DFT curve there (1.35-1.55 A).
DIMER_WELL_RANGE_A = (1.37, 1.57)
DIMER_WELL_COUNT = 3


def training_dimer(r, shift):
    return Structure(f"dimer-r{r:.4f}", "dimer", "molecule", "dimer", dimer_atoms(r, shift), dimer_magmoms(r),
                     {"r": r}, broken_symmetry_magmoms=dimer_broken_magmoms(r),
                     integer_magmoms=dimer_integer_magmoms(r), mom_magmoms=dimer_mom_magmoms(r))


def dimer_set(n=30):
    """Training dimers, off-centre in the box and at distances away from the curve's: n uniform draws over
    0.95-5.5 A, then the wall dimers (DIMER_WALL_COUNT, stratified over DIMER_WALL_RANGE_A) and the well dimers
    (DIMER_WELL_COUNT over DIMER_WELL_RANGE_A), each stratified set with its own seed."""
    rng = np.random.default_rng(2002)
    curve = dimer_curve_distances()
    out = []
    taken = lambda r: min(abs(r - c) for c in curve) < 0.01 or any(abs(r - s.info["r"]) < 0.01 for s in out)
    while len(out) < n:
        r = float(np.round(rng.uniform(0.95, 5.5), 4))
        if taken(r):
            continue
        out.append(training_dimer(r, rng.uniform(-0.3, 0.3, 3)))
    for seed, (lo, hi), count in ((2003, DIMER_WALL_RANGE_A, DIMER_WALL_COUNT), (2004, DIMER_WELL_RANGE_A, DIMER_WELL_COUNT)):
        rng = np.random.default_rng(seed)
        edges = np.linspace(lo, hi, count + 1)
        for a, b in zip(edges[:-1], edges[1:]):
            r = float(np.round(rng.uniform(a, b), 4))
            while taken(r):
                r = float(np.round(rng.uniform(a, b), 4))
            out.append(training_dimer(r, rng.uniform(-0.3, 0.3, 3)))
    return out


# ---------------------------------------------------------------- narrow pool

def diamond_cell(reps=(1, 1, 1)):
    return bulk("C", "diamond", a=A_DIAMOND, cubic=True).repeat(reps)


def graphite_cell(reps):
    a = Atoms("C4", scaled_positions=[[0, 0, 0.25], [1 / 3, 2 / 3, 0.25], [0, 0, 0.75], [2 / 3, 1 / 3, 0.75]],
              cell=[[A_GRAPHITE, 0, 0], [-A_GRAPHITE / 2, A_GRAPHITE * np.sqrt(3) / 2, 0], [0, 0, C_GRAPHITE]],
              pbc=True)
    return a.repeat(reps)


def graphene_sheet(reps, vacuum=12.0):
    g = graphene("C2", a=A_GRAPHITE, size=(1, 1, 1), vacuum=vacuum / 2)
    g.pbc = (True, True, False)
    return g.repeat(reps)


def narrow_pool():
    rng = np.random.default_rng(1001)
    out = []
    kinds = [
        ("diamond", lambda i: diamond_cell((1, 1, 1)) if i % 2 == 0 else diamond_cell((2, 1, 1)), 40),
        ("graphite", lambda i: graphite_cell((2, 1, 1)) if i % 2 == 0 else graphite_cell((2, 2, 1)), 40),
        ("graphene", lambda i: [graphene_sheet((2, 2, 1)), graphene_sheet((3, 3, 1)), graphene_sheet((4, 2, 1))][i % 3], 40),
    ]
    for ct, make, n in kinds:
        for i in range(n):
            base = make(i)
            periodic = tuple(bool(x) for x in base.pbc)
            eps = random_strain(rng, 0.03, periodic)
            sigma = float(rng.uniform(0.03, 0.10))
            a = rattle_ok(strain(base, eps), sigma, rng)
            out.append(check(Structure(f"{ct}-n{len(a)}-{i:03d}", ct, "periodic", "narrow", a,
                                       info={"rattle_sigma": sigma, "strain_max": float(np.abs(eps).max())})))
    return out


# ---------------------------------------------------------------- diverse additions

def strained_bulk(rng):
    out = []
    for i in range(30):
        if i % 3 == 2:
            base, ct = graphite_cell((2, 1, 1)), "graphite_strained"
        else:
            base, ct = (diamond_cell() if i % 2 == 0 else diamond_cell((2, 1, 1))), "diamond_strained"
        iso = float(rng.uniform(-0.15, 0.12))  # isotropic compression or expansion
        eps = np.eye(3) * iso + random_strain(rng, 0.06)
        sigma = float(rng.uniform(0.02, 0.08))
        a = rattle_ok(strain(base, eps), sigma, rng)
        out.append(Structure(f"{ct}-n{len(a)}-{i:03d}", ct, "periodic", "diverse", a,
                             info={"rattle_sigma": sigma, "strain_iso": iso}))
    return out


def hot_rattles(rng):
    out = []
    for i in range(24):
        base = [diamond_cell((2, 1, 1)), graphite_cell((2, 2, 1)), diamond_cell((1, 1, 1))][i % 3]
        name = ["diamond", "graphite", "diamond"][i % 3]
        sigma = float(rng.uniform(0.2, 0.3))
        a = rattle_ok(strain(base, random_strain(rng, 0.03)), sigma, rng)
        out.append(Structure(f"{name}_hot-n{len(a)}-{i:03d}", f"{name}_hot", "periodic", "diverse", a,
                             info={"rattle_sigma": sigma}))
    return out


def amorphous_liquid():
    """Melt-quench snapshots made by amorphous.py (LAMMPS Tersoff); empty until that file exists."""
    path = os.path.join(HERE, "amorphous_snapshots.xyz")
    if not os.path.exists(path):
        return []
    out = []
    frames = read(path, ":")
    # amorphous snapshots first, then liquid, each sweeping the densities; the 64-atom cells come last
    rank = {"amorphous": 0, "liquid1": 1, "liquid2": 2}
    frames.sort(key=lambda a: (len(a) > 32, rank[a.info["snapshot_id"].rsplit("-", 1)[1]]))
    for a in frames:
        sid = a.info["snapshot_id"]
        ct = a.info["phase"]  # "liquid" or "amorphous"
        info = {k: a.info[k] for k in ("density", "temperature", "tersoff_step") if k in a.info}
        b = Atoms(a.get_chemical_symbols(), positions=a.positions, cell=a.cell, pbc=True)
        out.append(Structure(sid, ct, "periodic", "diverse", b, info=info))
    return out


def surfaces(rng):
    out = []
    makers = [
        ("diamond100", lambda: diamond100("C", size=(2, 2, 4), a=A_DIAMOND, vacuum=6.0)),
        ("diamond111", lambda: diamond111("C", size=(2, 2, 4), a=A_DIAMOND, vacuum=6.0)),
        ("diamond100", lambda: diamond100("C", size=(2, 1, 6), a=A_DIAMOND, vacuum=6.0)),
    ]
    for i in range(15):
        ct, make = makers[i % 3]
        base = make()
        base.pbc = (True, True, False)
        sigma = float(rng.uniform(0.05, 0.15))
        a = rattle_ok(base, sigma, rng)
        out.append(Structure(f"surface_{ct}-n{len(a)}-{i:03d}", "surface", "periodic", "diverse", a,
                             info={"surface": ct, "rattle_sigma": sigma}))
    return out


def nanotubes(rng):
    out = []
    tubes = [(5, 0, 1), (4, 4, 2), (6, 0, 1), (3, 3, 3)]
    for i in range(12):
        n, m, length = tubes[i % 4]
        t = nanotube(n, m, length=length, bond=1.42, vacuum=5.0)
        t.pbc = (False, False, True)
        s = float(rng.uniform(-0.04, 0.04))
        c = t.cell.array.copy()
        c[2] *= 1 + s
        t.set_cell(c, scale_atoms=True)
        sigma = float(rng.uniform(0.03, 0.15))
        a = rattle_ok(t, sigma, rng)
        out.append(Structure(f"nanotube_{n}_{m}-n{len(a)}-{i:03d}", "nanotube", "periodic", "diverse", a,
                             info={"chirality": f"({n},{m})", "axial_strain": s, "rattle_sigma": sigma}))
    return out


def in_box(atoms, vacuum=CLUSTER_VACUUM):
    a = atoms.copy()
    a.pbc = False
    a.center(vacuum=vacuum)
    return a


def fullerene_fragments(rng):
    c60 = molecule("C60")
    out = []
    for i in range(10):
        n = [12, 16, 20, 24, 14][i % 5]
        centre = c60.positions[int(rng.integers(60))]
        idx = np.argsort(np.linalg.norm(c60.positions - centre, axis=1))[:n]
        frag = c60[sorted(idx.tolist())]
        sigma = float(rng.uniform(0.02, 0.1))
        a = in_box(rattle_ok(frag, sigma, rng))
        out.append(Structure(f"fullerene_fragment-n{n}-{i:03d}", "fullerene_fragment", "molecule", "diverse", a,
                             CLUSTER_MAGMOMS, {"rattle_sigma": sigma}))
    return out


def chains(rng):
    out = []
    for i in range(12):
        if i % 2 == 0:  # periodic chain along z in vacuum
            n = [8, 10, 12][(i // 2) % 3]
            bond = float(rng.uniform(1.22, 1.40))
            a = Atoms(f"C{n}", positions=[[0, 0, bond * k] for k in range(n)], cell=[10.0, 10.5, bond * n],
                      pbc=(False, False, True))
            a.center(axis=(0, 1))
            a = rattle_ok(a, float(rng.uniform(0.03, 0.12)), rng)
            out.append(Structure(f"chain_periodic-n{n}-{i:03d}", "chain", "periodic", "diverse", a,
                                 info={"bond": bond}))
        else:  # finite linear chain
            n = [4, 5, 6, 7, 8, 9][(i // 2) % 6]
            bond = float(rng.uniform(1.25, 1.35))
            a = Atoms(f"C{n}", positions=[[0, 0, bond * k] for k in range(n)])
            a = in_box(rattle_ok(a, float(rng.uniform(0.02, 0.08)), rng))
            out.append(Structure(f"chain_finite-n{n}-{i:03d}", "chain", "molecule", "diverse", a,
                                 CLUSTER_MAGMOMS, {"bond": bond}))
    return out


def small_clusters(rng):
    """C3-C10: rings, bent chains and compact random clusters (min distance 1.2 Å)."""
    out = []
    i = 0
    for n in range(3, 11):
        for shape in ("ring", "compact", "compact" if n > 5 else "bent"):
            if shape == "ring":
                R = 1.30 / (2 * np.sin(np.pi / n))
                ang = 2 * np.pi * np.arange(n) / n
                a = Atoms(f"C{n}", positions=np.c_[R * np.cos(ang), R * np.sin(ang), np.zeros(n)])
                a = rattle_ok(a, float(rng.uniform(0.03, 0.1)), rng)
            elif shape == "bent":
                pos = [np.zeros(3)]
                d = np.array([1.0, 0, 0])
                for k in range(n - 1):
                    th = rng.uniform(0.3, 1.0)
                    d = np.array([d[0] * np.cos(th) - d[1] * np.sin(th), d[0] * np.sin(th) + d[1] * np.cos(th), 0])
                    pos.append(pos[-1] + 1.32 * d)
                a = rattle_ok(Atoms(f"C{n}", positions=pos), 0.05, rng)
            else:
                pos = [np.zeros(3)]
                while len(pos) < n:
                    v = rng.normal(0, 1, 3)
                    p = pos[int(rng.integers(len(pos)))] + rng.uniform(1.25, 1.6) * v / np.linalg.norm(v)
                    dists = [np.linalg.norm(p - q) for q in pos]
                    if min(dists) >= 1.2 and min(dists) <= 1.7:
                        pos.append(p)
                a = Atoms(f"C{n}", positions=pos)
            a = in_box(a)
            out.append(Structure(f"cluster-n{n}-{shape}-{i:03d}", "cluster", "molecule", "diverse", a,
                                 CLUSTER_MAGMOMS, {"shape": shape}))
            i += 1
    return out


def diverse_additions():
    groups = [
        strained_bulk(np.random.default_rng(3001)),
        hot_rattles(np.random.default_rng(3002)),
        amorphous_liquid(),
        surfaces(np.random.default_rng(3004)),
        nanotubes(np.random.default_rng(3005)),
        fullerene_fragments(np.random.default_rng(3006)),
        chains(np.random.default_rng(3007)),
        small_clusters(np.random.default_rng(3008)),
    ]
    for g in groups:
        for s in g:
            check(s)
            if len(s.atoms) == 2:
                raise ValueError(f"{s.id}: dimers do not belong in the diverse pool")
    return groups


# ---------------------------------------------------------------- priority order

def round_robin(lists):
    lists = [list(x) for x in lists if x]
    out = []
    while any(lists):
        for x in lists:
            if x:
                out.append(x.pop(0))
    return out


def coarse_first(items):
    """Reorder so that a coarse subset (every 4th, then every 2nd) comes first."""
    n = len(items)
    order = list(range(0, n, 4)) + list(range(2, n, 4)) + list(range(1, n, 2))
    return [items[i] for i in order]


def all_structures():
    narrow = narrow_pool()
    by_type = {}
    for s in narrow:
        by_type.setdefault(s.config_type, []).append(s)
    return {
        "atom": isolated_atom(),
        "atom_spin_paired": isolated_atom_spin_paired(),
        "dimer_curve": dimer_curve(),
        "dimer": dimer_set(),
        "narrow": round_robin(by_type.values()),
        "diverse": round_robin(diverse_additions()),
    }


# Curve distances computed first: the well (1.2-1.4 A), the asymptote, then the shape of the curve.
CURVE_FIRST = [1.3, 6.0, 1.2, 1.4, 1.25, 1.1, 1.5, 2.0, 3.0, 1.35, 1.6, 2.5, 4.0, 1.15, 1.45, 5.0]


# Diverse structures: one of each kind in turn (each kind smallest first), amorphous and liquid cells first in a
# round: they are what the reference study's diverse pool is made of (amorphous carbon at many densities), and
# the most expensive, so they must not all wait until the end of the run.
DIVERSE_FIRST = ("amorphous", "liquid")


def diverse_queue(diverse, by_size):
    kinds = {}
    for s in diverse:
        kinds.setdefault(s.config_type, []).append(s)
    order = [k for k in DIVERSE_FIRST if k in kinds] + [k for k in kinds if k not in DIVERSE_FIRST]
    return round_robin([by_size(kinds[k]) for k in order])


def wall_first(dimers):
    """Training dimers on the repulsive wall first (they were added after the others had run)."""
    wall = [d for d in dimers if d.info["r"] <= DIMER_WALL_RANGE_A[1]]
    return wall + [d for d in dimers if d.info["r"] > DIMER_WALL_RANGE_A[1]]


def ordered_structures(done=frozenset()):
    """Priority order: every kind advances from the start (one curve point, one narrow cell, one diverse
    structure, one training dimer, in turn), the cheapest structures of each pool first, and the curve
    points that fix the well and the asymptote before the rest (the 0.9 A point, slow to converge in its
    M = 4 state, comes late). Structures whose ids are in `done` come first and the turns are taken among
    the others, so a change of the order interleaves what is left instead of front-loading one pool."""
    groups = all_structures()
    curve = list(groups["dimer_curve"])

    def curve_rank(item):
        r = round(item[1].info["r"], 3)
        return (CURVE_FIRST.index(r) if r in CURVE_FIRST else len(CURVE_FIRST) + (1 if r < 1.0 else 0), item[0])

    curve = [x for _, x in sorted(enumerate(curve), key=curve_rank)]
    by_size = lambda pool: [x for _, x in sorted(enumerate(pool), key=lambda p: (len(p[1].atoms), p[0]))]
    queues = {"A": curve, "B": by_size(groups["narrow"]), "C": diverse_queue(groups["diverse"], by_size),
              "D": wall_first(groups["dimer"])}
    first = [s for q in queues.values() for s in q if s.id in done]
    queues = {k: [s for s in q if s.id not in done] for k, q in queues.items()}
    # the two pools four times a round (most structures, and what the bulk-trained models of the study need),
    # the curve and the training dimers once
    pattern = ["B", "C", "A", "B", "C", "D"]
    # the turn goes on from where the finished structures left it (one job finishes one structure)
    k = len(first) % len(pattern)
    pattern = pattern[k:] + pattern[:k]
    rest = first
    while any(queues.values()):
        for q in pattern:
            if queues[q]:
                rest.append(queues[q].pop(0))
    order = groups["atom"] + groups["atom_spin_paired"] + rest
    ids = [s.id for s in order]
    if len(set(ids)) != len(ids):
        raise RuntimeError("duplicate structure ids")
    return order


if __name__ == "__main__":
    order = ordered_structures()
    from collections import Counter
    c = Counter((s.dataset, s.config_type) for s in order)
    for k, v in sorted(c.items()):
        print(k, v)
    print("total", len(order), "atoms: mean", np.mean([len(s.atoms) for s in order]),
          "max", max(len(s.atoms) for s in order))
    for s in order[:30]:
        print(s.id, len(s.atoms))
