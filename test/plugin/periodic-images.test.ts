/** plugin/periodic-images.ts: which periodic images a frame gets. */
import { describe, expect, it } from 'vitest';
import { imageRange } from '../../plugin/periodic-images';
import { makeFrame } from '../../src/structure/frame';

describe('periodic image range', () => {
    const cell = [3, 0, 0, 0, 3, 0, 0, 0, 12];
    const at = [0, 0, 0, 1.4, 0, 0];
    it('±n along every periodic direction, 0 along open ones', () => {
        expect(imageRange(makeFrame({ positions: at, cell, pbc: [true, true, true] }), 1)).toEqual({ ijkMin: [-1, -1, -1], ijkMax: [1, 1, 1] });
        expect(imageRange(makeFrame({ positions: at, cell, pbc: [true, true, false] }), 1)).toEqual({ ijkMin: [-1, -1, 0], ijkMax: [1, 1, 0] });
        expect(imageRange(makeFrame({ positions: at, cell, pbc: [false, false, true] }), 2)).toEqual({ ijkMin: [0, 0, -2], ijkMax: [0, 0, 2] });
    });
    it('none for n = 0, for a frame without periodic directions or without a cell', () => {
        expect(imageRange(makeFrame({ positions: at, cell, pbc: [true, true, true] }), 0)).toBeNull();
        expect(imageRange(makeFrame({ positions: at, cell, pbc: [false, false, false] }), 1)).toBeNull();
        expect(imageRange(makeFrame({ positions: at }), 1)).toBeNull();
    });
});
