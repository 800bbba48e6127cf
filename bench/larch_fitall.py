"""Larch's lincombo_fitall on the inputs bench:mixtures writes, for the side-by-side with our fitMixture.

Reads JSON on stdin: {"max_ncomps": 3, "cases": [{"id", "energies", "norm", "xmin", "xmax",
"components": [{"label", "energies", "norm"}]}]} (the input and the candidates exactly as our fit saw them:
normalised, on their own energy axes). Runs Larch 0.9.58 (Debian python3-xraylarch) lincombo_fitall with weights
bounded to [0, 1], sum_to_one=True, vary_e0=False (Athena's defaults for standards), and prints JSON: per case the
best fit (labels, weights, redchi, rfactor) and the seconds it took.

    /usr/bin/python3 bench/larch_fitall.py < cases.json
"""
import json
import sys
import time
import warnings

import numpy as np
from larch import Group
from larch.math.lincombo_fitting import lincombo_fitall

warnings.filterwarnings("ignore")


def group(label, energies, norm):
    return Group(filename=label, label=label, energy=np.asarray(energies, dtype=float), norm=np.asarray(norm, dtype=float))


def main():
    request = json.load(sys.stdin)
    out = []
    for case in request["cases"]:
        data = group(case["id"], case["energies"], case["norm"])
        comps = [group(c["label"], c["energies"], c["norm"]) for c in case["components"]]
        n = len(comps)
        start = time.perf_counter()
        fits = lincombo_fitall(data, comps, minvals=[0.0] * n, maxvals=[1.0] * n, xmin=case["xmin"], xmax=case["xmax"],
                               max_ncomps=request["max_ncomps"], sum_to_one=True, vary_e0=False)
        seconds = time.perf_counter() - start
        best = fits[0]
        out.append({
            "id": case["id"],
            "seconds": seconds,
            "fits": len(fits),
            "labels": list(best.weights.keys()),
            "weights": [float(w) for w in best.weights.values()],
            "redchi": float(best.redchi),
            "rfactor": float(best.result.rfactor),
        })
    json.dump({"cases": out}, sys.stdout)


if __name__ == "__main__":
    main()
