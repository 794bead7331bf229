/**
 * Seeded fuzzing of the reader and the engine behind it (issue 21): a few hundred mutants of the embedded
 * datasets per run — numbers swapped, made non-finite or absurd, keys spelt with look-alike characters, lines
 * deleted, duplicated or made huge, control characters inserted, cells made tiny or flat, atoms thrown far
 * away — each read and, when accepted, evaluated with a small model. Asserted for every mutant:
 *  - nothing but a located error: a refusal is an ExtXyzError "mutant-N.xyz:LINE: frame F: …" (no stack, no
 *    raw control characters, capped) and an engine refusal a FrameError/SpecError naming what is wrong;
 *  - no silent acceptance: an accepted mutant's labels are the original labels except the edit made (which
 *    reads back exactly), and a label lost to a misspelt key comes with a warning naming the line;
 *  - no hang: every case finishes under a generous bound (it would otherwise be stuck, not slow).
 * Same seed, same mutants: a failure names the case and reproduces.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ExtXyzReader } from '../../src/io/extxyz-reader';
import { ExtXyzError } from '../../src/io/extxyz-error';
import { AceBasis } from '../../src/ace/basis';
import { predict } from '../../src/ace/evaluate';
import { FrameError, type Frame } from '../../src/structure/frame';
import { seededRandom } from '../../src/util/random';

const SEED = 2026_21;
const MUTANTS = 300;
/** a case that takes longer than this is stuck, not slow (each reads a few kB and evaluates a K=2 model) */
const CASE_BOUND_MS = 10_000;

const assets = join(import.meta.dirname, '../../assets');
/** the first frames of two embedded files (periodic bulk and non-periodic dimers), as text lines */
function baseLines(file: string, frames: number): string[] {
    const lines = readFileSync(join(assets, file), 'utf8').split('\n');
    const out: string[] = [];
    let k = 0;
    for (let f = 0; f < frames; f++) {
        const n = Number(lines[k]);
        out.push(...lines.slice(k, k + n + 2));
        k += n + 2;
    }
    return out;
}
const BASES = [baseLines('carbon-narrow.xyz', 4), baseLines('c2-dimers.xyz', 4)];

function read(text: string, fileName: string): { frames: Frame[]; warnings: string[] } {
    const reader = new ExtXyzReader({ fileName });
    const frames = reader.push(text);
    frames.push(...reader.finish());
    return { frames, warnings: reader.warnings };
}

type Kind = 'number' | 'nonfinite' | 'lookalike' | 'delete' | 'duplicate' | 'control' | 'longline' | 'tinycell' | 'faraway';
const KINDS: Kind[] = ['number', 'nonfinite', 'lookalike', 'delete', 'duplicate', 'control', 'longline', 'tinycell', 'faraway'];

interface Mutant {
  kind: Kind;
  lines: string[];
  /** 1-based line edited */
  line: number;
  /** number: the new value written */
  value?: number;
}

const isAtomLine = (lines: string[], i: number) => /^[A-Z][a-z]?\s/.test(lines[i]);
const isComment = (lines: string[], i: number) => /Properties=/.test(lines[i]);

