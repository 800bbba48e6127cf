"""What the service answers, as small typed objects: arrays are numpy arrays, names are Python's, and every result
has ``to_dict()`` (plain lists and dicts, ready for ``json.dumps``)."""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Dict, Iterator, List, Mapping, Optional

import numpy as np

if TYPE_CHECKING:  # pragma: no cover
    from .client import Client


def _array(values: Optional[List[float]]) -> Optional[np.ndarray]:
    return None if values is None else np.asarray(values, dtype=float)


def _plain(value: Any) -> Any:
    if isinstance(value, np.ndarray):
        return value.tolist()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value) if not f.name.startswith("_")}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


class _Result:
    def to_dict(self) -> Dict[str, Any]:
        """The result as plain dicts, lists, numbers and strings."""
        return _plain(self)


@dataclass
class Curve(_Result):
    """A curve to plot: energies (eV) and mu."""

    energies: np.ndarray
    mu: np.ndarray

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> "Curve":
        return cls(_array(d["energies"]), _array(d["mu"]))  # type: ignore[arg-type]


@dataclass
class NormalizedSpectrum(Curve):
    """A spectrum normalised to its edge step (Larch pre_edge), with its edge energy e0 (eV) and edge step."""

    e0: float = 0.0
    edge_step: float = 0.0

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> "NormalizedSpectrum":
        return cls(_array(d["energies"]), _array(d["mu"]), e0=d["e0"], edge_step=d["edgeStep"])  # type: ignore[arg-type]


@dataclass
class Consensus(_Result):
    """A weighted vote: the value with the largest share, that share, and every value's share."""

    value: float
    confidence: float
    distribution: Dict[float, float]

    @classmethod
    def from_json(cls, d: Optional[Mapping[str, Any]]) -> Optional["Consensus"]:
        if d is None:
            return None
        return cls(d["value"], d["confidence"], {s["value"]: s["share"] for s in d["distribution"]})


@dataclass
class Match(_Result):
    """A catalogue spectrum matching the input; ``curve`` is the reference as it was compared (plot it over
    ``Identification.normalized``)."""

    rank: int
    score: float
    correlation: float
    votes: float
    method: str
    energy_shift: float
    energy_scale: float
    material_id: str
    formula: str
    spectrum_id: str
    spacegroup: Optional[str] = None
    measured: Optional[Dict[str, Any]] = None
    curve: Optional[Curve] = None

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> "Match":
        return cls(
            rank=d["rank"], score=d["score"], correlation=d["correlation"], votes=d["votes"], method=d["method"],
            energy_shift=d["energyShift"], energy_scale=d["energyScale"], material_id=d["material"]["id"],
            formula=d["material"]["formula"], spacegroup=d["material"].get("spacegroupSymbol"),
            spectrum_id=d["spectrum"]["id"], measured=d["spectrum"].get("measured"),
            curve=Curve.from_json(d["curve"]) if d.get("curve") else None,
        )

    @property
    def label(self) -> str:
        """`CuO (EXPERIMENT, 0.993)` — for legends."""
        return f"{self.formula} ({self.method}, {self.score:.3f})"


