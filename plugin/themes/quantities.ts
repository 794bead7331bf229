/**
 * The per-atom quantities acelens colours by. DFT has no per-atom energies: the per-atom *error* is the force
 * error of that atom; the per-atom energy is the model's own E_i.
 */
import { ParamDefinition as PD } from 'molstar/lib/mol-util/param-definition';
import { manyBodyEnergy } from '../../src/analysis/predictions';
import type { AtomQuantity } from './atom-quantity';

export const PerAtomEnergy: AtomQuantity = {
    name: 'acelens-per-atom-energy',
    label: 'acelens: per-atom energy (model)',
    symbol: 'E_i − E0 (model)',
    unit: 'eV',
    kind: 'sequential',
    colours: 'plasma',
    description: 'Per-atom energy E_i − E0 of the chosen ACE model (a model quantity: DFT has no per-atom energies).',
    values: (model, p) => p.perAtomEnergy.map(e => e - model.e0),
};

export const ManyBodyEnergy: AtomQuantity = {
    name: 'acelens-many-body-energy',
    label: 'acelens: many-body part of E_i, K ≥ 3 (model)',
    symbol: 'E_i, K ≥ 3 part (model)',
    unit: 'eV',
    kind: 'diverging',
    colours: 'purple-orange',
    description: 'The part of the model\'s per-atom energy that comes from its body orders K ≥ 3 (E_i − E0 minus the pair part), '
        + 'centred on 0: where the many-body terms act. Zero for a K = 2 model; for a self-interaction-free basis also on atoms with fewer than two neighbours.',
    values: (model, p) => model.bodyOrderNote ? null : manyBodyEnergy(p),
    unavailable: model => model.bodyOrderNote,
};

export const ForceError: AtomQuantity = {
    name: 'acelens-force-error',
    label: 'acelens: force error |ΔF| vs DFT',
    symbol: '|F_model − F_DFT|',
    unit: 'eV/Å',
    kind: 'sequential',
    colours: 'viridis',
    description: 'Magnitude of the force error |F_model − F_DFT| of each atom against the DFT forces of this frame; grey: no DFT forces.',
    values: (_model, p) => p.forceError,
};

const ComponentParams = {
    component: PD.Select('along-dft', [['along-dft', 'Along the DFT force'], ['x', 'x'], ['y', 'y'], ['z', 'z']] as const,
        { description: 'ΔF·F̂_DFT (positive: the model pushes harder than DFT), or one Cartesian component of ΔF (file axes)' }),
};

export const SignedForceError: AtomQuantity = {
    name: 'acelens-signed-force-error',
    label: 'acelens: signed force error vs DFT',
    symbol: 'ΔF = F_model − F_DFT (signed)',
    unit: 'eV/Å',
    kind: 'diverging',
    colours: 'purple-orange',
    description: 'Signed force error, centred on 0 with symmetric limits: along the DFT force direction or one Cartesian component.',
    params: ComponentParams,
    values: (_model, p, props) => {
        if (!p.forceErrorVector || !p.forceErrorAlongDft) return null;
        if (props.component === 'along-dft') return p.forceErrorAlongDft;
        const axis = props.component === 'x' ? 0 : props.component === 'y' ? 1 : 2;
        const out = new Float64Array(p.natoms);
        for (let i = 0; i < p.natoms; i++) out[i] = p.forceErrorVector[3 * i + axis];
        return out;
    },
};

const noPosterior = (model: { hasPosterior: boolean; name: string }) => model.hasPosterior ? null
    : `${model.name} has no posterior (fitted without Bayesian regression, or a PACE potential): no uncertainty`;

export const EnergyUncertainty: AtomQuantity = {
    name: 'acelens-energy-uncertainty',
    label: 'acelens: uncertainty σ(E_i) (model, Bayesian fit)',
    symbol: 'σ(E_i), posterior',
    unit: 'eV',
    kind: 'sequential',
    colours: 'inferno',
    description: 'Predicted standard deviation of each atom\'s energy E_i from the posterior of a Bayesian fit (√(b_iᵀ Σ b_i)): '
        + 'large where the model extrapolates beyond its training data. Only for models fitted by Bayesian regression.',
    values: (_model, p) => p.uncertainty?.perAtomEnergy ?? null,
    unavailable: noPosterior,
};

export const ForceUncertainty: AtomQuantity = {
    name: 'acelens-force-uncertainty',
    label: 'acelens: uncertainty σ(F_i) (model, Bayesian fit)',
    symbol: 'σ(F_i), posterior',
    unit: 'eV/Å',
    kind: 'sequential',
    colours: 'inferno',
    description: 'Predicted standard deviation of each atom\'s force, √(Σ_α var F_iα), from the posterior of a Bayesian fit: '
        + 'large where the model extrapolates. Only for models fitted by Bayesian regression.',
    values: (_model, p) => p.uncertainty?.perAtomForce ?? null,
    unavailable: noPosterior,
};

export const AtomQuantities: AtomQuantity[] = [PerAtomEnergy, ManyBodyEnergy, ForceError, SignedForceError, EnergyUncertainty, ForceUncertainty];
