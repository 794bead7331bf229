/**
 * What a basis spec costs, known before the basis is built: the number of one-particle functions (n, l), the
 * largest l, and the number of (n, l) tuples — an estimate of the basis size (exact for ν ≤ 2; for ν ≥ 3 every tuple
 * with an even Σl is counted once, which overcounts tuples without an invariant and undercounts those with several). Counting stops as soon as a limit
 * is passed, so a spec like maxDegree [1e9] or lWeight 1e-9 is refused in microseconds instead of building for
 * minutes. The limits are far above every basis of the reference study (the largest, K = 5 with
 * D = [24, 20, 16, 12], has 930 functions) and are listed in README "Limits".
 */
import { SpecError, type BasisSpec } from './spec';

export const BASIS_LIMITS = {
    /** largest angular index l a basis may use (coupling tables grow as Π (2l+1)) */
    maxL: 20,
    /** one-particle functions (n, l) of one correlation order */
    maxOneParticle: 2000,
    /** (n, l) tuples with even Σl over all orders: the estimate of the basis size */
    maxTuples: 20000,
} as const;

const EPS = 1e-9;

export interface BasisCost {
  /** largest l any order may use */
  lmax: number;
  /** one-particle functions per order ν = 1..K−1 */
  oneParticle: number[];
  /** (n, l) tuples with even Σl per order (the basis has about this many functions) */
  tuples: number[];
  total: number;
}

/** Counts the cost of a (validated) spec; throws SpecError naming the number when a limit is passed. */
export function basisCost(spec: BasisSpec, limits: { maxL: number; maxOneParticle: number; maxTuples: number } = BASIS_LIMITS): BasisCost {
    const { order, maxDegree: D, lWeight: wL } = spec;
    const nmax = spec.nmax ?? Infinity;
    const cost: BasisCost = { lmax: 0, oneParticle: [], tuples: [], total: 0 };
    for (let nu = 1; nu <= order - 1; nu++) {
        const budget = D[nu - 1];
        const single = budget - (nu - 1);
        // l range: 1 + wL·l ≤ single
        const lTop = nu === 1 ? 0 : Math.min(spec.lmax ?? Infinity, Math.floor((single - 1 + EPS) / wL));
        if (lTop > limits.maxL) {
            throw new SpecError(`basis spec: order ν=${nu} (D=${budget}, lWeight=${wL}) allows l up to ${lTop > 1e12 ? lTop.toExponential(2) : lTop}; acelens supports l ≤ ${limits.maxL} (raise lWeight, lower maxDegree or set lmax)`);
        }
        cost.lmax = Math.max(cost.lmax, lTop);
        const pairs: { l: number; d: number }[] = [];
        let count = 0;
        for (let l = 0; l <= lTop; l++) {
            const nTop = Math.min(nmax, Math.floor(single - wL * l + EPS));
            if (nTop < 1) continue;
            count += nTop;
            if (count > limits.maxOneParticle) {
                throw new SpecError(`basis spec: order ν=${nu} (D=${budget}) has more than ${limits.maxOneParticle} one-particle functions (n, l); lower maxDegree or set nmax`);
            }
            for (let n = 1; n <= nTop; n++) pairs.push({ l, d: n + wL * l });
        }
        cost.oneParticle.push(count);
        pairs.sort((a, b) => a.d - b.d);
        // tuples: sorted multisets of ν pairs with Σ degree ≤ budget and even Σl; stops past the limit
        let tuples = 0;
        const left = limits.maxTuples - cost.total;
        const rec = (start: number, k: number, rest: number, lsum: number, l0: number) => {
            if (k === nu) {
                if (nu === 2 && lsum !== 2 * l0) return; // a pair couples to an invariant only with l1 = l2
                if (lsum % 2 === 0 && ++tuples > left) {
                    throw new SpecError(`basis spec: more than ${limits.maxTuples} basis functions (order ν=${nu}, D=${budget}); acelens supports at most ${limits.maxTuples}`);
                }
                return;
            }
            for (let c = start; c < pairs.length; c++) {
                // the remaining factors need degree ≥ 1 each
                if (pairs[c].d + (nu - k - 1) > rest + EPS) break;
                rec(c, k + 1, rest - pairs[c].d, lsum + pairs[c].l, k === 0 ? pairs[c].l : l0);
            }
        };
        rec(0, 0, budget, 0, 0);
        cost.tuples.push(tuples);
        cost.total += tuples;
    }
    return cost;
}
