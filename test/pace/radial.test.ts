/** The radial option: 'acejl' (ML-PACE's ACE.jl.base) radials and backward compatibility of 'agnesi'. */
import { describe, expect, it } from 'vitest';
import { RadialBasis, DEFAULT_RADIAL, legendreRecursion } from '../../src/ace/radial';
import { validateSpec, paperSpec, SpecError } from '../../src/ace/spec';
import { AceBasis } from '../../src/ace/basis';
import { predict } from '../../src/ace/evaluate';
import { cluster } from '../../src/structure/build';

function values(rb: RadialBasis, r: number) {
    const R = new Float64Array(rb.nmax), dR = new Float64Array(rb.nmax);
    rb.evaluate(r, R, dR, new Float64Array(2));
    return { R, dR };
}

describe('acejl radial', () => {
    const rb = new RadialBasis(12, 5, 0, 1.287, { kind: 'acejl', p: 2, pl: 2, pr: 0 });
    it('derivatives match central finite differences', () => {
        for (const r of [0.7, 1.3, 2.2, 3.9, 4.95]) {
            const { dR } = values(rb, r);
            const h = 1e-6;
            const p = values(rb, r + h).R, m = values(rb, r - h).R;
            for (let n = 0; n < 12; n++) expect(Math.abs((p[n] - m[n]) / (2 * h) - dR[n])).toBeLessThan(1e-6 * (1 + Math.abs(dR[n])));
        }
    });
    it('vanishes with its first derivative at the cutoff and is orthonormal Legendre in t times the envelope', () => {
        const a = values(rb, 5 - 1e-7);
        for (let n = 0; n < 12; n++) { expect(Math.abs(a.R[n])).toBeLessThan(1e-10); expect(Math.abs(a.dR[n])).toBeLessThan(1e-4); }
        // R_n / f at x: √(2n−1) P_{n−1}(t) A_0; check n = 3 at an interior point
        const r = 2.0, x = ((1 + 1.287) / (1 + r)) ** 2, xl = rb.xl, xr = rb.xr;
        const t = (2 * (x - xl)) / (xr - xl) - 1, f = (x - xl) ** 2 / (xr - xl) ** 2;
        const { R } = values(rb, r);
        expect(R[2]).toBeCloseTo(Math.sqrt(5) * 0.5 * (3 * t * t - 1) * f, 13);
    });
    it('recursion coefficients reproduce Legendre polynomials', () => {
        const { A, B, C } = legendreRecursion(5, 0, 2, 0); // t = x − 1
        const x = 1.3, t = 0.3;
        const P = [A[0]];
        P.push((A[1] * x + B[1]) * P[0]);
        for (let n = 2; n < 5; n++) P.push((A[n] * x + B[n]) * P[n - 1] + C[n] * P[n - 2]);
        expect(P[4]).toBeCloseTo(3 * ((35 * t ** 4 - 30 * t * t + 3) / 8), 13);
    });
});

describe('radial spec', () => {
    it('a spec without radial is the Agnesi default, bit for bit', () => {
        const old = paperSpec(3);
        const explicit = { ...paperSpec(3), radial: { ...DEFAULT_RADIAL } };
        const frame = cluster([0, 0, 0, 1.4, 0.1, 0, 0.3, 1.3, 0.2]);
        const b1 = AceBasis.create(old), b2 = AceBasis.create(explicit);
        const c = new Float64Array(b1.size).map((_, k) => Math.sin(k));
        const p1 = predict(b1, c, 0, frame, { forces: true }), p2 = predict(b2, c, 0, frame, { forces: true });
        expect(p2.energy).toBe(p1.energy);
        expect(Array.from(p2.forces)).toEqual(Array.from(p1.forces));
        expect(validateSpec(old).radial).toBeUndefined();
    });
    it('validates every parameter with a message naming it', () => {
        expect(validateSpec({ ...paperSpec(2), radial: { kind: 'acejl', p: 2, pl: 2, pr: 0 } }).radial).toEqual({ kind: 'acejl', p: 2, pl: 2, pr: 0 });
        expect(() => validateSpec({ ...paperSpec(2), radial: { kind: 'acejl', p: 1.5, pl: 2, pr: 0 } })).toThrow(/'p' must be an integer/);
        expect(() => validateSpec({ ...paperSpec(2), radial: { kind: 'bessel' } })).toThrow(SpecError);
        expect(() => validateSpec({ ...paperSpec(2), radial: { kind: 'agnesi', p: 4, q: 2, a: 1, envelope: 2 } })).toThrow(/0 < p < q/);
        expect(() => validateSpec({ ...paperSpec(2), radial: { kind: 'acejl', p: 2, pl: 2, pr: 0, xl: 1 } })).toThrow(/unknown key 'xl'/);
    });
});
