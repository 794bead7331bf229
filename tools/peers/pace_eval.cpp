// acelens' reference driver for ML-PACE (the evaluator behind LAMMPS' `pair_style pace`): evaluates a
// potential on every frame of an extended XYZ file and prints one JSON object per frame (one line each):
//   {"frame": k, "natoms": N, "energy": E, "per_atom": [E_i...], "forces": [fx, fy, fz, ...]}
// Neighbours are built the way LAMMPS does it: ghost images along periodic directions (pbc flags of the
// frame; no Lattice = non-periodic) and a full list within the potential's cutoff; forces accumulated as
// PairPACE::compute (f_i += f_ij, f_j -= f_ij).
//
// usage: pace_eval POTENTIAL(.yace C-tilde | .yaml B-basis) FRAMES.extxyz [--eval rec|prod|ctilde]
//        pace_eval POTENTIAL --save-yace OUT.yace      (write ML-PACE's own C-tilde conversion and exit)
//        pace_eval --gen-bbasis OUT.yaml RADBASE NDENSITY NPOTI CORE INNER
//            a small pacemaker-style B-basis (ranks 1..4, random seeded coefficients) as gen_yaml.cpp makes
//            them: RADBASE ChebExpCos|ChebPow|SBessel, NDENSITY 1|2|..., NPOTI FinnisSinclair|
//            FinnisSinclairShiftedScaled, CORE 0|1 (core repulsion prehc/lambdahc), INNER density|distance
// Built by tools/peers/build-mlpace.sh; used by test/pace/*.test.ts. Not part of the product.
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>
#include "ace-evaluator/ace_c_basis.h"
#include "ace-evaluator/ace_evaluator.h"
#include "ace-evaluator/ace_recursive.h"
#include "ace/ace_b_basis.h"

using namespace std;

struct Frame {
    int n = 0;
    double h[9] = {0};
    bool pbc[3] = {false, false, false};
    vector<double> pos;
};

// minimal extended XYZ reader: species and positions columns from Properties, Lattice, pbc
static bool read_frame(istream &in, Frame &f) {
    string line;
    while (getline(in, line)) { if (line.find_first_not_of(" \t\r") != string::npos) break; }
    if (!in) return false;
    f = Frame();
    f.n = stoi(line);
    getline(in, line);
    auto lat = line.find("Lattice=\"");
    if (lat != string::npos) {
        istringstream ls(line.substr(lat + 9));
        for (double &x: f.h) ls >> x;
        f.pbc[0] = f.pbc[1] = f.pbc[2] = true;
    }
    auto pb = line.find("pbc=\"");
    if (pb != string::npos) {
        istringstream ps(line.substr(pb + 5));
        for (int a = 0; a < 3; a++) { string t; ps >> t; f.pbc[a] = (t[0] == 'T' || t[0] == 't'); }
    }
    if (lat == string::npos) f.pbc[0] = f.pbc[1] = f.pbc[2] = false;
    int spCol = 0, posCol = 1;
    auto pr = line.find("Properties=");
    if (pr != string::npos) {
        string props = line.substr(pr + 11);
        props = props.substr(0, props.find_first_of(" \t"));
        stringstream ss(props);
        string name, type, cnt; int col = 0;
        while (getline(ss, name, ':') && getline(ss, type, ':') && getline(ss, cnt, ':')) {
            if (name == "species") spCol = col;
            if (name == "pos") posCol = col;
            col += stoi(cnt);
        }
    }
    f.pos.resize(3 * f.n);
    for (int i = 0; i < f.n; i++) {
        getline(in, line);
        istringstream s(line);
        vector<string> tok; string t;
        while (s >> t) tok.push_back(t);
        if (tok[spCol] != "C") throw runtime_error("only carbon supported, got " + tok[spCol]);
        for (int a = 0; a < 3; a++) f.pos[3 * i + a] = stod(tok[posCol + a]);
    }
    return true;
}

static void inv3(const double *h, double *hi) {
    double a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], k = h[7], l = h[8];
    double det = a * (e * l - f * k) - b * (d * l - f * g) + c * (d * k - e * g);
    hi[0] = (e * l - f * k) / det; hi[1] = (c * k - b * l) / det; hi[2] = (b * f - c * e) / det;
    hi[3] = (f * g - d * l) / det; hi[4] = (a * l - c * g) / det; hi[5] = (c * d - a * f) / det;
    hi[6] = (d * k - e * g) / det; hi[7] = (b * g - a * k) / det; hi[8] = (a * e - b * d) / det;
}

struct System {
    int nlocal = 0;
    vector<double> xflat;
    vector<double *> x;
    vector<int> type, owner;
    vector<vector<int>> neigh;
};

