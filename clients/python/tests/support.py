"""What the tests need: the service's URL (XASGRAPH_URL), a contributor key (XASGRAPH_API_KEY), the repository's
data files. `npm run test:python` (tests/python/python-client.test.ts) sets both variables for a service it runs."""
from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from xasgraph import Client

REPO = Path(__file__).resolve().parents[3]
MEASURED = REPO / "seed" / "measured-references" / "xas-data-library" / "data"
CUO_XDI = MEASURED / "Cu" / "CuO_tenorite_13K_01.xdi"
FE_DIR = MEASURED / "Fe"
CU2O_CIF = REPO / "tests" / "fixtures" / "structures" / "cif" / "mp-361-Cu2O-symmetrized-generated.cif"
EXAMPLE_POSCAR = REPO / "examples" / "structures" / "POSCAR"


def service_url() -> str:
    url = os.environ.get("XASGRAPH_URL")
    if not url:
        raise RuntimeError("set XASGRAPH_URL to a running xasgraph service (npm run test:python does)")
    return url


@lru_cache(maxsize=None)
def reader() -> Client:
    """One anonymous client for every test (one HTTP session)."""
    return Client(service_url())


@lru_cache(maxsize=None)
def contributor() -> Client:
    """One client with the contributor key for every test."""
    key = os.environ.get("XASGRAPH_API_KEY")
    if not key:
        raise RuntimeError("set XASGRAPH_API_KEY to a contributor key of the service (npm run apikey -- create …)")
    return Client(service_url(), api_key=key)
