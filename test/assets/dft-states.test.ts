/**
 * The DFT driver's state bookkeeping (tools/dft/states.py, no GPAW needed): which candidate states a
 * structure has, the lowest kept in full, partial records completed without recomputing. Runs the Python
 * unit tests with the system Python, as the DFT scripts do.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PYTHON, REPO } from '../io/ase-peer';

describe.skipIf(!existsSync(PYTHON))('tools/dft/states.py', () => {
    it('passes its unit tests (tools/dft/test_states.py)', () => {
        const r = spawnSync(PYTHON, ['tools/dft/test_states.py', '-v'], { cwd: REPO, encoding: 'utf8', timeout: 60_000 });
        expect(r.stderr).toMatch(/Ran [1-9]\d* tests?/);
        expect(r.status, r.stderr).toBe(0);
        expect(r.stderr).toMatch(/\nOK\s*$/);
    });
});
