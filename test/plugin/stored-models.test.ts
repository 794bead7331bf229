/** Stored models that fail the checks when the page loads: named with the failing field, kept until removed, the rest loads. */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AcelensStore } from '../../plugin/store';

const ModelPath = join(import.meta.dirname, '../../docs/reproduce/models/dimers-standard-K2.json');
const Key = 'acelens.models.v1';

function memoryStorage(initial: Record<string, string> = {}): Storage {
    const m = new Map(Object.entries(initial));
    return {
        get length() { return m.size; },
        clear: () => m.clear(),
        getItem: (k: string) => m.get(k) ?? null,
        key: (i: number) => [...m.keys()][i] ?? null,
        removeItem: (k: string) => { m.delete(k); },
        setItem: (k: string, v: string) => { m.set(k, String(v)); },
    };
}

describe('stored models on reload', () => {
    const good = () => JSON.parse(readFileSync(ModelPath, 'utf8'));

    it('a model failing the schema is refused with its name and the failing field; the others load; it stays stored until removed', () => {
        const bad = good();
        delete bad.metrics.valid;
        const storage = memoryStorage({ [Key]: JSON.stringify({ models: [{ id: 'a', name: 'good one', file: good() }, { id: 'b', name: 'old one', file: bad }], active: 'b' }) });
        const store = new AcelensStore(storage);
        expect(store.models.value.map(m => m.name)).toEqual(['good one']);
        expect(store.activeModelId.value).toBe('a');
        expect(store.rejected.value).toHaveLength(1);
        const r = store.rejected.value[0];
        expect(r.name).toBe('old one');
        expect(r.reason).toMatch(/^old one: not a valid model file: metrics has no 'valid' \(required by docs\/model\.schema\.json\)$/);
        // a change to the good models is saved without dropping the refused one
        store.setActive('a');
        expect(JSON.parse(storage.getItem(Key)!).models.map((m: { name: string }) => m.name)).toEqual(['good one', 'old one']);
        store.removeRejected(r.id);
        expect(store.rejected.value).toEqual([]);
        expect(JSON.parse(storage.getItem(Key)!).models.map((m: { name: string }) => m.name)).toEqual(['good one']);
        expect(new AcelensStore(storage).rejected.value).toEqual([]);
    });

    it('a wrong value names its JSON path, what the schema expects and what was found', () => {
        const bad = { ...good(), e0: 'zero' };
        const store = new AcelensStore(memoryStorage({ [Key]: JSON.stringify({ models: [{ id: 'b', name: 'edited', file: bad }], active: 'b' }) }));
        expect(store.models.value).toEqual([]);
        expect(store.activeModelId.value).toBeNull();
        expect(store.rejected.value[0].reason).toMatch(/^edited: not a valid model file: e0 must be number, got "zero"/);
    });

    it('unreadable storage is reported, left as it was until the user removes it', () => {
        const storage = memoryStorage({ [Key]: '{"models": [' });
        const store = new AcelensStore(storage);
        expect(store.models.value).toEqual([]);
        expect(store.rejected.value).toHaveLength(1);
        expect(store.rejected.value[0].reason).toMatch(/could not be read/);
        store.setActive(null);
        expect(storage.getItem(Key)).toBe('{"models": [');
        store.removeRejected('storage');
        expect(store.rejected.value).toEqual([]);
        expect(JSON.parse(storage.getItem(Key)!).models).toEqual([]);
    });
});
