/**
 * The smoothness prior Γ of the Tikhonov term λ‖Γc‖² (diagonal, algebraic in the degree):
 *
 *   Γ_kk = (1 + Σ_t [(n_t − 1) + w_L·l_t])^p
 *
 * with the function's tuple (n_t, l_t), t = 1..ν (n 1-based, so n − 1 is the polynomial degree of R_n) and
 * w_L the basis' l weight. The smoothest functions (n = 1, l = 0 everywhere) get Γ = 1; rough ones —
 * high radial degree or high angular momentum — cost algebraically more. p = 0 is plain ridge regression.
 * The bracket equals the basis' own selection degree Σ_t (n_t + w_L l_t) minus ν.
 */
import type { AceBasis } from '../ace/basis';

export const DEFAULT_PRIOR_EXPONENT = 2;

export function smoothnessPrior(basis: AceBasis, exponent = DEFAULT_PRIOR_EXPONENT): Float64Array {
    const w = basis.spec.lWeight;
    const g = new Float64Array(basis.size);
    for (let k = 0; k < basis.size; k++) {
        const f = basis.functions[k];
        let d = 0;
        for (let t = 0; t < f.n.length; t++) d += f.n[t] - 1 + w * f.l[t];
        g[k] = Math.pow(1 + d, exponent);
    }
    return g;
}