static System build_system(const Frame &c, double rc) {
    System s;
    s.nlocal = c.n;
    for (int i = 0; i < c.n; i++) { for (int a = 0; a < 3; a++) s.xflat.push_back(c.pos[3 * i + a]); s.owner.push_back(i); }
    if (c.pbc[0] || c.pbc[1] || c.pbc[2]) {
        double hi[9]; inv3(c.h, hi);
        double V = fabs(c.h[0] * (c.h[4] * c.h[8] - c.h[5] * c.h[7]) - c.h[1] * (c.h[3] * c.h[8] - c.h[5] * c.h[6]) + c.h[2] * (c.h[3] * c.h[7] - c.h[4] * c.h[6]));
        int nrep[3];
        for (int a = 0; a < 3; a++) {
            const double *u = c.h + 3 * ((a + 1) % 3), *v = c.h + 3 * ((a + 2) % 3);
            double cx = u[1] * v[2] - u[2] * v[1], cy = u[2] * v[0] - u[0] * v[2], cz = u[0] * v[1] - u[1] * v[0];
            double width = V / sqrt(cx * cx + cy * cy + cz * cz);
            nrep[a] = c.pbc[a] ? (int) ceil(rc / width) + 1 : 0;
        }
        for (int sa = -nrep[0]; sa <= nrep[0]; sa++)
            for (int sb = -nrep[1]; sb <= nrep[1]; sb++)
                for (int sc = -nrep[2]; sc <= nrep[2]; sc++) {
                    if (!sa && !sb && !sc) continue;
                    for (int i = 0; i < c.n; i++) {
                        for (int a = 0; a < 3; a++) s.xflat.push_back(c.pos[3 * i + a] + sa * c.h[a] + sb * c.h[3 + a] + sc * c.h[6 + a]);
                        s.owner.push_back(i);
                    }
                }
    }
    int nall = s.owner.size();
    s.type.assign(nall, 0);
    s.x.resize(nall);
    for (int j = 0; j < nall; j++) s.x[j] = &s.xflat[3 * j];
    s.neigh.resize(s.nlocal);
    double rc2 = rc * rc;
    for (int i = 0; i < s.nlocal; i++)
        for (int j = 0; j < nall; j++) {
            if (j == i) continue;
            double dx = s.x[j][0] - s.x[i][0], dy = s.x[j][1] - s.x[i][1], dz = s.x[j][2] - s.x[i][2];
            if (dx * dx + dy * dy + dz * dz < rc2) s.neigh[i].push_back(j);
        }
    return s;
}

static unique_ptr<ACEEvaluator> make_evaluator(const string &kind, ACECTildeBasisSet &basis) {
    unique_ptr<ACEEvaluator> ev;
    if (kind == "ctilde") {
        auto *e = new ACECTildeEvaluator();
        e->set_basis(basis);
        ev.reset(e);
    } else if (kind == "rec" || kind == "prod") {
        auto *e = new ACERecursiveEvaluator();
        e->set_recursive(kind == "rec");
        e->set_basis(basis, 1);  // heuristic 1, as PairPACE::coeff
        ev.reset(e);
    } else throw runtime_error("unknown evaluator " + kind);
    ev->element_type_mapping.init(1);
    ev->element_type_mapping(0) = 0;
    return ev;
}