@dataclass
class Identification(_Result):
    """The answer of ``Client.identify``: best matches first, a consensus oxidation state and coordination number,
    and whether the service is confident (see the service's README, "Identifying a measured spectrum")."""

    absorbing_element: str
    edge: str
    confident: bool
    candidates_considered: int
    ranked_by: str
    matches: List[Match]
    warnings: List[str]
    oxidation_state: Optional[Consensus] = None
    oxidation_state_prior: Optional[Consensus] = None
    coordination_number: Optional[Consensus] = None
    normalized: Optional[NormalizedSpectrum] = None
    reference_methods: List[str] = field(default_factory=list)

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> "Identification":
        return cls(
            absorbing_element=d["absorbingElement"], edge=d["edge"], confident=d["confident"],
            candidates_considered=d["candidatesConsidered"], ranked_by=d["rankedBy"],
            matches=[Match.from_json(m) for m in d["matches"]], warnings=list(d["warnings"]),
            oxidation_state=Consensus.from_json(d.get("oxidationState")),
            oxidation_state_prior=Consensus.from_json(d.get("oxidationStatePrior")),
            coordination_number=Consensus.from_json(d.get("coordinationNumber")),
            normalized=NormalizedSpectrum.from_json(d["normalized"]) if d.get("normalized") else None,
            reference_methods=list(d.get("referenceMethods") or []),
        )

    @property
    def best(self) -> Optional[Match]:
        """The first match, if any."""
        return self.matches[0] if self.matches else None

    def plot(self, top: int = 3, ax: Any = None) -> Any:
        """The normalised measurement with the top matches as they were compared (matplotlib Axes)."""
        from .plotting import plot_identification

        return plot_identification(self, top=top, ax=ax)


@dataclass
class Material(_Result):
    """A catalogue entry: a computed structure (CATALOG), a measured reference compound (MEASURED), or a structure a
    user submitted for prediction (USER_PREDICTION)."""

    id: str
    formula: str
    origin: str
    elements: List[str] = field(default_factory=list)
    chemsys: Optional[str] = None
    nsites: Optional[int] = None
    spacegroup_symbol: Optional[str] = None
    spacegroup_number: Optional[int] = None
    provenance: Optional[Dict[str, Any]] = None
    spectrum_ids: List[str] = field(default_factory=list)
    structure: Optional[Dict[str, Any]] = None

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> "Material":
        files = d.get("structure")
        return cls(
            id=d["id"], formula=d["formula"], origin=d.get("origin", "CATALOG"), elements=list(d.get("elements") or []),
            chemsys=d.get("chemsys"), nsites=d.get("nsites"), spacegroup_symbol=d.get("spacegroupSymbol"),
            spacegroup_number=d.get("spacegroupNumber"), provenance=d.get("provenance"),
            spectrum_ids=[s["id"] for s in d.get("spectra") or []],
            structure=files.get("pymatgen") if isinstance(files, Mapping) else None,
        )

    def to_pymatgen(self) -> Any:
        """The structure as a pymatgen ``Structure`` (needs pymatgen; fetched with ``Client.material``)."""
        if self.structure is None:
            raise ValueError(f"material {self.id} was fetched without its structure (use Client.material) or has none")
        from pymatgen.core import Structure

        return Structure.from_dict(self.structure)


@dataclass
class Spectrum(_Result):
    """An X-ray absorption spectrum of the catalogue. ``uncertainty`` is the one-sigma band of a prediction."""

    id: str
    absorbing_element: str
    edge: str
    spectrum_type: str
    method: str
    energies: np.ndarray
    mu: np.ndarray
    material_id: str
    formula: str
    uncertainty: Optional[np.ndarray] = None
    site_index: Optional[int] = None
    averaged_sites: Optional[int] = None
    e0: Optional[float] = None
    model_version: Optional[str] = None
    measured: Optional[Dict[str, Any]] = None
    _client: Optional["Client"] = field(default=None, repr=False, compare=False)

    @classmethod
    def from_json(cls, d: Mapping[str, Any], client: Optional["Client"] = None) -> "Spectrum":
        return cls(
            id=d["id"], absorbing_element=d["absorbingElement"], edge=d["edge"], spectrum_type=d["spectrumType"],
            method=d["method"], energies=_array(d["energies"]), mu=_array(d["mu"]),  # type: ignore[arg-type]
            uncertainty=_array(d.get("uncertainty")), site_index=d.get("siteIndex"),
            averaged_sites=d.get("averagedSites"), e0=d.get("e0"), model_version=d.get("modelVersion"),
            material_id=d["material"]["id"], formula=d["material"]["formula"], measured=d.get("measured"),
            _client=client,
        )

    def pymatgen_dict(self) -> Dict[str, Any]:
        """``XAS.as_dict()`` form, from the service (``Spectrum.pymatgen``: the structure included)."""
        if self._client is None:
            raise ValueError("this spectrum has no client to fetch its pymatgen form: get it with Client.spectrum")
        return self._client.spectrum_pymatgen_dict(self.id)

    def to_pymatgen(self) -> Any:
        """A pymatgen ``XAS`` (``XAS.from_dict`` on the service's ``Spectrum.pymatgen``); needs pymatgen."""
        from pymatgen.analysis.xas.spectrum import XAS

        return XAS.from_dict(self.pymatgen_dict())

    def plot(self, ax: Any = None, sigmas: float = 1.0) -> Any:
        """The spectrum, with its ±σ band when it is a prediction (matplotlib Axes)."""
        from .plotting import plot_spectrum

        return plot_spectrum(self, ax=ax, sigmas=sigmas)


