/**
 * Robustness at scale on real files other people wrote: the GAP-20 carbon training set (Rowe et al. 2020), when
 * ../shared/data/gap20 exists next to the repository. Not part of the repository; skipped (with a message) when
 * absent. Keys as the files have them: per-atom 'force' (singular), 'dft_virial' (9 numbers).
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseExtXyz, writeExtXyz } from '../../src/io/extxyz';
import { readExtXyzFile } from '../../src/io/extxyz-node';
import { cellVolume } from '../../src/structure/frame';
import { aseRead, expectFrameMatchesAse, hasAse, REPO } from './ase-peer';

const DATA = path.resolve(REPO, '..', 'shared', 'data');
const GAP20 = path.join(DATA, 'gap20');
const present = existsSync(GAP20);
if (!present) console.log(`extxyz-gap20: skipped, ${GAP20} is absent (public GAP-20 data is not shipped with acelens)`);

describe.skipIf(!present)('GAP-20 carbon training files', () => {
    const files = present ? readdirSync(GAP20).filter((f) => f.endsWith('.xyz')).sort() : [];
    it('has the 17 config_type files', () => {
        expect(files).toHaveLength(17);
    });
    it('every file reads without error, with labels on every frame', async () => {
        let frames = 0, atoms = 0;
        const t0 = performance.now();
        for (const name of files) {
            const file = path.join(GAP20, name);
            const text = readFileSync(file, 'utf8');
            // independent count of frames: lines that are just an integer followed by a Lattice line
            const lines = text.split('\n');
            let expected = 0;
            for (let i = 0; i + 1 < lines.length; i++) if (/^\s*\d+\s*$/.test(lines[i]) && lines[i + 1].startsWith('Lattice=')) expected++;
            const got = await readExtXyzFile(file);
            expect(got.length, name).toBe(expected);
            const configType = name.replace(/^Training_Dataset_/, '').replace(/\.xyz$/, '');
            for (const [k, f] of got.entries()) {
                const where = `${name} frame ${k}`;
                expect(f.species.every((s) => s === 'C'), where).toBe(true);
                expect(f.pbc, where).toEqual([true, true, true]);
                expect(f.cell && cellVolume(f.cell) > 1, where).toBe(true);
                expect(Number.isFinite(f.energy), `${where} energy`).toBe(true);
                expect(f.forces?.length, `${where} forces ('force')`).toBe(3 * f.natoms);
                expect(f.stress?.length, `${where} stress (from 'dft_virial')`).toBe(9);
                expect(f.configType, where).toBe(configType);
                expect(Object.keys(f.info), `${where} info keys left`).toEqual([]);
                expect(Object.keys(f.arrays), `${where} arrays left`).toEqual([]);
                atoms += f.natoms;
            }
            frames += got.length;
        }
        const seconds = (performance.now() - t0) / 1000;
        console.log(`GAP-20: ${files.length} files, ${frames} frames, ${atoms} atoms read in ${seconds.toFixed(2)} s`);
        expect(frames).toBeGreaterThan(2500);
        expect(atoms).toBeGreaterThan(150000);
    });
    it('stress = −dft_virial/V, and writing gives the file back (same keys, same numbers)', () => {
        const file = path.join(GAP20, 'Training_Dataset_Diamond.xyz');
        const text = readFileSync(file, 'utf8');
        const frames = parseExtXyz(text, { fileName: file });
        const comment = text.split('\n')[1];
        const w = comment.match(/dft_virial="([^"]+)"/)![1].split(' ').map(Number);
        const vol = cellVolume(frames[0].cell!);
        for (let k = 0; k < 9; k++) expect(frames[0].stress![k]).toBeCloseTo(-w[k] / vol, 15);
        const again = parseExtXyz(writeExtXyz(frames));
        expect(again.length).toBe(frames.length);
        const second = writeExtXyz(again).split('\n')[1];
        expect(second).toContain('dft_virial="');
        expect(second).toMatch(/Properties=species:S:1:pos:R:3:force:R:3/);
        again.forEach((f, k) => {
            expect(f.energy).toBe(frames[k].energy);
            expect(Array.from(f.stress!)).toEqual(Array.from(frames[k].stress!));
            expect(Array.from(f.forces!)).toEqual(Array.from(frames[k].forces!));
        });
    });
    it.skipIf(!hasAse())('ASE reads the original and the acelens rewrite of two files identically, and acelens agrees with ASE', () => {
        const tmp = mkdtempSync(path.join(tmpdir(), 'acelens-gap20-'));
        for (const name of ['Training_Dataset_Diamond.xyz', 'Training_Dataset_Graphite_Layer_Sep.xyz']) {
            const file = path.join(GAP20, name);
            const frames = parseExtXyz(readFileSync(file, 'utf8'), { fileName: file });
            const ase = aseRead(file);
            frames.forEach((f, k) => expectFrameMatchesAse(f, ase[k], `${name} frame ${k}`));
            const out = path.join(tmp, name);
            writeFileSync(out, writeExtXyz(frames));
            expect(aseRead(out), name).toEqual(ase);
        }
    });
    it('the chemiscope C-GAP-20U file: energy, free_energy kept in info, stress preferred over virial', async () => {
        const file = path.join(DATA, 'explore_c-gap-20u.xyz');
        if (!existsSync(file)) return;
        const frames = await readExtXyzFile(file);
        expect(frames).toHaveLength(5);
        for (const f of frames) {
            expect(typeof f.info.free_energy).toBe('number');
            const w = f.info.virial as number[];
            const vol = cellVolume(f.cell!);
            for (let k = 0; k < 9; k++) expect(f.stress![k]).toBeCloseTo(-w[k] / vol, 8);
        }
    });
});
