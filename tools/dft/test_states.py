"""Unit tests of the DFT scripts without GPAW (states.py, the extra-state windows, the priority order): python3 tools/dft/test_states.py"""
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from states import StateResults, candidate_states, missing_states, mom_numbers, moment_of  # noqa: E402


def rec(energy, **kw):
    return {"energy": energy, "energy_extrapolated": energy - 1e-4, "forces": [[0, 0, energy], [0, 0, -energy]],
            "magmom_total": 0.0, "kpts": [1, 1, 1], "iterations": 10, "smearing_eV": 0.01, "start": "symmetric",
            "wall_time_s": 1.0, **kw}


BASE = {"id": "dimer-x", "positions": [[0, 0, 0], [0, 0, 3]]}


class StatesTest(unittest.TestCase):
    def test_candidates_and_keys(self):
        c = candidate_states((0, 2), (4,), (4,))
        self.assertEqual(c, [("0", 0, "symmetric"), ("2", 2, "symmetric"), ("4_integer", 4, "integer"),
                             ("4_broken", 4, "broken")])
        self.assertEqual(candidate_states(None), [])
        self.assertEqual(moment_of("4_broken"), 4)
        self.assertEqual(moment_of("4_integer"), 4)
        self.assertEqual(moment_of("2"), 2)
        c = candidate_states((0, 2), (4,), (4,), (4,))
        self.assertEqual(c[-1], ("4_mom", 4, "mom"))
        self.assertEqual(moment_of("4_mom"), 4)

    def test_fallback_width_state_loses_to_any_other_of_its_moment(self):
        s = StateResults(candidate_states((0, 4), (), (), (4,)), fallback_smearing_eV=0.05)
        s.add("4", rec(-3.95, smearing_eV=0.05))  # smeared more: lower free energy from -TS alone
        s.add("0", rec(-2.0))
        self.assertEqual(s.best_key, "4")
        s.add("4_mom", rec(-3.91, smearing_eV=0.0))
        self.assertEqual((s.best_key, s.best["energy"]), ("4_mom", -3.91))
        # across moments the energy decides, fallback or not
        t = StateResults(candidate_states((2, 4)), fallback_smearing_eV=0.05)
        t.add("2", rec(-3.0))
        t.add("4", rec(-3.5, smearing_eV=0.05))
        self.assertEqual(t.best_key, "4")
        # a partial record's kept fallback state is replaced the same way when it is completed
        u = StateResults(candidate_states((4,), (), (), (4,)), prev=s.record(BASE, {}) | {"state": "4"} | rec(-3.95, smearing_eV=0.05),
                         fallback_smearing_eV=0.05)
        u.add("4_mom", rec(-3.9, smearing_eV=0.0))
        self.assertEqual(u.best_key, "4_mom")

    def test_mom_numbers_split_a_shared_electron(self):
        # spin up of C2 at 3 A, moment 4, Fermi-Dirac 0.1 eV: one electron shared by the pi* pair
        f = [1.0, 1.0, 0.99939, 0.96945, 0.96944, 0.53047, 0.53027, 0.00099, 0.0]
        half, integer = mom_numbers(f, 6)
        self.assertEqual(half, [1, 1, 1, 1, 1, 0.5, 0.5, 0, 0])
        self.assertEqual(integer, [1, 1, 1, 1, 1, 1, 0, 0, 0])
        self.assertEqual(mom_numbers([1.0, 0.998, 0.001], 2), ([1, 1, 0], [1, 1, 0]))  # already integer
        with self.assertRaises(ValueError):
            mom_numbers([1.0, 0.7, 0.3], 1)  # rounds to 2 electrons
        with self.assertRaises(ValueError):
            mom_numbers([1.0, 0.5, 0.0], 1.5)  # a half with no partner

    def test_lowest_state_kept_in_full_every_state_summarised(self):
        s = StateResults(candidate_states((0, 2, 4)))
        self.assertIsNone(s.record(BASE, {}))
        s.add("0", rec(-1.0))
        s.add("2", rec(-3.0, start="symmetric"))
        s.fail("4", "KohnShamConvergenceError: Did not converge!")
        self.assertTrue(s.complete())
        r = s.record(BASE, {"rule": "x"})
        self.assertEqual(r["energy"], -3.0)
        self.assertEqual(r["forces"], [[0, 0, -3.0], [0, 0, 3.0]])
        self.assertEqual((r["state"], r["magmom_fixed"]), ("2", 2))
        self.assertEqual(set(r["spin_states"]), {"0", "2"})
        self.assertNotIn("forces", r["spin_states"]["0"])
        self.assertIn("4", r["spin_state_errors"])
        self.assertEqual(r["id"], "dimer-x")
        self.assertEqual(r["state_search"], {"rule": "x"})

    def test_partial_record_is_completed_without_recomputing(self):
        first = StateResults(candidate_states((0, 2), (4,)))
        first.add("0", rec(2.6))
        first.add("2", rec(0.8))
        partial = first.record(BASE, {})
        self.assertEqual(missing_states(partial, ["0", "2", "4_broken"]), ["4_broken"])
        again = StateResults(candidate_states((0, 2), (4,)), partial)
        self.assertEqual(again.todo(), [("4_broken", 4, "broken")])
        # a higher new state keeps the previous best, forces included
        again.add("4_broken", rec(1.5))
        self.assertEqual((again.record(BASE, {})["state"], again.record(BASE, {})["energy"]), ("2", 0.8))
        # a lower one replaces it
        again.add("4_broken", rec(-0.0003, start="symmetry-broken"))
        r = again.record(BASE, {})
        self.assertEqual((r["state"], r["magmom_fixed"], r["start"]), ("4_broken", 4, "symmetry-broken"))
        self.assertEqual(r["forces"], [[0, 0, -0.0003], [0, 0, 0.0003]])
        self.assertEqual(missing_states(r, ["0", "2", "4_broken"]), [])

    def test_record_from_before_state_keys(self):
        # records cached before 'state' existed carry the moment only
        old = {"energy": -2.5, "forces": [[0, 0, 0]], "magmom_fixed": 4,
               "spin_states": {"0": {"energy": 2.6}, "2": {"energy": 0.8}, "4": {"energy": -2.5}}}
        s = StateResults(candidate_states((0, 2, 4), (4,)), old)
        self.assertEqual(s.best_key, "4")
        self.assertEqual(s.todo(), [("4_broken", 4, "broken")])
        s.add("4_broken", rec(-2.7))
        self.assertEqual(s.record(BASE, {})["state"], "4_broken")


