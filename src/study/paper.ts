/**
 * Numbers of the reference study (arXiv 2502.16125, from the authors' output files; ../shared/PAPER.md) that
 * acelens compares with: its DFT C₂ curve (Quantum ESPRESSO, most likely spin-unpolarised), in eV relative to
 * two isolated atoms of the same DFT.
 */

/** The minimum of the paper's DFT C₂ curve (Å, eV). */
export const PAPER_DFT_MINIMUM = { r: 1.287, energy: -8.33 } as const;

/** The paper's DFT C₂ curve at a few distances (Å → eV). */
export const PAPER_DFT_CURVE: readonly { r: number; energy: number }[] = [
    { r: 1.0, energy: -4.0 }, { r: 1.5, energy: -7.5 }, { r: 2.0, energy: -4.6 }, { r: 3.0, energy: -1.24 }, { r: 4.0, energy: -0.19 },
];
