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


def candidate_states(magmoms, broken_symmetry_magmoms=(), integer_magmoms=()):
    """[(key, moment, variant)]: '<M>' from the symmetric start with the molecular smearing (variant
    'symmetric'), '<M>_integer' from the symmetric start with integer occupations ('integer'), '<M>_broken'
    from the symmetry-broken start ('broken')."""
    return ([(str(m), int(m), "symmetric") for m in (magmoms or ())]
            + [(f"{m}_integer", int(m), "integer") for m in (integer_magmoms or ())]
            + [(f"{m}_broken", int(m), "broken") for m in (broken_symmetry_magmoms or ())])


def moment_of(key):
    """The fixed total moment (muB) of a state key."""
    return int(key.split("_")[0])


class StateResults:
    """The states of one structure computed so far (from a previous partial record, if any)."""

    def __init__(self, candidates, prev=None):
        self.candidates = list(candidates)
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
        if self.best is None or rec["energy"] < self.best["energy"]:
            self.best = {k: rec[k] for k in STATE_FIELDS if k in rec}
            self.best_key = key

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
