"""The xasgraph client: one object per service, one method per thing a scientist asks."""
from __future__ import annotations

import time
from typing import Any, Dict, Iterable, Iterator, List, Optional, Sequence, Union, overload

from .errors import JobTimeout, XasGraphError
from .inputs import SpectrumSource, StructureSource, camel_case_fields, spectrum_input, structure_input
from .progress import progress_bar
from .results import (
    Identification,
    JobCounts,
    JobListing,
    Material,
    MixtureAnalysis,
    PredictionJob,
    SeriesDecomposition,
    Spectrum,
)
from .transport import DEFAULT_TIMEOUT_S, GraphQLTransport
from . import queries

#: Structures sent per predictSpectra request (the service takes up to 10,000; smaller requests stay well inside its
#: query cost limit and answer quickly).
PREDICT_CHUNK = 500
#: Jobs whose results are fetched per request once they are finished.
RESULT_CHUNK = 100
#: Largest page of `materials` and `myPredictionJobs`.
MAX_PAGE = 200

_SPECTRUM_INPUT_FIELDS = ("format", "group", "absorbing_element", "edge", "computed")


def _split_spectrum_fields(options: Dict[str, Any]) -> Dict[str, Any]:
    """Take the SpectrumInput fields out of ``options`` (the rest are the query's options)."""
    return {name: options.pop(name) for name in _SPECTRUM_INPUT_FIELDS if name in options}


