/**
 * Extended XYZ (ASE's dialect) reading and writing. Pure TypeScript, no Node APIs: runs in Node, the browser
 * and web workers. Node file helpers are in ./extxyz-node.
 *
 * Reading follows ASE 3.22 (`ase.io.extxyz.read_xyz`): comment-line parsing and typing, Lattice (rows = lattice
 * vectors), pbc (default T T T when a Lattice is present), Properties columns, element symbols capitalised, Z
 * column, calculator labels. Labels go to Frame.energy / forces / stress / configType; every other comment key
 * stays in Frame.info and every other column in Frame.arrays, verbatim. Stricter than ASE: malformed input is an
 * ExtXyzError naming file, line and frame (see ./extxyz-reader).
 */
export { ExtXyzError } from './extxyz-error';
export { ExtXyzReader, parseExtXyz, parseExtXyzLenient, readExtXyzStream, type ReadOptions } from './extxyz-reader';
export { writeExtXyz, writeExtXyzFrame, type WriteOptions, type ExtraColumn } from './extxyz-writer';
export { DEFAULT_ENERGY_KEYS, DEFAULT_FORCES_KEYS, DEFAULT_STRESS_KEYS } from './extxyz-frame';
