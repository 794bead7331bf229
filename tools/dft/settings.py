"""DFT settings shared by every acelens reference calculation (GPAW, PBE, plane waves).

All structures use the same plane-wave cutoff, XC functional and PAW setups so that their
energies are consistent with the isolated-atom reference E0. What differs between kinds of
structure (k-points, smearing, spin) is listed in SETTINGS and recorded in every cache file.
"""

PW_CUTOFF_EV = 600.0  # see convergence.json: 400 eV fails the 2 meV/atom check; 500 eV gave an anomalous C2 energy
XC = "PBE"
SETUPS = "paw"  # GPAW default PAW datasets (gpaw-setups, C.PBE)
KPT_DENSITY = 3.0  # Monkhorst-Pack points per reciprocal Å (ASE kptdensity convention), Gamma-centred; 2.0 fails for graphite (convergence.json)
SMEARING_BULK_EV = 0.1  # Fermi-Dirac width for periodic cells and slabs
SMEARING_MOLECULE_EV = 0.01  # Fermi-Dirac width for dimers, clusters (fixed or free magnetic moment)
SMEARING_ATOM_EV = 0.0  # integer occupations for the isolated atom (Hund's rule)
CONVERGENCE = {"energy": 1e-5, "density": 1e-4, "eigenstates": 4e-8}  # energy: eV per valence electron
MAXITER = 300
# Dimers, clusters and the atom in large boxes: the density residual of C2 oscillates around 1e-3.5 between
# nearly degenerate pi orbitals while the energy is converged to 1e-5 eV/electron, so the density criterion
# is looser there; the energy criterion stays tight. If a spin state does not converge with the molecular
# smearing, it is retried once with SMEARING_MOLECULE_FALLBACK_EV (recorded per state).
CONVERGENCE_MOLECULE = {"energy": 1e-5, "density": 1e-3, "eigenstates": 4e-8}
MAXITER_MOLECULE = 120
SMEARING_MOLECULE_FALLBACK_EV = 0.05

ATOM_BOX = (10.0, 10.5, 11.0)
# Dimer box: bond along z, fixed for every r so the plane-wave basis is the same along the curve.
DIMER_BOX = (10.0, 10.5, 16.0)
DIMER_MAGMOMS = (0, 2, 4)
# Symmetry-broken starts for stretched dimers. From a symmetric start the SCF of C2 at large r stays in a
# delocalised state (each atom pz^1 with half-filled pi_x, pi_y): 0.11 eV per atom above the Hund's-rule atom,
# so E(C2, 6 A) - 2 E(atom) came out +0.22 eV. A start whose p orbitals are split by point charges, released
# after the first SCF (the SCF then continues without them), reaches the localised Hund's-rule atoms
# (E(C2, 6 A) - 2 E(atom) = -0.3 meV). For every dimer with r >= DIMER_BROKEN_SYMMETRY_FROM_R two extra
# states are computed for DIMER_BROKEN_SYMMETRY_MAGMOMS: the symmetry-broken start and integer occupations
# (which converges where the broken start does not, 2.5-4 A); the lowest of all states is kept (a broken start at
# moment 2 did not converge at 6 A, and moment 2 lies 0.6 eV above moment 4 there). Recorded in
# every result as "state_search"; kept out of SETTINGS because it adds candidate states and changes no setting.
DIMER_BROKEN_SYMMETRY_FROM_R = 2.0
DIMER_BROKEN_SYMMETRY_MAGMOMS = (4,)  # the dissociation limit: two Hund's-rule atoms, moments parallel
# Moment 2 from the symmetry-broken start for 1.4 <= r < 2.4 A. Below 1.45 A the symmetric start reaches the
# triplet whose minority-spin electron sits in one pi orbital (pi_x, pi_y split by 0.4-1.1 eV); from 1.5 A on it
# lands in the cylindrical triplet with that electron in sigma_p instead, 0.25 eV higher at 1.5 A
# (-8.6587 eV; the broken start -8.9066 eV, force 6.39 eV/A, continuing the curve from 1.45 A).
DIMER_BROKEN_SYMMETRY_M2_RANGE_A = (1.4, 2.4)
# From this r on, moment 4 has only those two extra states, not the smeared symmetric start (it often does not
# converge there, and lands 0.2 eV high when it does); moments 0 (spin-paired) and 2 from the symmetric start
# as everywhere.
DIMER_BROKEN_SYMMETRY_ONLY_FROM_R = 3.0
BROKEN_SYMMETRY_START = {"point_charge_e": -0.3, "distance_A": 1.5, "iterations_with_charges": 40,
                         "placement": "two charges per atom, at +-distance along an axis perpendicular to "
                                      "the bond; SCF with the charges until converged or for at most "
                                      "iterations_with_charges iterations, then the charges are removed and the "
                                      "SCF continues from that state to convergence"}
