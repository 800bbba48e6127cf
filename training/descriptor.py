"""Absorber-centred wACSF descriptor (XANESNET; Rankine & Penfold, JCP 156, 164102 (2022)), xasgraph variant.

The same numbers are computed in TypeScript by src/structure/descriptor.ts (parity test:
tests/integration/descriptor-parity.test.ts). Definitions: ../shared/notes/structure-to-spectrum.md §3.2.
Differences from XANESNET's code, on purpose: the cosine cut-off is zero beyond r_c for r_jk too, and
extra radial blocks weighted by 1 and by Pauling electronegativity give the descriptor chemical resolution.
"""
import math

import numpy as np

DEFAULT_PARAMS = {
    "kind": "wacsf",
    "rMin": 0.0,
    "rMax": 6.0,
    "nG2": 32,
    "nG4": 64,
    "zetas": [1, 2, 4, 8],
    "lambdas": [1, -1],
    "g2Weights": ["Z", "one", "X"],
    "g4Weights": ["Z"],
    "globalFeatures": True,
}

GLOBAL_FEATURES = 10


def cutoff(r, r_c):
    """Cosine cut-off f_c(r) = ½[cos(πr/r_c) + 1] for r < r_c, else 0 (Behler, JCP 134, 074106 (2011))."""
    return np.where(r < r_c, 0.5 * (np.cos(np.pi * r / r_c) + 1.0), 0.0)


def neighbours(lattice, frac, index, r_c):
    """Vectors (Å) from site `index` to every periodic image of every site within r_c, and their site indices.

    Fractional differences are wrapped to [-½, ½), so ⌈r_c/d + ½⌉ images per axis (d: interplanar spacing) reach
    every atom within r_c, small cells and self-images included (notes §3.3)."""
    lattice = np.asarray(lattice, dtype=np.float64)
    frac = np.asarray(frac, dtype=np.float64)
    inv = np.linalg.inv(lattice)
    spacing = 1.0 / np.linalg.norm(inv, axis=0)
    reach = [int(math.ceil(r_c / d + 0.5)) for d in spacing]
    delta = frac - frac[index]
    delta -= np.floor(delta + 0.5)
    vectors, owners = [], []
    for u in range(-reach[0], reach[0] + 1):
        for v in range(-reach[1], reach[1] + 1):
            for w in range(-reach[2], reach[2] + 1):
                cart = (delta + np.array([u, v, w], dtype=np.float64)) @ lattice
                r = np.sqrt((cart * cart).sum(axis=1))
                keep = (r > 1e-8) & (r < r_c)
                vectors.append(cart[keep])
                owners.append(np.nonzero(keep)[0])
    return np.concatenate(vectors), np.concatenate(owners)


def g2_centres(params):
    n = params["nG2"]
    mu = np.linspace(params["rMin"] + 0.5, params["rMax"] - 0.5, n)
    eta = 1.0 / (2.0 * (mu[1] - mu[0]) ** 2)
    return mu, eta


def g4_widths(params):
    n_r = params["nG4"] // (len(params["lambdas"]) * len(params["zetas"]))
    r_aux = np.linspace(params["rMin"] + 1.0, params["rMax"] - 0.5, params["nG4"])[:n_r]
    return 1.0 / (2.0 * r_aux**2)


def dimension(params):
    extra = GLOBAL_FEATURES if params.get("globalFeatures") else 0
    return 1 + params["nG2"] * len(params["g2Weights"]) + params["nG4"] * len(params["g4Weights"]) + extra


def global_features(species, absorber, density, element_weights):
    """Composition of the whole structure, the same for every site: mean, std, min, max of Pauling electronegativity;
    mean, std, max of Z; number density (atoms/Å³); fraction of absorber atoms; number of distinct elements.
    FEFF's absolute edge energy follows the whole structure's chemistry, not only the first shells."""
    x = np.array([element_weights["X"][s] for s in species])
    z = np.array([element_weights["Z"][s] for s in species])
    fraction = sum(1 for s in species if s == absorber) / len(species)
    return np.array([x.mean(), x.std(), x.min(), x.max(), z.mean(), z.std(), z.max(), density, fraction, len(set(species))])


def site_descriptor(vectors, weights, params):
    """wACSF of one site from its neighbour vectors (n, 3) and per-neighbour weight columns {name: (n,)}."""
    r_c = params["rMax"]
    r = np.sqrt((vectors * vectors).sum(axis=1))
    fc = cutoff(r, r_c)
    out = [np.array([fc.sum()])]
    mu, eta2 = g2_centres(params)
    radial = np.exp(-eta2 * (r[:, None] - mu[None, :]) ** 2) * fc[:, None]
    for name in params["g2Weights"]:
        out.append(weights[name] @ radial)
    eta4 = g4_widths(params)
    j, k = np.triu_indices(len(r), 1)
    rjk_vec = vectors[j] - vectors[k]
    rjk = np.sqrt((rjk_vec * rjk_vec).sum(axis=1))
    cos = (vectors[j] * vectors[k]).sum(axis=1) / (r[j] * r[k])
    sq = r[j] ** 2 + r[k] ** 2 + rjk**2
    geometry = fc[j] * fc[k] * cutoff(rjk, r_c)
    for name in params["g4Weights"]:
        w = weights[name]
        pair = w[j] * w[k] * geometry
        g4 = []
        for eta in eta4:
            radial4 = pair * np.exp(-eta * sq)
            for lam in params["lambdas"]:
                base = 1.0 + lam * cos
                for zeta in params["zetas"]:
                    g4.append(2.0 ** (1 - zeta) * (radial4 * base**zeta).sum())
        out.append(np.array(g4))
    return np.concatenate(out)


def structure_descriptors(lattice, species, frac, indices, params, element_weights):
    """Descriptors (len(indices), D) of the given absorbing sites of a periodic structure."""
    rows = []
    if params.get("globalFeatures"):
        density = len(species) / abs(np.linalg.det(np.asarray(lattice, dtype=np.float64)))
        extra = global_features(species, species[indices[0]], density, element_weights)
    for index in indices:
        vectors, owners = neighbours(lattice, frac, index, params["rMax"])
        names = [species[o] for o in owners]
        weights = {key: np.array([element_weights[key][s] for s in names], dtype=np.float64) for key in set(params["g2Weights"] + params["g4Weights"])}
        row = site_descriptor(vectors, weights, params)
        rows.append(np.concatenate([row, extra]) if params.get("globalFeatures") else row)
    return np.array(rows)