class ExtraStateWindowsTest(unittest.TestCase):
    def test_provenance_windows_are_the_ones_the_dimers_get(self):
        """settings.STATE_SEARCH["extra_states"] (written into the provenance, read by the asset tests) names
        the same extra states at every r as structures.py gives the dimers."""
        import settings as S
        import structures as st
        windows = S.STATE_SEARCH["extra_states"]
        for i in range(0, 521):
            r = 0.9 + 0.01 * i
            given = {f"{m}_broken" for m in st.dimer_broken_magmoms(r)} | \
                    {f"{m}_integer" for m in st.dimer_integer_magmoms(r)} | \
                    {f"{m}_mom" for m in st.dimer_mom_magmoms(r)}
            listed = {w["state"] for w in windows if w["r_min_A"] <= r <= w.get("r_max_A", float("inf"))
                      and r < w.get("r_below_A", float("inf"))}
            self.assertEqual(given, listed, f"r = {r:.2f} A")


class SpecTest(unittest.TestCase):
    def test_every_structure_spec_is_json(self):
        """The driver hands each structure to run_one.py as JSON (numpy scalars in info once stopped the run)."""
        import json
        import structures as st
        for s in st.ordered_structures():
            spec = json.loads(json.dumps(s.to_spec()))
            self.assertEqual(len(spec["positions"]), len(s.atoms), s.id)


class OrderTest(unittest.TestCase):
    def test_every_structure_once_finished_ones_first_the_rest_in_turns(self):
        import structures as st
        full = st.ordered_structures()
        ids = [s.id for s in full]
        self.assertEqual(len(ids), len(set(ids)))
        self.assertEqual(ids[:2], ["isolated_atom", "isolated_atom_spin_paired"])
        # the diverse pool opens with an amorphous and a liquid cell, the smallest ones
        diverse = [s for s in full if s.dataset == "diverse"]
        self.assertEqual([s.config_type for s in diverse[:2]], ["amorphous", "liquid"])
        self.assertEqual(len(diverse[0].atoms), min(len(s.atoms) for s in diverse if s.config_type == "amorphous"))
        # with the first 100 finished, they come first (same set) and the turns continue among the rest:
        # the next six are two narrow, two diverse, one curve point, one training dimer
        done = set(ids[:100])
        again = st.ordered_structures(done)
        self.assertEqual(sorted(s.id for s in again), sorted(ids))
        self.assertEqual({s.id for s in again[:100]}, done)
        rest = again[100:106]
        self.assertEqual(sorted(s.dataset for s in rest), sorted(["narrow", "narrow", "diverse", "diverse",
                                                                   "dimer_curve", "dimer"]))
        # finishing the next structure moves the turn on: the structure after it is of another pool
        nxt = again[100]
        after = st.ordered_structures(done | {nxt.id})[101]
        self.assertEqual(after.id, again[101].id)


class QueueTest(unittest.TestCase):
    def test_priority_cheapest_first_and_named_first(self):
        """driver.queue: priority order as given; --cheapest-first by estimated cost (atoms squared within a config
        type), ties in priority order; --first ids before all others, in the order named."""
        import driver
        import structures as st
        todo = [s for s in st.ordered_structures() if s.dataset in ("narrow", "dimer_curve")][:40]
        times = {"a": ("diamond", "periodic", 8, 40.0), "b": ("graphite", "periodic", 8, 40.0),
                 "c": ("graphene", "periodic", 8, 40.0), "d": ("dimer_curve", "molecule", 2, 300.0)}
        self.assertEqual([s.id for s in driver.queue(todo, times)], [s.id for s in todo])
        cheap = driver.queue(todo, times, cheapest_first=True)
        self.assertEqual(sorted(s.id for s in cheap), sorted(s.id for s in todo))
        costs = [driver.estimate([s], times) for s in cheap]
        self.assertEqual(costs, sorted(costs))
        self.assertEqual(len(cheap[0].atoms), min(len(s.atoms) for s in todo if s.dataset == "narrow"))
        for a, b in zip(cheap, cheap[1:]):  # equal cost: priority order kept
            if driver.estimate([a], times) == driver.estimate([b], times):
                self.assertLess(todo.index(a), todo.index(b))
        named = [todo[-1].id, todo[5].id]
        first = driver.queue(todo, times, cheapest_first=True, first=named + ["no-such-id"])
        self.assertEqual([s.id for s in first[:2]], named)
        self.assertEqual([s.id for s in first[2:]], [s.id for s in cheap if s.id not in named])


if __name__ == "__main__":
    unittest.main()