# Maximum overlap method (MOM) for stretched dimers, 2.4-4.5 A. There the smeared symmetric start leaves one
# spin-up electron shared by the degenerate pi* pair, and an integer occupation of one of them (the lowest state:
# 30 meV below the half-and-half state at 3 A) makes the SCF slosh between the two orbitals: 4_integer and
# 4_broken did not converge at 2.56, 2.81, 2.83, 2.95, 3.04, 3.54 and 3.65 A. The MOM path converges there and
# reaches the same state where 4_integer does converge (3.0 A: -3.319581 eV against -3.319583 eV).
DIMER_MOM_MAGMOMS = (4,)
DIMER_MOM_RANGE_A = (2.4, 4.5)
MOM_START = {"smearing_eV": 0.1, "mixer": {"beta": 0.02, "nmaxold": 5, "weight": 100.0},  # gpaw.Mixer
             "steps": "1) SCF with Fermi-Dirac 0.1 eV at the fixed moment; 2) occupations rounded to 0, 1/2 or 1 "
                      "and held by MOM (gpaw.mom, projections onto the previous occupied orbitals) to "
                      "convergence; 3) of each pair of orbitals sharing one electron, the lower one occupied, "
                      "MOM to convergence; energy and forces of that integer-occupation state "
                      "(state key '<M>_mom')"}
STATE_SEARCH = {
    "dimer": "fixed total moments 0, 2, 4 muB from a symmetric start (Fermi-Dirac 0.01 eV, retried with 0.05 eV "
             "if not converged); for r >= "
             f"{DIMER_BROKEN_SYMMETRY_FROM_R} A also moment(s) "
             f"{', '.join(map(str, DIMER_BROKEN_SYMMETRY_MAGMOMS))} from a symmetric start with integer occupations "
             "(state key '<M>_integer') and from a symmetry-broken start (state key '<M>_broken'), neither retried; "
             f"for {DIMER_BROKEN_SYMMETRY_M2_RANGE_A[0]} <= r < {DIMER_BROKEN_SYMMETRY_M2_RANGE_A[1]} A also moment 2 "
             "from the symmetry-broken start (state key '2_broken'); "
             f"for r >= {DIMER_BROKEN_SYMMETRY_ONLY_FROM_R} A that moment without the smeared symmetric start; "
             f"for {DIMER_MOM_RANGE_A[0]} <= r <= {DIMER_MOM_RANGE_A[1]} A also moment(s) "
             f"{', '.join(map(str, DIMER_MOM_MAGMOMS))} by the maximum overlap method (state key '<M>_mom', "
             "see mom_start); the lowest energy is kept, except that a state at the fallback width "
             f"{SMEARING_MOLECULE_FALLBACK_EV} eV is kept "
             "only when no other state of its moment converged",
    "broken_symmetry_start": BROKEN_SYMMETRY_START,
    "mom_start": MOM_START,
    # the same windows as numbers (Å, both ends included unless r_below_A): which extra states a dimer at
    # distance r was started in (tests read this instead of repeating the numbers)
    "extra_states": [
        *({"state": f"{m}_integer", "r_min_A": DIMER_BROKEN_SYMMETRY_FROM_R} for m in DIMER_BROKEN_SYMMETRY_MAGMOMS),
        *({"state": f"{m}_broken", "r_min_A": DIMER_BROKEN_SYMMETRY_FROM_R} for m in DIMER_BROKEN_SYMMETRY_MAGMOMS),
        {"state": "2_broken", "r_min_A": DIMER_BROKEN_SYMMETRY_M2_RANGE_A[0],
         "r_below_A": DIMER_BROKEN_SYMMETRY_M2_RANGE_A[1]},
        *({"state": f"{m}_mom", "r_min_A": DIMER_MOM_RANGE_A[0], "r_max_A": DIMER_MOM_RANGE_A[1]}
          for m in DIMER_MOM_MAGMOMS),
    ],
}
# A second reference for the C2 curve, in the convention of reference data computed without spin polarisation
# (the curve of the study acelens reproduces is most likely of that kind): E(C2, r) at moment 0 (spin-paired,
# computed at every r anyway) minus 2 E(C atom, spin-paired). The spin-paired atom has its two p electrons spread
# over the three p orbitals by the Fermi-Dirac width of the dimers. Kept out of SETTINGS: it adds one calculation
# and changes no setting of the others.
SPIN_PAIRED_REFERENCE = {
    "atom": "isolated C atom, spin-paired (spinpol False), Fermi-Dirac 0.01 eV as the dimers' moment-0 state, "
            "same box, cutoff and SCF criteria as the spin-polarised atom (cache id isolated_atom_spin_paired)",
    "curve": "E(C2, r) of the moment-0 state (spin-paired, symmetric start; info energy_m0) minus 2 E0_spin_paired",
}
CLUSTER_VACUUM = 4.5  # Å of vacuum on each side of a cluster in an open box

