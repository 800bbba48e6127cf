"""What the service's inputs are made of: a spectrum (a file or arrays) and a crystal structure (a pymatgen
``Structure``, a file, or a dict), as the GraphQL ``SpectrumInput`` and ``StructureInput`` objects."""
from __future__ import annotations

import base64
import json
import os
from pathlib import Path
from typing import Any, Dict, Mapping, Sequence, Tuple, Union

import numpy as np

#: A spectrum: a path to a file (XDI, plain columns, Athena .prj, pymatgen XAS JSON; gzip too), or (energies, mu).
SpectrumSource = Union[str, "os.PathLike[str]", Tuple[Sequence[float], Sequence[float]]]
#: A structure: a pymatgen Structure, a path to a POSCAR/CONTCAR, CIF, XYZ or pymatgen JSON file, or a dict
#: (``Structure.as_dict()``, or ``{"lattice": 3×3, "species": [...], "fracCoords": [...]}``).
StructureSource = Union[str, "os.PathLike[str]", Mapping[str, Any], Any]

_GZIP_MAGIC = b"\x1f\x8b"
_STRUCTURE_FORMATS = {".cif": "CIF", ".xyz": "XYZ", ".json": "PYMATGEN_JSON", ".vasp": "POSCAR", ".poscar": "POSCAR"}


def _is_path(value: object) -> bool:
    return isinstance(value, (str, os.PathLike))


def file_text(path: Union[str, "os.PathLike[str]"]) -> str:
    """A file as the service's `file` fields take it: text as is, gzip (or other binary) content as base64."""
    data = Path(path).read_bytes()
    if data.startswith(_GZIP_MAGIC):
        return base64.b64encode(data).decode("ascii")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return base64.b64encode(data).decode("ascii")


def spectrum_input(source: SpectrumSource, **fields: Any) -> Dict[str, Any]:
    """A GraphQL SpectrumInput: ``file`` from a path, or ``energies`` and ``mu`` from two arrays of equal length.

    ``fields`` are the other SpectrumInput fields, in Python or GraphQL spelling: ``format``, ``group``,
    ``absorbing_element``, ``edge``, ``computed``.
    """
    spectrum: Dict[str, Any]
    if _is_path(source):
        spectrum = {"file": file_text(source)}  # type: ignore[arg-type]
    elif isinstance(source, Mapping):
        spectrum = dict(source)
    else:
        try:
            energies, mu = source  # type: ignore[misc]
        except (TypeError, ValueError) as err:
            raise TypeError("give a spectrum as a file path or as (energies, mu)") from err
        e = np.asarray(energies, dtype=float).ravel()
        m = np.asarray(mu, dtype=float).ravel()
        if e.shape != m.shape:
            raise ValueError(f"energies ({e.size} points) and mu ({m.size} points) differ in length")
        spectrum = {"energies": e.tolist(), "mu": m.tolist()}
    spectrum.update(camel_case_fields(fields))
    return spectrum


def structure_input(structure: StructureSource) -> Dict[str, Any]:
    """A GraphQL StructureInput from a pymatgen Structure, a file path or a dict."""
    if _is_path(structure):
        path = Path(structure)  # type: ignore[arg-type]
        name = path.name.upper()
        fmt = "POSCAR" if name.startswith(("POSCAR", "CONTCAR")) else _STRUCTURE_FORMATS.get(path.suffix.lower(), "AUTO")
        return {"file": path.read_text(encoding="utf-8"), "format": fmt}
    if hasattr(structure, "as_dict") and callable(structure.as_dict):  # a pymatgen Structure (duck-typed)
        return {"file": json.dumps(structure.as_dict()), "format": "PYMATGEN_JSON"}
    if isinstance(structure, Mapping):
        if "sites" in structure and "lattice" in structure:  # pymatgen's as_dict() form
            return {"file": json.dumps(structure), "format": "PYMATGEN_JSON"}
        arrays = camel_case_fields(structure)
        for key in ("lattice", "fracCoords", "cartesianCoords"):
            if key in arrays:
                arrays[key] = np.asarray(arrays[key], dtype=float).tolist()
        if "species" in arrays:
            arrays["species"] = [str(s) for s in arrays["species"]]
        return arrays
    raise TypeError(f"cannot send a {type(structure).__name__} as a structure: give a pymatgen Structure, a file path or a dict")


def camel_case_fields(fields: Mapping[str, Any]) -> Dict[str, Any]:
    """``{"absorbing_element": "Cu"}`` → ``{"absorbingElement": "Cu"}``; None values are left out."""
    out: Dict[str, Any] = {}
    for key, value in fields.items():
        if value is None:
            continue
        head, *rest = key.split("_")
        out[head + "".join(part[:1].upper() + part[1:] for part in rest)] = value
    return out