static int gen_bbasis(int argc, char **argv) {
    string out = argv[2], radbase = argv[3], npoti = argv[5], inner = argv[7];
    int nd = stoi(argv[4]);
    bool core = string(argv[6]) == "1";
    mt19937_64 rng(4242 + nd);
    uniform_real_distribution<double> U(-1.0, 1.0);
    auto coeffs = [&](double scale) { vector<double> c(nd); for (auto &x: c) x = scale * U(rng); return c; };
    BBasisFunctionsSpecificationBlock b;
    b.block_name = "C";
    b.ndensityi = nd;
    b.npoti = npoti;
    b.fs_parameters.clear();
    for (int p = 0; p < nd; p++) { b.fs_parameters.push_back(1.0); b.fs_parameters.push_back(p == 0 ? 1.0 : 0.5); }
    b.rho_cut = core ? 5.0 : 100000.0; b.drho_cut = core ? 2.0 : 250.0;
    int nradmax = 3, lmax = 2, nradbase = 6;
    b.nradmaxi = nradmax; b.lmaxi = lmax; b.nradbaseij = nradbase;
    b.rcutij = 4.5; b.dcutij = 0.2; b.NameOfCutoffFunctionij = "cos";
    b.radbase = radbase; b.radparameters = {3.0};
    b.inner_cutoff_type = inner; b.r_in = 0.9; b.delta_in = 0.3;
    b.core_rep_parameters = core ? vector<double>{2.0, 1.5} : vector<double>{0.0, 1.0};
    b.is_core_repulsion_defined = core;
    b.radcoefficients.assign(nradmax, vector<vector<double>>(lmax + 1, vector<double>(nradbase)));
    for (auto &a: b.radcoefficients) for (auto &c: a) for (auto &x: c) x = U(rng);
    vector<string> e2(2, "C"), e3(3, "C"), e4(4, "C"), e5(5, "C");
    for (NS_TYPE n = 1; n <= nradbase; n++) b.funcspecs.emplace_back(e2, vector<NS_TYPE>{n}, vector<LS_TYPE>{0}, vector<LS_TYPE>{}, coeffs(0.3));
    for (NS_TYPE n1 = 1; n1 <= nradmax; n1++) for (NS_TYPE n2 = n1; n2 <= nradmax; n2++) for (LS_TYPE l = 0; l <= lmax; l++)
        b.funcspecs.emplace_back(e3, vector<NS_TYPE>{n1, n2}, vector<LS_TYPE>{l, l}, vector<LS_TYPE>{}, coeffs(0.1));
    b.funcspecs.emplace_back(e4, vector<NS_TYPE>{1, 1, 1}, vector<LS_TYPE>{1, 1, 0}, vector<LS_TYPE>{0}, coeffs(0.05));
    b.funcspecs.emplace_back(e4, vector<NS_TYPE>{1, 1, 2}, vector<LS_TYPE>{1, 1, 2}, vector<LS_TYPE>{2}, coeffs(0.05));
    b.funcspecs.emplace_back(e4, vector<NS_TYPE>{1, 2, 3}, vector<LS_TYPE>{2, 2, 2}, vector<LS_TYPE>{2}, coeffs(0.05));
    b.funcspecs.emplace_back(e5, vector<NS_TYPE>{1, 1, 1, 1}, vector<LS_TYPE>{1, 1, 1, 1}, vector<LS_TYPE>{0, 0}, coeffs(0.02));
    b.funcspecs.emplace_back(e5, vector<NS_TYPE>{1, 1, 2, 2}, vector<LS_TYPE>{1, 1, 2, 2}, vector<LS_TYPE>{1, 1}, coeffs(0.02));
    b.update_params();
    BBasisConfiguration conf;
    conf.deltaSplineBins = 0.001;
    conf.funcspecs_blocks.push_back(b);
    conf.save(out);
    return 0;
}

int main(int argc, char **argv) {
    try {
        if (argc >= 8 && string(argv[1]) == "--gen-bbasis") return gen_bbasis(argc, argv);
        if (argc < 3) { cerr << "usage: pace_eval POTENTIAL FRAMES.extxyz [--eval rec|prod|ctilde] | pace_eval POTENTIAL --save-yace OUT\n"; return 2; }
        string pot = argv[1], xyz, kind = "rec", save;
        for (int a = 2; a < argc; a++) {
            string o = argv[a];
            if (o == "--eval") kind = argv[++a];
            else if (o == "--save-yace") save = argv[++a];
            else xyz = o;
        }
        ACECTildeBasisSet ctilde;
        if (pot.size() > 5 && pot.substr(pot.size() - 5) == ".yaml") {
            ACEBBasisSet b(pot);
            ctilde = b.to_ACECTildeBasisSet();
        } else ctilde.load_yaml(pot);
        if (!save.empty()) { ctilde.save_yaml(save); if (xyz.empty()) return 0; }
        auto ev = make_evaluator(kind, ctilde);
        ifstream in(xyz);
        if (!in) throw runtime_error("cannot open " + xyz);
        Frame f;
        int k = 0;
        printf("{\"cutoff\": %.17g}\n", ctilde.cutoffmax);
        while (read_frame(in, f)) {
            System s = build_system(f, ctilde.cutoffmax);
            size_t maxj = 0;
            for (auto &l: s.neigh) maxj = max(maxj, l.size());
            ev->resize_neighbours_cache(max<int>(1, (int) maxj));
            vector<double> F(3 * s.nlocal, 0.0), Ei(s.nlocal, 0.0);
            double E = 0;
            for (int i = 0; i < s.nlocal; i++) {
                ev->compute_atom(i, s.x.data(), s.type.data(), (int) s.neigh[i].size(), s.neigh[i].data());
                Ei[i] = ev->e_atom;
                E += ev->e_atom;
                for (size_t jj = 0; jj < s.neigh[i].size(); jj++) {
                    int j = s.owner[s.neigh[i][jj]];
                    for (int a = 0; a < 3; a++) {
                        double fa = ev->neighbours_forces(jj, a);
                        F[3 * i + a] += fa;
                        F[3 * j + a] -= fa;
                    }
                }
            }
            printf("{\"frame\": %d, \"natoms\": %d, \"energy\": %.17g, \"per_atom\": [", k, s.nlocal, E);
            for (int i = 0; i < s.nlocal; i++) printf("%s%.17g", i ? ", " : "", Ei[i]);
            printf("], \"forces\": [");
            for (int i = 0; i < 3 * s.nlocal; i++) printf("%s%.17g", i ? ", " : "", F[i]);
            printf("]}\n");
            k++;
        }
    } catch (exception &e) {
        fprintf(stderr, "pace_eval: %s\n", e.what());
        return 1;
    }
    return 0;
}
