/** The ACE engine: basis specs, bases, evaluation (design rows and predictions). */
export { defaultSpec, paperSpec, validateSpec, SpecError, DEFAULT_DEGREES } from './spec';
export type { BasisSpec, BasisVariant } from './spec';
export { AceBasis } from './basis';
export type { BasisFunctionInfo } from './basis';
export { designRows, predict, monomialWeights } from './evaluate';
export type { DesignRows, Prediction } from './evaluate';
