/** `acelens export` end to end, and eval/dimer/scan on an exported .yace give the model's own numbers. */
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main';
import { ROOT } from './helpers';

const dir = mkdtempSync(join(tmpdir(), 'acelens-export-cli-'));
const narrow = resolve(ROOT, 'assets/carbon-narrow.xyz');

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
    let out = '', err = '';
    const code = await main(argv, { stdout: (t) => { out += t; }, stderr: (t) => { err += t; } });
    return { code, out, err };
}

describe('acelens export', () => {
    const json = join(dir, 'm.json'), yace = join(dir, 'm.yace');
    it('fit --radial acejl, export --yace, then eval/dimer/scan of the .yace agree with the model', async () => {
        const fit = await run('fit', narrow, '--order', '3', '--degree', '10', '--radial', 'acejl', '--workers', '1', '--out', json, '--json');
        expect(fit.code, fit.err).toBe(0);
        const ex = await run('export', '--yace', json, '-o', yace, '--json');
        expect(ex.code, ex.err).toBe(0);
        expect(JSON.parse(ex.out).functionsByRank['2']).toBeGreaterThan(0);
        expect(readdirSync(dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
        const a = JSON.parse((await run('eval', '--model', json, narrow, '--json')).out);
        const b = JSON.parse((await run('eval', '--model', yace, narrow, '--json')).out);
        expect(b.structures.length).toBe(a.structures.length);
        a.structures.forEach((s: { energy: number }, k: number) => expect(Math.abs(b.structures[k].energy - s.energy)).toBeLessThan(1e-9));
        const da = JSON.parse((await run('dimer', '--model', json, '--points', '20', '--json')).out);
        const db = JSON.parse((await run('dimer', '--model', yace, '--points', '20', '--json')).out);
        da.energy.forEach((e: number, k: number) => expect(Math.abs(db.energy[k] - e)).toBeLessThan(1e-10));
        da.contributions['3'].forEach((e: number, k: number) => expect(Math.abs(db.contributions['3'][k] - e)).toBeLessThan(1e-10));
        const sargs = [narrow, '--frame', '5', '--atoms', '0', '1', '--from', '1.2', '--to', '1.6', '--points', '5', '--json'];
        const sa = JSON.parse((await run('scan', '--model', json, ...sargs)).out);
        const sb = JSON.parse((await run('scan', '--model', yace, ...sargs)).out);
        sa.energy.forEach((e: number, k: number) => expect(Math.abs(sb.energy[k] - e)).toBeLessThan(1e-9));
    }, 120_000);

    it('refuses an Agnesi model with one line that says what to do, and writes nothing', async () => {
        const j2 = join(dir, 'agnesi.json'), out = join(dir, 'agnesi.yace');
        expect((await run('fit', narrow, '--order', '2', '--workers', '1', '--out', j2)).code).toBe(0);
        const r = await run('export', '--yace', j2, '-o', out);
        expect(r.code).not.toBe(0);
        expect(r.err.trim().split('\n')).toHaveLength(1);
        expect(r.err).toMatch(/agnesi.*acejl/);
        expect(existsSync(out)).toBe(false);
        // a pair table works for any K = 2 model
        const t = await run('export', '--table', j2, '-o', join(dir, 'c.table'));
        expect(t.code, t.err).toBe(0);
        expect(readFileSync(join(dir, 'c.table'), 'utf8')).toMatch(/\nACELENS_C_C\nN 5000 RSQ 0\.5 5\n/);
        const k3 = await run('export', '--table', json, '-o', join(dir, 'k3.table'));
        expect(k3.err).toMatch(/K = 2.*K = 3/);
    }, 120_000);
});

describe('acelens fit --core-repulsion', () => {
    it('stored in the model, shown by fit/eval/dimer, the dimer at 0.6 Å is on the wall, exported to .yace with it', async () => {
        const plain = join(dir, 'plain.json'), walled = join(dir, 'walled.json'), custom = join(dir, 'custom.json'), yace = join(dir, 'walled.yace');
        const common = [narrow, '--order', '3', '--degree', '10', '--radial', 'acejl', '--workers', '1', '--json'];
        expect((await run('fit', ...common, '--out', plain)).code).toBe(0);
        const fit = await run('fit', ...common, '--core-repulsion', '--out', walled);
        expect(fit.code, fit.err).toBe(0);
        expect(JSON.parse(fit.out).core_repulsion).toEqual({ kind: 'acejl-core', strength: 600, rInner: 1 });
        expect(JSON.parse(readFileSync(walled, 'utf8')).spec.coreRepulsion).toEqual({ kind: 'acejl-core', strength: 600, rInner: 1 });
        const fit2 = await run('fit', ...common.slice(0, -1), '--core-repulsion=300,1.1', '--out', custom);
        expect(fit2.code, fit2.err).toBe(0);
        expect(fit2.out).toMatch(/core {6}ACE\.jl core .* B = 300 eV, r_i = 1\.1 Å/);
        expect((await run('fit', ...common, '--core-repulsion=300', '--out', custom)).err).toMatch(/--core-repulsion: expected B,r_i/);
        // the narrow data have no pair below 1 Å: the wall does not change the fit there
        const ea = JSON.parse((await run('eval', '--model', plain, narrow, '--json')).out);
        const eb = JSON.parse((await run('eval', '--model', walled, narrow, '--json')).out);
        expect(eb.core_repulsion).toMatch(/B = 600 eV, r_i = 1 Å/);
        expect(Math.abs(eb.metrics.energy_rmse_meV_atom - ea.metrics.energy_rmse_meV_atom)).toBeLessThan(1e-6);
        expect((await run('eval', '--model', walled, narrow)).out).toMatch(/core repulsion: ACE\.jl core/);
        // C₂ at 0.6 Å: strongly positive with the wall, the wall's V(0.6) above the model without it
        const dargs = ['--rmin', '0.6', '--rmax', '2', '--points', '15', '--json'];
        const da = JSON.parse((await run('dimer', '--model', plain, ...dargs)).out);
        const db = JSON.parse((await run('dimer', '--model', walled, ...dargs)).out);
        expect(db.r[0]).toBe(0.6);
        console.log(`C₂ at 0.6 Å: ${da.energy[0].toFixed(2)} eV without, ${db.energy[0].toFixed(2)} eV with the core repulsion`);
        expect(db.energy[0]).toBeGreaterThan(30);
        expect(db.energy[0] - da.energy[0]).toBeGreaterThan(60);
        expect(db.force[0]).toBeGreaterThan(100); // eV/Å, pushing the atoms apart
        expect((await run('dimer', '--model', walled, '--points', '5')).out).toMatch(/core repulsion: ACE\.jl core/);
        // export: the .yace carries the wall; loaded back it gives the same dimer
        const ex = await run('export', '--yace', walled, '-o', yace);
        expect(ex.code, ex.err).toBe(0);
        expect(ex.out).toMatch(/core repulsion B = 600 eV, r_i = 1 Å written as ACE\.jl polypairpot \+ reppot/);
        const dy = JSON.parse((await run('dimer', '--model', yace, ...dargs)).out);
        expect(dy.core_repulsion).toMatch(/repulsive core .* r_i = 1 Å/);
        db.energy.forEach((e: number, k: number) => expect(Math.abs(dy.energy[k] - e)).toBeLessThan(1e-9 * Math.max(1, Math.abs(e))));
    }, 300_000);
});
