"""Liquid and amorphous carbon snapshots by melt-quench MD with LAMMPS (Debian `lammps`, `lmp`)
and the Tersoff (1989) carbon potential (SiC.tersoff from lammps-data, element C).

    /usr/bin/python3 tools/dft/amorphous.py      # writes tools/dft/amorphous_snapshots.xyz

For each density and seed: random packing (minimum distance 1.2 Å, periodic cubic cell), NVT at 6000 K
for 6 ps (liquid snapshots at 4 and 6 ps), linear quench to 300 K over 10 ps, 1 ps at 300 K (amorphous
snapshot). Velocities and packing are seeded; the output is committed, so structure ids stay stable
even if LAMMPS output differs on another machine. Snapshots with a C-C distance < 1.0 Å are skipped.
"""
import os
import subprocess
import tempfile

import numpy as np
from ase import Atoms
from ase.io import read, write

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "amorphous_snapshots.xyz")
POTENTIAL = "/usr/share/lammps/potentials/SiC.tersoff"
MASS_C = 12.011
DT_PS = 0.0005
# (density g/cm3, number of atoms, seed)
RUNS = [(d, n, 100 + 10 * i + j) for i, d in enumerate((1.5, 1.8, 2.1, 2.4, 2.7, 3.0, 3.3, 3.5))
        for j, n in enumerate((24, 32))] + [(2.0, 64, 900), (3.0, 64, 901)]


def random_packing(n, L, rng, dmin=1.2):
    pos = []
    while len(pos) < n:
        p = rng.uniform(0, L, 3)
        ok = True
        for q in pos:
            d = p - q
            d -= L * np.round(d / L)
            if np.linalg.norm(d) < dmin:
                ok = False
                break
        if ok:
            pos.append(p)
    return np.array(pos)


LAMMPS_IN = """units metal
atom_style atomic
boundary p p p
read_data {data}
mass 1 12.011
pair_style tersoff
pair_coeff * * {pot} C
neighbor 1.0 bin
timestep {dt}
thermo 2000
velocity all create 6000 {seed} mom yes rot yes dist gaussian
fix nvt all nvt temp 6000 6000 0.05
run 8000
write_dump all custom liquid1.dump id type x y z modify sort id
run 4000
write_dump all custom liquid2.dump id type x y z modify sort id
unfix nvt
fix nvt all nvt temp 6000 300 0.05
run 20000
unfix nvt
fix nvt all nvt temp 300 300 0.05
run 2000
write_dump all custom amorphous.dump id type x y z modify sort id
"""


def min_dist(a):
    d = a.get_all_distances(mic=True)
    np.fill_diagonal(d, np.inf)
    return d.min()


def run_one(density, n, seed):
    L = (n * MASS_C / (density * 0.602214)) ** (1 / 3)
    rng = np.random.default_rng(seed)
    a = Atoms(f"C{n}", positions=random_packing(n, L, rng), cell=[L, L, L], pbc=True)
    snaps = []
    with tempfile.TemporaryDirectory() as tmp:
        write(os.path.join(tmp, "data.lmp"), a, format="lammps-data")
        with open(os.path.join(tmp, "in.lmp"), "w") as f:
            f.write(LAMMPS_IN.format(data="data.lmp", pot=POTENTIAL, dt=DT_PS, seed=seed))
        subprocess.run(["lmp", "-in", "in.lmp", "-log", "log.lammps", "-screen", "none"], cwd=tmp, check=True,
                       env={**os.environ, "OMP_NUM_THREADS": "1"})
        for name, phase, t in (("liquid1", "liquid", 6000), ("liquid2", "liquid", 6000),
                               ("amorphous", "amorphous", 300)):
            b = read(os.path.join(tmp, f"{name}.dump"), format="lammps-dump-text")
            b = Atoms(f"C{n}", positions=b.get_positions(), cell=b.cell, pbc=True)
            b.wrap()
            if min_dist(b) < 1.0:
                print(f"skip {name} rho={density} n={n}: min distance {min_dist(b):.2f}")
                continue
            b.info.update({"snapshot_id": f"{phase}-rho{density:.1f}-n{n}-s{seed}-{name}", "phase": phase,
                           "density": density, "temperature": t})
            snaps.append(b)
    return snaps


def main():
    frames = []
    for density, n, seed in RUNS:
        s = run_one(density, n, seed)
        print(f"rho={density} n={n}: {len(s)} snapshots")
        frames += s
    write(OUT, frames, format="extxyz")
    print(f"wrote {len(frames)} frames to {OUT}")


if __name__ == "__main__":
    main()
