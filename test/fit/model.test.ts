import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { predict } from '../../src/ace/evaluate';
import { fitModel } from '../../src/fit/fit';
import { Model, ModelError, parseModel, serializeModel, type ModelFile } from '../../src/model/model';
import { loadModel, readModelFile, saveModel, sha256File } from '../../src/model/model-node';
import { makeFrame } from '../../src/structure/frame';
import { smallSpec, syntheticData } from './data';

describe('model file', () => {
    let file: ModelFile;
    const dir = mkdtempSync(join(tmpdir(), 'acelens-model-'));
    beforeAll(async () => {
        const spec = smallSpec(3);
        const { frames } = syntheticData(spec, 8, 71);
        file = (await fitModel(frames, { spec, lambda: 1e-5, provenance: { train: [{ name: 'train.xyz', sha256: 'ab'.repeat(32), structures: 9, atoms: 50 }] } })).model;
    });

    it('round-trips through JSON exactly and predicts like the engine', () => {
        const path = join(dir, 'm.json');
        saveModel(path, file);
        const back = readModelFile(path);
        expect(back).toEqual(file);
        expect(back.coefficients).toEqual(file.coefficients); // bit-exact numbers
        const m = loadModel(path);
        const frame = makeFrame({ positions: [0, 0, 0, 1.4, 0, 0, 0.7, 1.2, 0] });
        const a = m.predict(frame);
        const b = predict(m.basis, Float64Array.from(file.coefficients), file.e0, frame);
        expect(a.energy).toBe(b.energy);
        expect(Array.from(a.forces)).toEqual(Array.from(b.forces));
        expect(back.format).toBe('acelens-model');
        expect(back.version).toBe(1);
        expect(back.data.files[0]).toMatchObject({ role: 'train', name: 'train.xyz' });
        expect(back.fit.solver.method).toMatch(/cholesky|eigen/);
    });

    it('rejects another version, another format, corrupt JSON (with its line), and bad numbers', () => {
        const text = serializeModel(file);
        const obj = JSON.parse(text);
        expect(() => parseModel(JSON.stringify({ ...obj, version: 2 }), 'm.json')).toThrow(/m.json: model format version 2 is newer.*upgrade/);
        expect(() => parseModel(JSON.stringify({ ...obj, version: 0 }), 'm.json')).toThrow(/version 0 is not supported/);
        expect(() => parseModel(JSON.stringify({ ...obj, format: 'something' }), 'm.json')).toThrow(/not an acelens model file/);
        const lines = text.split('\n');
        lines[5] = lines[5].slice(0, -3); // cut a line short
        expect(() => parseModel(lines.join('\n'), 'm.json')).toThrow(/^m.json:(6|7): not a valid model file: corrupt JSON/);
        expect(() => parseModel(text.slice(0, 100), 'm.json')).toThrow(/corrupt JSON/);
        expect(() => parseModel(JSON.stringify({ ...obj, coefficients: [...obj.coefficients.slice(1), 'x'] }), 'm.json')).toThrow(/coefficients\[\d+\] must be number, got "x"/);
        expect(() => parseModel(JSON.stringify({ ...obj, e0: null }), 'm.json')).toThrow(/e0 must be number, got null/);
        expect(() => parseModel(JSON.stringify({ ...obj, spec: { ...obj.spec, order: 9 } }), 'm.json')).toThrow(/spec.order must be <= 5, got 9/);
        // coefficient count must match the basis of the spec
        const fewer = parseModel(JSON.stringify({ ...obj, nbasis: obj.nbasis - 1, coefficients: obj.coefficients.slice(1) }), 'm.json');
        expect(() => new Model(fewer, 'm.json')).toThrow(ModelError);
        expect(() => new Model(fewer, 'm.json')).toThrow(/m.json: the basis of its spec has \d+ functions but the model has/);
    });

    it('stores a core repulsion in the spec: read back, predicted with, bad values refused naming the field', () => {
        const obj = JSON.parse(serializeModel(file));
        const core = { kind: 'acejl-core', strength: 600, rInner: 1.0 };
        const m = new Model(parseModel(JSON.stringify({ ...obj, spec: { ...obj.spec, coreRepulsion: core } }), 'm.json'), 'm.json');
        expect(m.spec.coreRepulsion).toEqual(core);
        const plain = new Model(parseModel(serializeModel(file), 'm.json'));
        const c2 = makeFrame({ positions: [0, 0, 0, 0.6, 0, 0] });
        // V(0.6 Å) = 600((1/0.6)e^(−0.4) − 1) ≈ 70.2 eV on top of the fitted part
        expect(m.predict(c2).energy - plain.predict(c2).energy).toBeCloseTo(600 * (Math.exp(-0.4) / 0.6 - 1), 9);
        const bad = (cr: unknown) => () => parseModel(JSON.stringify({ ...obj, spec: { ...obj.spec, coreRepulsion: cr } }), 'm.json');
        expect(bad({ ...core, strength: -1 })).toThrow(/spec.coreRepulsion.strength must be > 0, got -1/);
        expect(bad({ ...core, zbl: true })).toThrow(/coreRepulsion.*zbl/);
        expect(bad({ ...core, rInner: 6 })).toThrow(/'rInner' \(r_i, Å\) must satisfy 0 < r_i < rcut/);
        expect(bad({ kind: 'zbl', strength: 1, rInner: 1 })).toThrow(/coreRepulsion.kind must be equal to one of the allowed values/);
    });

    it('names the file when it is missing', () => {
        expect(() => loadModel(join(dir, 'nope.json'))).toThrow(/nope.json: cannot read the model file: no such file/);
    });

    it('sha256File hashes the bytes', async () => {
        const p = join(dir, 'x.txt');
        writeFileSync(p, 'abc');
        expect(await sha256File(p)).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
        expect(readFileSync(p, 'utf8')).toBe('abc');
    });
});
