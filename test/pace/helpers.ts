/** Shared helpers of the ML-PACE comparison tests: build/locate the driver, run it, make test models. */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AceBasis } from '../../src/ace/basis';
import type { BasisSpec } from '../../src/ace/spec';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const PEERS = resolve(ROOT, '../shared/peers');

let driver: string | null | undefined;
/** Path of the ML-PACE JSON driver (built once, cached in .peers-build/), or null with the reason logged. */
export function paceDriver(): string | null {
    if (driver !== undefined) return driver;
    if (!existsSync(resolve(PEERS, 'lammps-user-pace-99aa6e6.tar.gz'))) {
        console.warn(`ML-PACE checks skipped: ${PEERS} (the ML-PACE source) is absent`);
        driver = null;
        return driver;
    }
    const r = spawnSync(resolve(ROOT, 'tools/peers/build-mlpace.sh'), { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`building ML-PACE failed (${r.status}): ${r.stderr}`);
    driver = r.stdout.trim().split('\n').pop()!;
    return driver;
}

export interface PaceFrameResult { frame: number; natoms: number; energy: number; per_atom: number[]; forces: number[] }

/** Runs the driver on a potential and an extxyz file; one result per frame. */
export function runPace(potential: string, xyz: string, evaluator = 'rec'): PaceFrameResult[] {
    const out = execFileSync(paceDriver()!, [potential, xyz, '--eval', evaluator], { encoding: 'utf8', maxBuffer: 1 << 28 });
    return out.trim().split('\n').map((l) => JSON.parse(l)).filter((o) => 'frame' in o);
}

/** Deterministic pseudo-random coefficients ~ N(0, 1)/(1 + degree)², a smooth model-like vector. */
export function testCoefficients(basis: AceBasis, seed = 1): Float64Array {
    let s = seed >>> 0;
    const rnd = () => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s / 2 ** 32; };
    const c = new Float64Array(basis.size);
    for (let k = 0; k < basis.size; k++) {
        const u = rnd() || 1e-12, v = rnd();
        c[k] = (Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v)) / (1 + basis.degree[k]) ** 2;
    }
    return c;
}

export const ACEJL = { kind: 'acejl', p: 2, pl: 2, pr: 0 } as const;

export function acejlSpec(order: number, variant: 'standard' | 'purified', degrees: number[]): BasisSpec {
    return { order, variant, rcut: 5, rin: 0, r0: 1.287, maxDegree: degrees.slice(0, order - 1), lWeight: 1.5, radial: { ...ACEJL } };
}