SETTINGS = {
    "code": "GPAW",
    "xc": XC,
    "mode": "plane waves",
    "pw_cutoff_eV": PW_CUTOFF_EV,
    "setups": SETUPS,
    "kpoints": {
        "periodic": f"Monkhorst-Pack, Gamma-centred, density {KPT_DENSITY} points per reciprocal Angstrom "
        "(ase.calculators.calculator.kptdensity2monkhorstpack); 1 point along non-periodic directions",
        "molecules": "Gamma only (1x1x1)",
    },
    "smearing": {
        "periodic_and_slabs": f"Fermi-Dirac {SMEARING_BULK_EV} eV",
        "dimers_clusters": f"Fermi-Dirac {SMEARING_MOLECULE_EV} eV",
        "isolated_atom": "integer occupations (Fermi-Dirac width 0), Hund's rule, fixed magnetic moment 2",
    },
    "energy": "force-consistent (free) energy, i.e. ASE get_potential_energy(force_consistent=True); "
    "the zero-width extrapolated energy is kept in the cache as energy_extrapolated",
    "spin": {
        "isolated_atom": "spin-polarised, Hund's rule, magmom 2",
        "dimer_curve": "spin-polarised, fixed total magnetic moment 0, 2 and 4 muB; lowest kept",
        "dimer": "spin-polarised, fixed total magnetic moment 0, 2 and 4 muB; lowest kept",
        "clusters_chains_fragments": "spin-polarised, fixed total magnetic moment 0 and 2 muB; lowest kept",
        "periodic_and_slabs": "spin-paired",
    },
    "boxes": {
        "isolated_atom": list(ATOM_BOX),
        "dimer": list(DIMER_BOX) + ["bond along z"],
        "clusters": f"orthorhombic, {CLUSTER_VACUUM} A vacuum on each side",
    },
    "scf_convergence": {"periodic": CONVERGENCE, "molecules_and_atom": CONVERGENCE_MOLECULE},
    "scf_maxiter": {"periodic": MAXITER, "molecules_and_atom": MAXITER_MOLECULE},
    "smearing_fallback": f"a molecular spin state that does not converge is retried with Fermi-Dirac "
                         f"{SMEARING_MOLECULE_FALLBACK_EV} eV (recorded per state as smearing_eV)",
    "mixer": "GPAW default",
    "stress": "computed for fully periodic cells only (ASE sign convention, eV/A^3)",
}