@dataclass
class JobCounts(_Result):
    """Jobs in each state."""

    queued: int = 0
    running: int = 0
    completed: int = 0
    failed: int = 0
    total: int = 0

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> "JobCounts":
        return cls(d["queued"], d["running"], d["completed"], d["failed"], d["total"])

    @property
    def finished(self) -> int:
        """COMPLETED + FAILED."""
        return self.completed + self.failed


@dataclass
class PredictionJob(_Result):
    """A prediction job. Once COMPLETED, ``spectrum`` is the site-averaged prediction (with its σ band).
    ``catalog_material_id`` names the catalogue entry that already holds the submitted structure, if one does."""

    id: str
    state: str
    model: str
    absorbing_element: str
    edge: str
    created_at: str
    attempts: int = 0
    name: Optional[str] = None
    error: Optional[str] = None
    started_at: Optional[str] = None
    finished_at: Optional[str] = None
    material_id: Optional[str] = None
    catalog_material_id: Optional[str] = None
    spectrum: Optional[Spectrum] = None

    @classmethod
    def from_json(cls, d: Mapping[str, Any], client: Optional["Client"] = None) -> "PredictionJob":
        return cls(
            id=d["id"], state=d["state"], model=d["model"], absorbing_element=d["absorbingElement"], edge=d["edge"],
            created_at=d["createdAt"], attempts=d["attempts"], name=d.get("name"), error=d.get("error"),
            started_at=d.get("startedAt"), finished_at=d.get("finishedAt"),
            material_id=(d.get("material") or {}).get("id"),
            catalog_material_id=(d.get("catalogMaterial") or {}).get("id"),
            spectrum=Spectrum.from_json(d["spectrum"], client) if d.get("spectrum") else None,
        )

    @property
    def finished(self) -> bool:
        return self.state in ("COMPLETED", "FAILED")

    def plot(self, ax: Any = None, sigmas: float = 1.0) -> Any:
        """The predicted spectrum with its ±σ band (matplotlib Axes)."""
        if self.spectrum is None:
            raise ValueError(f"job {self.id} is {self.state}: it has no spectrum to plot")
        return self.spectrum.plot(ax=ax, sigmas=sigmas)


@dataclass
class JobListing(_Result):
    """Your jobs (newest first) and how many of them are in each state."""

    counts: JobCounts
    jobs: List[PredictionJob]

    def __iter__(self) -> Iterator[PredictionJob]:
        return iter(self.jobs)

    def __len__(self) -> int:
        return len(self.jobs)


@dataclass
class MixtureComponent(_Result):
    spectrum_id: str
    material_id: str
    formula: str
    method: str
    weight: float
    weight_uncertainty: float
    energy_shift: float


