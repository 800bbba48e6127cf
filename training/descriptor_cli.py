"""Descriptors for structures given as JSON on stdin (used by the TypeScript parity test).

stdin:  {"params": {...}, "structures": [{"lattice": [[3]×3], "species": [...], "fracCoords": [[3]...], "indices": [...]}]}
stdout: {"descriptors": [[[D values] per index] per structure]}
"""
import json
import sys

from data import element_weights
from descriptor import structure_descriptors


def main():
    request = json.load(sys.stdin)
    weights = element_weights()
    out = [
        structure_descriptors(s["lattice"], s["species"], s["fracCoords"], s["indices"], request["params"], weights).tolist()
        for s in request["structures"]
    ]
    json.dump({"descriptors": out}, sys.stdout)


if __name__ == "__main__":
    main()
