"""Plots of the service's answers (matplotlib, optional: ``pip install "xasgraph[plot]"``).

Each function draws on the Axes (or Figure) given, else on a new figure, and returns what it drew on.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Optional

import numpy as np

if TYPE_CHECKING:  # pragma: no cover
    from .results import Identification, MixtureAnalysis, SeriesDecomposition, Spectrum


def _pyplot() -> Any:
    try:
        import matplotlib.pyplot as plt
    except ImportError as err:  # pragma: no cover - depends on the environment
        raise ImportError('plotting needs matplotlib: pip install "xasgraph[plot]"') from err
    return plt


def _axes(ax: Any) -> Any:
    if ax is not None:
        return ax
    _, ax = _pyplot().subplots(figsize=(7, 4.2))
    return ax


def plot_identification(result: "Identification", top: int = 3, ax: Any = None) -> Any:
    """The normalised measurement and the top ``top`` matches exactly as they were compared (each reference aligned,
    stretched and shifted onto the measurement's energy axis)."""
    ax = _axes(ax)
    if result.normalized is None:
        raise ValueError("the identification has no normalised input to plot")
    ax.plot(result.normalized.energies, result.normalized.mu, color="black", lw=2, label="measurement (normalised)")
    for match in result.matches[:top]:
        if match.curve is not None:
            ax.plot(match.curve.energies, match.curve.mu, lw=1.2, label=f"#{match.rank} {match.label}")
    ax.axvline(result.normalized.e0, color="grey", ls=":", lw=0.8)
    compared = [m.curve.energies for m in result.matches[:top] if m.curve is not None and m.curve.energies.size]
    if compared:  # the window the references were compared over, with some of the measurement around it
        ax.set_xlim(min(e.min() for e in compared) - 20, max(e.max() for e in compared) + 20)
    ax.set_xlabel("energy (eV)")
    ax.set_ylabel("normalised μ(E)")
    verdict = "confident" if result.confident else "not confident"
    ax.set_title(f"{result.absorbing_element} {result.edge}-edge: best matches ({verdict})")
    ax.legend(fontsize="small")
    return ax


def plot_spectrum(spectrum: "Spectrum", ax: Any = None, sigmas: float = 1.0) -> Any:
    """A spectrum; a prediction with its ±``sigmas``·σ band."""
    ax = _axes(ax)
    line = ax.plot(spectrum.energies, spectrum.mu, lw=1.5, label=f"{spectrum.formula} {spectrum.method}")[0]
    if spectrum.uncertainty is not None:
        band = sigmas * spectrum.uncertainty
        ax.fill_between(spectrum.energies, spectrum.mu - band, spectrum.mu + band, color=line.get_color(), alpha=0.25,
                        label=f"±{sigmas:g}σ")
    ax.set_xlabel("energy (eV)")
    ax.set_ylabel("μ(E)")
    ax.set_title(spectrum.id)
    ax.legend(fontsize="small")
    return ax


def plot_mixture(analysis: "MixtureAnalysis", fit: int = 0, axes: Any = None) -> Any:
    """Fit number ``fit`` (0 = best): the input, the fit and each weighted component above; the residual below.
    ``axes``: two Axes (top, bottom); returns the Figure."""
    chosen = analysis.fits[fit]
    if axes is None:
        fig, axes = _pyplot().subplots(2, 1, sharex=True, figsize=(7, 5), gridspec_kw={"height_ratios": [3, 1]})
    top, bottom = axes
    top.plot(chosen.energies, chosen.mu, color="black", lw=2, label="measurement (normalised)")
    top.plot(chosen.energies, chosen.fit, color="tab:red", lw=1.5, ls="--", label=f"fit: {chosen.label}")
    top.set_ylabel("normalised μ(E)")
    top.set_title(f"mixture fit #{chosen.rank}: R = {chosen.r_factor:.4f}")
    top.legend(fontsize="small")
    bottom.plot(chosen.energies, chosen.residual, color="tab:red", lw=1)
    bottom.axhline(0, color="grey", lw=0.8)
    bottom.set_xlabel("energy (eV)")
    bottom.set_ylabel("residual")
    return top.figure


def plot_series(series: "SeriesDecomposition", axes: Any = None) -> Any:
    """Component spectra (left) and their concentrations over the series (right); returns the Figure."""
    if axes is None:
        fig, axes = _pyplot().subplots(1, 2, figsize=(10, 4))
    left, right = axes
    steps = np.arange(series.concentrations.shape[0])
    for component in series.components:
        name = component.best_formula or f"component {component.index}"
        left.plot(series.energies, component.mu, label=name)
        right.plot(steps, series.concentrations[:, component.index], marker="o", ms=3, label=name)
    left.set_xlabel("energy (eV)")
    left.set_ylabel("normalised μ(E)")
    left.legend(fontsize="small")
    right.set_xlabel("spectrum in series")
    right.set_ylabel("fraction")
    right.legend(fontsize="small")
    return left.figure
