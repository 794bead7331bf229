"""Candidate electronic states of one structure and how their results combine into one cached record.

No GPAW here (run_one.py does the DFT), so the bookkeeping is testable on its own
(test/dft/states.test.ts runs test_states.py). A molecule is computed at several fixed total magnetic
moments, some also from a symmetry-broken start (settings.STATE_SEARCH); the record keeps the lowest state
in full (energy, forces, ...) and a summary of every state. A record may be partial: the driver completes it
later, and only the missing states are computed.
"""

# fields of the kept (lowest) state copied into the record
STATE_FIELDS = ("energy", "energy_extrapolated", "forces", "magmom_total", "kpts", "iterations", "smearing_eV",
                "start", "wall_time_s")
# fields kept for every state
SUMMARY_FIELDS = ("energy", "energy_extrapolated", "iterations", "wall_time_s", "smearing_eV", "start",
                  "magmom_total")


def candidate_states(magmoms, broken_symmetry_magmoms=(), integer_magmoms=(), mom_magmoms=()):
    """[(key, moment, variant)]: '<M>' from the symmetric start with the molecular smearing (variant
    'symmetric'), '<M>_integer' from the symmetric start with integer occupations ('integer'), '<M>_broken'
    from the symmetry-broken start ('broken'), '<M>_mom' by the maximum overlap method ('mom')."""
    return ([(str(m), int(m), "symmetric") for m in (magmoms or ())]
            + [(f"{m}_integer", int(m), "integer") for m in (integer_magmoms or ())]
            + [(f"{m}_broken", int(m), "broken") for m in (broken_symmetry_magmoms or ())]
            + [(f"{m}_mom", int(m), "mom") for m in (mom_magmoms or ())])


def mom_numbers(occupations, electrons):
    """MOM occupation numbers of one spin from the converged smeared occupations (0..1, ascending energy):
    (half, integer). half: every occupation rounded to 0, 1/2 or 1; integer: of each consecutive pair of halves
    (an electron shared by a degenerate pair) the lower orbital 1 and the upper 0. ValueError when the rounded
    numbers do not hold `electrons` electrons or leave an unpaired half."""
    half = [round(2 * float(f)) / 2 for f in occupations]
    if abs(sum(half) - electrons) > 1e-9:
        raise ValueError(f"rounded occupations hold {sum(half)} electrons, not {electrons}: {list(occupations)}")
    halves = [i for i, f in enumerate(half) if f == 0.5]
    if len(halves) % 2:
        raise ValueError(f"an odd number of half-occupied orbitals: {list(occupations)}")
    integer = list(half)
    for k, i in enumerate(halves):
        integer[i] = 1.0 if k % 2 == 0 else 0.0
    return half, integer


def at_width(state, width):
    """Whether a state (record or summary) was computed at Fermi-Dirac width `width` (eV); False for None."""
    return width is not None and abs(state.get("smearing_eV", -1.0) - width) < 1e-12


def moment_of(key):
    """The fixed total moment (muB) of a state key."""
    return int(key.split("_")[0])


class StateResults:
    """The states of one structure computed so far (from a previous partial record, if any)."""

    def __init__(self, candidates, prev=None, fallback_smearing_eV=None):
        """fallback_smearing_eV: the width a symmetric start is retried with; a state computed so is kept only
        when no other state of its moment converged (its larger -TS term would otherwise win by itself)."""
        self.candidates = list(candidates)
        self.fallback = fallback_smearing_eV
        self.summaries = dict(prev.get("spin_states", {})) if prev else {}
        self.errors = dict(prev.get("spin_state_errors", {})) if prev else {}
        self.best = None
        self.best_key = None
        if prev and "energy" in prev:
            self.best = {k: prev[k] for k in STATE_FIELDS if k in prev}
            self.best_key = prev.get("state") or str(prev["magmom_fixed"])

    def todo(self):
        """Candidates neither computed nor failed yet."""
        return [c for c in self.candidates if c[0] not in self.summaries and c[0] not in self.errors]

    def complete(self):
        return not self.todo()

    def add(self, key, rec):
        self.summaries[key] = {k: rec[k] for k in SUMMARY_FIELDS if k in rec}
        if self.preferred(key, rec):
            self.best = {k: rec[k] for k in STATE_FIELDS if k in rec}
            self.best_key = key

    def is_fallback(self, state):
        return at_width(state, self.fallback)

    def preferred(self, key, rec):
        """Whether state `key` replaces the kept one: of one moment, a state at the fallback width loses to any
        other; otherwise the lower energy wins."""
        if self.best is None:
            return True
        if moment_of(key) == moment_of(self.best_key) and self.is_fallback(rec) != self.is_fallback(self.best):
            return self.is_fallback(self.best)
        return rec["energy"] < self.best["energy"]

    def fail(self, key, message):
        self.errors[key] = message

    def record(self, base, state_search):
        """base (identity, geometry) + the lowest state in full + every state's summary; None before any state."""
        if self.best is None:
            return None
        out = dict(base)
        out.update(self.best)
        out["magmom_fixed"] = moment_of(self.best_key)
        out["state"] = self.best_key
        out["spin_states"] = dict(self.summaries)
        if self.errors:
            out["spin_state_errors"] = dict(self.errors)
        out["state_search"] = state_search
        return out


def missing_states(record, keys):
    """Keys of `keys` that a cached record has neither computed nor recorded as failed."""
    have = set(record.get("spin_states", {})) | set(record.get("spin_state_errors", {}))
    return [k for k in keys if k not in have]
