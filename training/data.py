"""Training data from the bundled OmniXAS Cu K-edge FEFF catalogue (seed/omnixas-cu-feff, BSD-3)."""
import gzip
import json
import re
from pathlib import Path

import numpy as np

from descriptor import structure_descriptors

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seed" / "omnixas-cu-feff" / "materials.jsonl.gz"
ELEMENTS_TS = ROOT / "src" / "structure" / "elements.ts"


def element_weights():
    """Per-element weights: Z (atomic number), one, X (Pauling electronegativity, 0 where none), read from
    src/structure/elements.ts so that Python and TypeScript share one table."""
    rows = re.findall(r"\['([A-Z][a-z]?)', (null|[0-9.]+)\]", ELEMENTS_TS.read_text())
    return {
        "Z": {symbol: float(i + 1) for i, (symbol, _) in enumerate(rows)},
        "one": {symbol: 1.0 for symbol, _ in rows},
        "X": {symbol: 0.0 if x == "null" else float(x) for symbol, x in rows},
    }


def energy_grid(spec):
    return np.round(spec["start"] + spec["step"] * np.arange(spec["points"]), 6)


def load_sites(params, grid, limit=None, progress=False):
    """Every computed Cu site: descriptor, spectrum on `grid`, split, material id, site index."""
    weights = element_weights()
    X, Y, split, material, site = [], [], [], [], []
    with gzip.open(SEED, "rt") as handle:
        for n, line in enumerate(handle):
            if limit is not None and n >= limit:
                break
            record = json.loads(line)
            sites = record["absorbing_sites"]
            if not sites:
                continue
            species = [s["species"] for s in record["sites"]]
            frac = [s["frac"] for s in record["sites"]]
            indices = [s["site_index"] for s in sites]
            X.append(structure_descriptors(record["lattice"], species, frac, indices, params, weights))
            for s in sites:
                e = np.asarray(s["spectrum"]["energy"])
                mu = np.asarray(s["spectrum"]["mu"])
                if grid[0] < e[0] or grid[-1] > e[-1]:
                    raise ValueError(f"{record['material_id']} site {s['site_index']}: spectrum does not cover the grid")
                Y.append(np.interp(grid, e, mu))
                split.append(s["split"] or "none")
                material.append(record["material_id"])
                site.append(s["site_index"])
            if progress and n % 500 == 0:
                print(f"  featurised {n} materials", flush=True)
    return np.concatenate(X), np.array(Y), np.array(split), np.array(material), np.array(site)