function mutate(base: string[], rnd: () => number): Mutant {
    const lines = base.slice();
    const pick = (pred: (i: number) => boolean) => {
        const idx = lines.map((_, i) => i).filter(pred);
        return idx[Math.floor(rnd() * idx.length)];
    };
    const kind = KINDS[Math.floor(rnd() * KINDS.length)];
    switch (kind) {
        case 'number': case 'nonfinite': case 'faraway': {
            const i = pick((j) => isAtomLine(lines, j));
            const f = lines[i].trim().split(/\s+/);
            const k = kind === 'faraway' ? 1 + Math.floor(rnd() * 3) : 1 + Math.floor(rnd() * (f.length - 1));
            const value = kind === 'number' ? Number((rnd() * 20 - 10).toFixed(6)) : kind === 'faraway' ? [1e20, -1e20, 1e308, -1e308, 1e7][Math.floor(rnd() * 5)] : NaN;
            f[k] = kind === 'nonfinite' ? ['nan', 'NaN', 'inf', '-inf', 'Infinity', '1e999'][Math.floor(rnd() * 6)] : String(value);
            lines[i] = f.join(' ');
            return { kind, lines, line: i + 1, value };
        }
        case 'lookalike': {
            const i = pick((j) => isComment(lines, j));
            const key = ['energy=', 'forces:R:3', 'config_type='][Math.floor(rnd() * 3)];
            const at = lines[i].indexOf(key);
            const c = 1 + Math.floor(rnd() * 3);
            const bad = ['\u2212', '\ufffd', '\u0000', '\u200b'][Math.floor(rnd() * 4)];
            if (at >= 0) lines[i] = lines[i].slice(0, at + c) + bad + lines[i].slice(at + c + 1);
            return { kind, lines, line: i + 1 };
        }
        case 'delete': case 'duplicate': {
            const i = pick((j) => lines[j].trim() !== '');
            if (kind === 'delete') lines.splice(i, 1); else lines.splice(i, 0, lines[i]);
            return { kind, lines, line: i + 1 };
        }
        case 'control': {
            const i = pick(() => true);
            const at = Math.floor(rnd() * (lines[i].length + 1));
            const ctl = ['\u001b]0;pwned\u0007', '\u001b[31m', '\u0000', '\u0008', '\r'][Math.floor(rnd() * 5)];
            lines[i] = lines[i].slice(0, at) + ctl + lines[i].slice(at);
            return { kind, lines, line: i + 1 };
        }
        case 'longline': {
            const i = pick(() => true);
            lines[i] = lines[i] + ' ' + 'x'.repeat(1_100_000 + Math.floor(rnd() * 1000));
            return { kind, lines, line: i + 1 };
        }
        case 'tinycell': {
            const i = pick((j) => isComment(lines, j) && /Lattice=/.test(lines[j]));
            const cell = ['0.01 0 0 0 0.01 0 0 0 0.01', '3 0 0 0 3 0 0 0 0.001', '1e-5 0 0 0 5 0 0 0 5', '2 0 0 2 1e-9 0 0 0 2'][Math.floor(rnd() * 4)];
            lines[i] = lines[i].replace(/Lattice="[^"]*"/, `Lattice="${cell}"`).replace(/pbc="[^"]*"/, 'pbc="T T T"');
            return { kind, lines, line: i + 1 };
        }
    }
}

const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f]/;

/** The DFT labels of a frame, for comparing an accepted mutant with the original. */
function labels(f: Frame) {
    return { energy: f.energy ?? null, forces: f.forces ? Array.from(f.forces) : null, configType: f.configType ?? null };
}

