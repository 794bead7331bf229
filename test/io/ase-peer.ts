/** Helpers for tests that compare acelens with ASE (the real peer): expected JSON as ase_read.py prints it. */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { expect } from 'vitest';
import { cellVolume, type Frame } from '../../src/structure/frame';
import { isRealInfoKey } from '../../src/io/extxyz-info';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const FIXTURES = path.join(REPO, 'test', 'fixtures', 'ase');
export const PYTHON = '/usr/bin/python3';

export interface AseFrame {
  natoms: number;
  symbols: string[];
  positions: number[][];
  cell: number[][] | null;
  pbc: boolean[];
  energy: number | null;
  free_energy: number | null;
  forces: number[][] | null;
  stress: number[][] | null;
  info: Record<string, unknown>;
  info_types: Record<string, string>;
  arrays: Record<string, { kind: string; shape: number[]; values: unknown[] }>;
}

let aseAvailable: boolean | null = null;
/** True when /usr/bin/python3 can import ase. */
export function hasAse(): boolean {
    if (aseAvailable === null) {
        try {
            execFileSync(PYTHON, ['-c', 'import ase.io.extxyz'], { stdio: 'ignore' });
            aseAvailable = existsSync(PYTHON);
        } catch {
            aseAvailable = false;
        }
    }
    return aseAvailable;
}

/** What ASE reads from a file (spawns tools/fixtures/ase_read.py). */
export function aseRead(file: string): AseFrame[] {
    const out = execFileSync(PYTHON, [path.join(REPO, 'tools', 'fixtures', 'ase_read.py'), file], { encoding: 'utf8' });
    return JSON.parse(out) as AseFrame[];
}

export function close(a: number, b: number, rel = 1e-10, abs = 0): boolean {
    if (a === b) return true;
    return Math.abs(a - b) <= Math.max(abs, rel * Math.max(Math.abs(a), Math.abs(b)));
}

export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string, rel = 1e-10, abs = 0): void {
    expect(actual.length, `${what}: length`).toBe(expected.length);
    for (let i = 0; i < expected.length; i++) {
        if (!close(actual[i], expected[i], rel, abs)) {
            throw new Error(`${what}[${i}]: acelens ${actual[i]} vs ASE ${expected[i]} (rel tol ${rel}, abs tol ${abs})`);
        }
    }
}

const flat = (m: number[][]) => m.flat();
const KIND_TO_TYPE: Record<string, string> = { i: 'I', f: 'R', b: 'L', U: 'S', O: 'S' };

/**
 * Assert that an acelens Frame holds exactly what ASE read: positions, cell, pbc, energy, forces, stress,
 * config_type, every other info key (value and int/float/bool/str type) and every extra per-atom array.
 * `abs` loosens numbers for files written with 8 decimals.
 */
export function expectFrameMatchesAse(f: Frame, a: AseFrame, where: string, abs = 0): void {
    expect(f.natoms, `${where}: natoms`).toBe(a.natoms);
    expect(f.species, `${where}: species`).toEqual(a.symbols);
    expectClose(f.positions, flat(a.positions), `${where}: positions`, 1e-10, abs);
    if (a.cell === null) expect(f.cell, `${where}: cell`).toBeNull();
    else expectClose(f.cell!, flat(a.cell), `${where}: cell`);
    expect(f.pbc, `${where}: pbc`).toEqual(a.pbc);

    const info = { ...a.info };
    const types = { ...a.info_types };
    const consumed = (k: string) => { delete info[k]; delete types[k]; };
    // energy: 'energy', else 'free_energy' (acelens' default key order)
    const eKey = a.energy !== null ? 'energy' : a.free_energy !== null ? 'free_energy' : null;
    if (eKey === null) expect(f.energy, `${where}: energy`).toBeUndefined();
    else {
        expectClose([f.energy!], [(a as unknown as Record<string, number>)[eKey]], `${where}: energy`);
        consumed(eKey);
    }
    const arrays = { ...a.arrays };
    if (a.forces !== null) {
        expectClose(f.forces!, flat(a.forces), `${where}: forces`, 1e-10, abs);
        delete arrays.forces; // ASE keeps the forces column in arrays too; acelens has it in frame.forces
    } else if (arrays.force) {
    // ASE does not know 'force' (singular, GAP files): an ordinary array there, frame.forces here
        expectClose(f.forces!, arrays.force.values.flat() as number[], `${where}: forces from 'force'`, 1e-10, abs);
        delete arrays.force;
    } else expect(f.forces, `${where}: forces`).toBeUndefined();
    if (a.stress !== null) {
        expectClose(f.stress!, flat(a.stress), `${where}: stress`);
        consumed('stress');
    } else if (Array.isArray(info.virial) || Array.isArray(info.dft_virial)) {
        const key = Array.isArray(info.virial) ? 'virial' : 'dft_virial';
        const w = info[key] as number[]; // 9 numbers in the file's (Fortran) order, symmetric
        const vol = cellVolume(flat(a.cell!));
        expectClose(f.stress!, w.map((x) => -x / vol), `${where}: stress from ${key}`);
        consumed(key);
    } else expect(f.stress, `${where}: stress`).toBeUndefined();
    if ('config_type' in info) {
        expect(f.configType, `${where}: config_type`).toBe(String(info.config_type));
        consumed('config_type');
    } else expect(f.configType, `${where}: config_type`).toBeUndefined();

    expect(Object.keys(f.info).sort(), `${where}: info keys`).toEqual(Object.keys(info).sort());
    for (const [k, v] of Object.entries(info)) {
        const mine = f.info[k];
        const t = types[k];
        const w = `${where}: info.${k}`;
        switch (t) {
            case 'int':
                expect(mine, w).toBe(v);
                expect(isRealInfoKey(f.info, k), `${w} is an integer`).toBe(false);
                break;
            case 'float':
                expect(typeof mine, w).toBe('number');
                expectClose([mine as number], [v as number], w);
                expect(isRealInfoKey(f.info, k), `${w} is a real`).toBe(true);
                break;
            case 'int[]': case 'float[]':
                expectClose(mine as number[], v as number[], w);
                expect(isRealInfoKey(f.info, k), `${w} real-ness`).toBe(t === 'float[]');
                break;
            case 'bool': case 'bool[]': case 'str':
                expect(mine, w).toEqual(v);
                break;
            case 'json':
                // flat string lists are typed; anything else is kept as the raw '_JSON ...' text
                if (typeof mine === 'string' && mine.startsWith('_JSON ')) expect(JSON.parse(mine.slice(6)), w).toEqual(v);
                else expect(mine, w).toEqual(v);
                break;
            default:
                throw new Error(`${w}: unknown ASE type ${t}`);
        }
    }

    expect(Object.keys(f.arrays).sort(), `${where}: arrays`).toEqual(Object.keys(arrays).sort());
    for (const [name, arr] of Object.entries(arrays)) {
        const mine = f.arrays[name];
        expect(mine.type, `${where}: arrays.${name} type`).toBe(KIND_TO_TYPE[arr.kind]);
        expect(mine.ncols, `${where}: arrays.${name} ncols`).toBe(arr.shape.length === 1 ? 1 : arr.shape[1]);
        const values = (arr.values as unknown[]).flat();
        if (mine.type === 'R') expectClose(mine.values as Float64Array, values as number[], `${where}: arrays.${name}`, 1e-10, abs);
        else expect(Array.from(mine.values as ArrayLike<unknown>), `${where}: arrays.${name}`).toEqual(values);
    }
}
