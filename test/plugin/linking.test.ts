/** plugin/workspace/linking.ts: waiting for Mol*'s state tree to be idle (its isUpdating behaviour, no polling). */
import { BehaviorSubject } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { stateIdle } from '../../plugin/workspace/linking';

const pluginWith = (isUpdating: BehaviorSubject<boolean>) => ({ behaviors: { state: { isUpdating } } }) as any;

describe('stateIdle', () => {
    it('resolves at once (same task) when no update is running', async () => {
        let done = false;
        const p = stateIdle(pluginWith(new BehaviorSubject(false))).then(() => { done = true; });
        await Promise.resolve();
        expect(done).toBe(true);
        await p;
    });

    it('waits while an update runs and resolves when Mol* says it is over; unsubscribes', async () => {
        const updating = new BehaviorSubject(true);
        let done = false;
        const p = stateIdle(pluginWith(updating)).then(() => { done = true; });
        await new Promise(r => setTimeout(r, 20));
        expect(done).toBe(false);
        expect(updating.observed).toBe(true);
        updating.next(false);
        await p;
        expect(done).toBe(true);
        expect(updating.observed).toBe(false);
    });

    it('gives up after its timeout when the update never ends', async () => {
        const updating = new BehaviorSubject(true);
        await stateIdle(pluginWith(updating), 30);
        expect(updating.value).toBe(true);
        expect(updating.observed).toBe(false);
    });
});