describe('fuzzed extended XYZ (seeded mutants of the embedded datasets)', () => {
    const basis = AceBasis.create({ order: 2, variant: 'standard', rcut: 5, rin: 0, r0: 1.287, maxDegree: [6], lWeight: 1.5 });
    const coefficients = Float64Array.from({ length: basis.size }, (_, k) => 0.1 / (k + 1));
    const originals = BASES.map((b) => read(b.join('\n') + '\n', 'base.xyz').frames);

    it(`${MUTANTS} mutants: located errors or honest acceptance, never a crash or a hang`, () => {
        const rnd = seededRandom(SEED);
        const counts: Record<string, number> = {};
        let slowest = 0;
        for (let m = 0; m < MUTANTS; m++) {
            const b = Math.floor(rnd() * BASES.length);
            const mutant = mutate(BASES[b], rnd);
            const name = `mutant-${m}.xyz`;
            const where = `case ${m} (${mutant.kind}, line ${mutant.line}, seed ${SEED})`;
            const t0 = performance.now();
            let result: { frames: Frame[]; warnings: string[] } | null = null;
            try {
                result = read(mutant.lines.join('\n') + '\n', name);
            } catch (err) {
                if (!(err instanceof ExtXyzError)) throw new Error(`${where}: not a reader error: ${String(err)}`);
                expect(err.message, where).toMatch(new RegExp(`^${name.replace('.', '\\.')}:\\d+: frame \\d+: `));
                expect(CONTROL.test(err.message), `${where}: raw control character in ${JSON.stringify(err.message.slice(0, 200))}`).toBe(false);
                expect(err.message.length, where).toBeLessThan(1600);
                counts[`${mutant.kind} refused`] = (counts[`${mutant.kind} refused`] ?? 0) + 1;
            }
            if (result) {
                counts[`${mutant.kind} accepted`] = (counts[`${mutant.kind} accepted`] ?? 0) + 1;
                const orig = originals[b];
                // never refused: non-finite numbers and over-long lines
                expect(mutant.kind === 'nonfinite' || mutant.kind === 'longline', `${where}: accepted`).toBe(false);
                if (mutant.kind === 'number') {
                    // exactly the edited value changed, and it reads back as written
                    const changed: number[] = [];
                    result.frames.forEach((f, i) => {
                        const a = [...f.positions, ...(f.forces ?? [])], o = [...orig[i].positions, ...(orig[i].forces ?? [])];
                        a.forEach((v, k) => { if (v !== o[k]) changed.push(v); });
                        expect(f.energy, where).toBe(orig[i].energy);
                    });
                    expect(changed.length, where).toBeLessThanOrEqual(1);
                    if (changed.length === 1) expect(changed[0], where).toBe(mutant.value);
                } else if (mutant.kind === 'lookalike') {
                    const lost = result.frames.some((f, i) => JSON.stringify(labels(f)) !== JSON.stringify(labels(orig[i])));
                    if (lost) expect(result.warnings.some((w) => w.startsWith(`${name}:${mutant.line}: `)), `${where}: a label was lost without a warning`).toBe(true);
                } else if (mutant.kind !== 'control' && mutant.kind !== 'delete' && mutant.kind !== 'duplicate') {
                    // cells and far-away atoms: the labels are the original ones
                    result.frames.forEach((f, i) => expect(labels(f), where).toEqual(labels(orig[i])));
                } else {
                    // a deleted/duplicated/escaped line that still reads: no frame's energy or forces changed silently
                    result.frames.forEach((f, i) => {
                        if (i < orig.length && f.natoms === orig[i].natoms) expect({ e: f.energy ?? null, F: f.forces ? Array.from(f.forces) : null }, where).toEqual({ e: orig[i].energy ?? null, F: orig[i].forces ? Array.from(orig[i].forces!) : null });
                    });
                }
                // the engine on whatever was accepted: a finite prediction or a refusal that says why
                for (const f of result.frames) {
                    if (f.species.some((s) => s !== 'C')) continue;
                    try {
                        const p = predict(basis, coefficients, -1.36, f, { forces: true });
                        expect(Number.isFinite(p.energy), `${where}: energy ${p.energy}`).toBe(true);
                    } catch (err) {
                        if (!(err instanceof FrameError)) throw new Error(`${where}: engine failed with ${String(err)}`);
                        expect(err.message, where).toMatch(/neighbour list: /);
                    }
                }
            }
            const ms = performance.now() - t0;
            slowest = Math.max(slowest, ms);
            expect(ms, `${where}: took ${ms.toFixed(0)} ms (stuck?)`).toBeLessThan(CASE_BOUND_MS);
        }
        console.log(`fuzz: ${MUTANTS} mutants, slowest case ${slowest.toFixed(0)} ms;`, counts);
        // every kind of mutation was tried
        for (const k of KINDS) expect(Object.keys(counts).some((c) => c.startsWith(k)), k).toBe(true);
    }, 120_000);
});
