/**
 * Chemical element symbols as ASE knows them (ase.data.chemical_symbols): index = atomic number, 0 = 'X' (dummy).
 */
export const CHEMICAL_SYMBOLS: readonly string[] = (
    'X H He Li Be B C N O F Ne Na Mg Al Si P S Cl Ar K Ca Sc Ti V Cr Mn Fe Co Ni Cu Zn Ga Ge As Se Br Kr ' +
  'Rb Sr Y Zr Nb Mo Tc Ru Rh Pd Ag Cd In Sn Sb Te I Xe Cs Ba La Ce Pr Nd Pm Sm Eu Gd Tb Dy Ho Er Tm Yb Lu Hf ' +
  'Ta W Re Os Ir Pt Au Hg Tl Pb Bi Po At Rn Fr Ra Ac Th Pa U Np Pu Am Cm Bk Cf Es Fm Md No Lr Rf Db Sg Bh Hs ' +
  'Mt Ds Rg Cn Nh Fl Mc Lv Ts Og'
).split(' ');

const SYMBOL_SET: ReadonlySet<string> = new Set(CHEMICAL_SYMBOLS);

/**
 * The element symbol as ASE reads it from an extended XYZ species column (`s.capitalize()`: 'c' → 'C', 'CL' → 'Cl'),
 * or null when it is not an element symbol.
 */
export function normalizeSymbol(raw: string): string | null {
    if (raw.length === 0 || raw.length > 2) return null;
    const s = raw.length === 1 ? raw.toUpperCase() : raw[0].toUpperCase() + raw[1].toLowerCase();
    return SYMBOL_SET.has(s) ? s : null;
}

/** Symbol of atomic number z, or null when out of range. */
export function symbolOfNumber(z: number): string | null {
    return Number.isInteger(z) && z >= 0 && z < CHEMICAL_SYMBOLS.length ? CHEMICAL_SYMBOLS[z] : null;
}
