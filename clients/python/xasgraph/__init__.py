"""xasgraph: a Python client of the xasgraph service (identify X-ray absorption spectra, browse the catalogue,
predict spectra from structures). Start with ``Client("http://127.0.0.1:4000")``."""
from .client import Client
from .errors import JobTimeout, XasGraphError
from .results import (
    Consensus,
    Curve,
    Identification,
    JobCounts,
    JobListing,
    Match,
    Material,
    MixtureAnalysis,
    MixtureFit,
    NormalizedSpectrum,
    PredictionJob,
    SeriesDecomposition,
    Spectrum,
)

__version__ = "0.1.0"

__all__ = [
    "Client", "XasGraphError", "JobTimeout", "Consensus", "Curve", "Identification", "JobCounts", "JobListing", "Match",
    "Material", "MixtureAnalysis", "MixtureFit", "NormalizedSpectrum", "PredictionJob", "SeriesDecomposition", "Spectrum",
]