class Client:
    """A connection to an xasgraph service.

    >>> xg = Client("http://127.0.0.1:4000", api_key=os.environ.get("XASGRAPH_KEY"))
    >>> result = xg.identify("CuO.xdi", top=5)
    >>> result.best.formula, result.oxidation_state.value

    Every method raises :class:`XasGraphError` (with ``code``, the service's ``extensions.code``, and ``message``)
    when the service refuses or fails. An API key is needed to predict (a contributor key) and to list your jobs.
    """

    def __init__(self, url: str = "http://127.0.0.1:4000", api_key: Optional[str] = None,
                 timeout: float = DEFAULT_TIMEOUT_S) -> None:
        self.transport = GraphQLTransport(url, api_key=api_key, timeout=timeout)

    @property
    def url(self) -> str:
        return self.transport.base_url

    def __repr__(self) -> str:
        return f"Client({self.url!r})"

    def close(self) -> None:
        """Close the HTTP connections (also at the end of a ``with Client(...) as xg:`` block)."""
        self.transport.session.close()

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def execute(self, query: str, variables: Optional[Dict[str, Any]] = None) -> Dict[str, Any]:
        """Any GraphQL document; returns its ``data``."""
        return self.transport.execute(query, variables)

    # --- identification -------------------------------------------------------------------------------------------

    def identify(self, spectrum: SpectrumSource, **options: Any) -> Identification:
        """Rank the catalogue's references against a spectrum: a file path (XDI, columns, Athena .prj, pymatgen JSON;
        gzip too) or ``(energies, mu)``.

        Options (Python spelling): ``top``, ``method`` ("ENSEMBLE", "ELSIE_REFERENCE"), ``restrict_elements``,
        ``group_by_formula``, ``include_predicted``, ``reference_methods``; for the input: ``format``, ``group``,
        ``absorbing_element``, ``edge``, ``computed``.
        """
        fields = _split_spectrum_fields(options)
        data = self.execute(queries.IDENTIFY, {"input": spectrum_input(spectrum, **fields), "options": camel_case_fields(options)})
        return Identification.from_json(data["identifySpectrum"])

    def fit_mixture(self, spectrum: SpectrumSource, **options: Any) -> MixtureAnalysis:
        """Linear-combination fit of a spectrum with up to ``max_components`` references (found by identification, or
        ``references=[spectrum ids]``). Options: ``max_components``, ``candidates``, ``references``,
        ``restrict_elements``, ``reference_methods``, ``include_predicted``, ``sum_to_one``, ``max_shift``,
        ``energy_range=(from, to)`` (eV relative to E0), ``top``; input fields as in :meth:`identify`."""
        fields = _split_spectrum_fields(options)
        energy_range = options.pop("energy_range", None)
        if energy_range is not None:
            options["range"] = {"from": energy_range[0], "to": energy_range[1]}
        data = self.execute(queries.FIT_MIXTURE, {"input": spectrum_input(spectrum, **fields), "options": camel_case_fields(options)})
        return MixtureAnalysis.from_json(data["fitMixture"])

    def decompose_series(self, spectra: Sequence[SpectrumSource], **options: Any) -> SeriesDecomposition:
        """PCA + MCR-ALS of a series (an in-situ run): components, their identification and concentrations.
        Options: ``components``, ``max_components``, ``energy_range=(from, to)``, ``restrict_elements``,
        ``reference_methods``, ``top``; input fields as in :meth:`identify` (the same for every spectrum)."""
        fields = _split_spectrum_fields(options)
        energy_range = options.pop("energy_range", None)
        if energy_range is not None:
            options["range"] = {"from": energy_range[0], "to": energy_range[1]}
        inputs = [spectrum_input(s, **fields) for s in spectra]
        data = self.execute(queries.DECOMPOSE_SERIES, {"inputs": inputs, "options": camel_case_fields(options)})
        return SeriesDecomposition.from_json(data["decomposeSeries"])

    # --- catalogue ------------------------------------------------------------------------------------------------

    def materials(self, page_size: int = MAX_PAGE, **filters: Any) -> Iterator[Material]:
        """Every material matching ``filters``, page after page (ordered by id). Filters (Python spelling):
        ``elements``, ``chemsys``, ``formula``, ``spacegroup_number``, ``absorbing_element``, ``edge``,
        ``spectrum_type``, ``method``, ``site_resolved``, ``origins`` (default: the catalogue and measured
        references; ``origins=["USER_PREDICTION"]`` for predicted user structures)."""
        variables: Dict[str, Any] = {"filter": camel_case_fields(filters) or None, "first": page_size, "after": None}
        while True:
            page = self.execute(queries.MATERIALS_PAGE, variables)["materials"]
            for edge in page["edges"]:
                yield Material.from_json(edge["node"])
            if not page["pageInfo"]["hasNextPage"]:
                return
            variables["after"] = page["pageInfo"]["endCursor"]

    def count_materials(self, **filters: Any) -> int:
        """How many materials match ``filters`` (as :meth:`materials`)."""
        data = self.execute(queries.MATERIALS_PAGE, {"filter": camel_case_fields(filters) or None, "first": 1})
        return int(data["materials"]["totalCount"])

    def material(self, material_id: str) -> Material:
        """One material with its spectrum ids and structure (``.to_pymatgen()``)."""
        return Material.from_json(self.execute(queries.MATERIAL, {"id": material_id})["material"])

    def spectrum(self, spectrum_id: str) -> Spectrum:
        """One spectrum by id (``mp-1005792-XANES-Cu-K``); ``.to_pymatgen()`` gives pymatgen's XAS."""
        return Spectrum.from_json(self.execute(queries.SPECTRUM, {"id": spectrum_id})["spectrum"], self)

    def spectrum_pymatgen_dict(self, spectrum_id: str) -> Dict[str, Any]:
        """``Spectrum.pymatgen``: the spectrum as ``XAS.as_dict()``, structure included."""
        return self.execute(queries.SPECTRUM_PYMATGEN, {"id": spectrum_id})["spectrum"]["pymatgen"]

    # --- predictions ----------------------------------------------------------------------------------------------

    @overload
    def predict(self, structure: Union[List[StructureSource], tuple], element: str, *, wait: bool = ..., **options: Any) -> List[PredictionJob]: ...

    @overload
    def predict(self, structure: StructureSource, element: str, *, wait: bool = ..., **options: Any) -> PredictionJob: ...

    def predict(self, structure: Any, element: str, *, wait: bool = True, edge: Optional[str] = None,
                model: Optional[str] = None, name: Union[str, Sequence[str], None] = None, timeout: float = 600.0,
                poll_interval: float = 0.25, progress: Optional[bool] = None) -> Any:
        """Predict the ``element`` spectrum of a structure (a pymatgen Structure, a POSCAR/CIF/XYZ/pymatgen JSON file
        path, or a dict), or of each structure of a list (answers a list of jobs in the same order). Needs a
        contributor API key.

        ``wait=True`` waits until every job is COMPLETED or FAILED (a progress bar for more than one job: tqdm if
        installed, else text; ``progress`` forces it on or off) and answers the jobs with their spectra; JobTimeout
        after ``timeout`` seconds. ``wait=False`` answers the queued jobs at once (follow them with :meth:`jobs`,
        :meth:`batch_progress` or :meth:`wait`). ``job.catalog_material_id`` says when the catalogue holds the
        structure already.
        """
        many = isinstance(structure, (list, tuple))
        structures: List[Any] = list(structure) if many else [structure]
        names = list(name) if isinstance(name, (list, tuple)) else [name] * len(structures)
        if len(names) != len(structures):
            raise ValueError(f"{len(names)} names for {len(structures)} structures")
        inputs = [
            camel_case_fields({"structure": structure_input(s), "absorbing_element": element, "edge": edge, "model": model, "name": n})
            for s, n in zip(structures, names)
        ]
        jobs: List[PredictionJob] = []
        for start in range(0, len(inputs), PREDICT_CHUNK):
            data = self.execute(queries.PREDICT, {"inputs": inputs[start:start + PREDICT_CHUNK]})
            jobs.extend(PredictionJob.from_json(j, self) for j in data["predictSpectra"])
        if wait:
            jobs = self.wait([j.id for j in jobs], timeout=timeout, poll_interval=poll_interval,
                             progress=len(jobs) > 1 if progress is None else progress)
        return jobs if many else jobs[0]

    def batch_progress(self, job_ids: Sequence[str]) -> JobCounts:
        """How many of these jobs are in each state."""
        data = self.execute(queries.BATCH_PROGRESS, {"ids": list(job_ids)})
        return JobCounts.from_json(data["predictionBatch"]["counts"])

    def wait(self, job_ids: Sequence[str], timeout: float = 600.0, poll_interval: float = 0.25,
             progress: bool = True) -> List[PredictionJob]:
        """Wait until every job is finished, then answer them (in the order given) with their spectra."""
        ids = list(job_ids)
        distinct = list(dict.fromkeys(ids))
        bar = progress_bar(len(distinct), "predictions", enabled=progress)
        deadline = time.monotonic() + timeout
        try:
            while True:
                counts = self.batch_progress(distinct)
                bar.update(counts.finished, f"{counts.completed} completed, {counts.failed} failed, {counts.running} running")
                if counts.finished == counts.total:
                    break
                if time.monotonic() > deadline:
                    raise JobTimeout(f"{counts.total - counts.finished} of {counts.total} jobs not finished after {timeout:g} s", distinct)
                time.sleep(poll_interval)
        finally:
            bar.close()
        return self.jobs_by_id(ids)

    def jobs_by_id(self, job_ids: Sequence[str]) -> List[PredictionJob]:
        """These jobs now, with their spectra once COMPLETED, in the order given."""
        ids = list(job_ids)
        jobs: List[PredictionJob] = []
        for start in range(0, len(ids), RESULT_CHUNK):
            data = self.execute(queries.BATCH_JOBS, {"ids": ids[start:start + RESULT_CHUNK]})
            jobs.extend(PredictionJob.from_json(j, self) for j in data["predictionBatch"]["jobs"])
        return jobs

    def jobs(self, states: Optional[Iterable[str]] = None, limit: Optional[int] = None) -> JobListing:
        """Your prediction jobs (by API key), newest first (``states`` e.g. ["FAILED"]; ``limit`` the most to
        fetch), with how many of all your jobs are in each state."""
        variables: Dict[str, Any] = {"filter": {"states": list(states)} if states is not None else None,
                                     "first": MAX_PAGE if limit is None else max(1, min(MAX_PAGE, limit)), "after": None}
        jobs: List[PredictionJob] = []
        while True:
            page = self.execute(queries.MY_JOBS_PAGE, variables)["myPredictionJobs"]
            jobs.extend(PredictionJob.from_json(e["node"], self) for e in page["edges"])
            done = not page["pageInfo"]["hasNextPage"] or (limit is not None and len(jobs) >= limit)
            if done:
                return JobListing(JobCounts.from_json(page["counts"]), jobs[:limit] if limit is not None else jobs)
            variables["after"] = page["pageInfo"]["endCursor"]


__all__ = ["Client", "XasGraphError", "JobTimeout"]