@dataclass
class MixtureFit(_Result):
    """One combination of references; ``curve`` holds the input, the fit and the residual over the fitted range."""

    rank: int
    components: List[MixtureComponent]
    weight_sum: float
    r_factor: float
    reduced_chi_square: float
    ill_conditioned: bool
    energies: np.ndarray
    mu: np.ndarray
    fit: np.ndarray
    residual: np.ndarray
    warnings: List[str]

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> "MixtureFit":
        curve = d["curve"]
        return cls(
            rank=d["rank"], weight_sum=d["weightSum"], r_factor=d["rFactor"], reduced_chi_square=d["reducedChiSquare"],
            ill_conditioned=d["illConditioned"], warnings=list(d["warnings"]),
            components=[
                MixtureComponent(c["spectrum"]["id"], c["material"]["id"], c["material"]["formula"], c["method"],
                                 c["weight"], c["weightUncertainty"], c["energyShift"])
                for c in d["components"]
            ],
            energies=_array(curve["energies"]), mu=_array(curve["mu"]), fit=_array(curve["fit"]),  # type: ignore[arg-type]
            residual=_array(curve["residual"]),  # type: ignore[arg-type]
        )

    @property
    def label(self) -> str:
        """`0.62 CuO + 0.38 Cu2O` — for legends."""
        return " + ".join(f"{c.weight:.2f} {c.formula}" for c in self.components)


@dataclass
class MixtureAnalysis(_Result):
    """The answer of ``Client.fit_mixture``: fits best first."""

    absorbing_element: str
    edge: str
    confident: bool
    ranked_by: str
    fit_range: tuple
    fits: List[MixtureFit]
    candidates: List[Dict[str, Any]]
    warnings: List[str]
    normalized: Optional[NormalizedSpectrum] = None

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> "MixtureAnalysis":
        return cls(
            absorbing_element=d["absorbingElement"], edge=d["edge"], confident=d["confident"], ranked_by=d["rankedBy"],
            fit_range=(d["fitFrom"], d["fitTo"]), fits=[MixtureFit.from_json(f) for f in d["fits"]],
            candidates=[{"spectrum_id": c["spectrum"]["id"], "material_id": c["material"]["id"],
                         "formula": c["material"]["formula"], "method": c["method"], "score": c.get("score")}
                        for c in d["candidates"]],
            warnings=list(d["warnings"]),
            normalized=NormalizedSpectrum.from_json(d["normalized"]) if d.get("normalized") else None,
        )

    @property
    def best(self) -> Optional[MixtureFit]:
        return self.fits[0] if self.fits else None

    def plot(self, fit: int = 0, axes: Any = None) -> Any:
        """Input, fit and weighted components above, the residual below (matplotlib Figure)."""
        from .plotting import plot_mixture

        return plot_mixture(self, fit=fit, axes=axes)


@dataclass
class SeriesComponent(_Result):
    index: int
    mu: np.ndarray
    best_formula: Optional[str]
    best_material_id: Optional[str]
    best_score: Optional[float]


@dataclass
class SeriesDecomposition(_Result):
    """The answer of ``Client.decompose_series``: components (MCR-ALS) on a common grid and their concentrations
    (one row per input spectrum)."""

    absorbing_element: str
    edge: str
    energies: np.ndarray
    components: List[SeriesComponent]
    concentrations: np.ndarray
    lack_of_fit: float
    converged: bool
    pca: Dict[str, Any]
    warnings: List[str]

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> "SeriesDecomposition":
        def component(c: Mapping[str, Any]) -> SeriesComponent:
            best = ((c.get("identification") or {}).get("matches") or [None])[0]
            return SeriesComponent(c["index"], _array(c["mu"]),  # type: ignore[arg-type]
                                   best["material"]["formula"] if best else None,
                                   best["material"]["id"] if best else None, best["score"] if best else None)

        return cls(
            absorbing_element=d["absorbingElement"], edge=d["edge"], energies=_array(d["energies"]),  # type: ignore[arg-type]
            components=[component(c) for c in d["components"]],
            concentrations=np.asarray(d["concentrations"], dtype=float), lack_of_fit=d["lackOfFit"],
            converged=d["converged"], pca=dict(d["pca"]), warnings=list(d["warnings"]),
        )

    def plot(self, axes: Any = None) -> Any:
        """Component spectra and concentration profiles (matplotlib Figure)."""
        from .plotting import plot_series

        return plot_series(self, axes=axes)
