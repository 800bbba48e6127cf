"""A progress bar for waiting on many prediction jobs: tqdm's when it is installed, else one line of plain text
rewritten in place (a notebook shows it as it goes)."""
from __future__ import annotations

import sys
from typing import Optional, Protocol, TextIO


class Progress(Protocol):
    def update(self, finished: int, note: str = "") -> None: ...

    def close(self) -> None: ...


class TextProgress:
    """``predictions: 12/40 finished (10 completed, 2 failed)``, rewritten on one line; a new line at close."""

    def __init__(self, total: int, label: str, stream: Optional[TextIO] = None) -> None:
        self.total = total
        self.label = label
        self.stream = stream or sys.stderr
        self._last = ""

    def update(self, finished: int, note: str = "") -> None:
        line = f"{self.label}: {finished}/{self.total} finished" + (f" ({note})" if note else "")
        if line != self._last:
            self.stream.write("\r" + line.ljust(len(self._last)))
            self.stream.flush()
            self._last = line

    def close(self) -> None:
        if self._last:
            self.stream.write("\n")
            self.stream.flush()


class TqdmProgress:
    """The same on a tqdm bar: a widget in notebooks where ipywidgets is installed, text elsewhere."""

    def __init__(self, total: int, label: str) -> None:
        from tqdm import tqdm

        try:
            import ipywidgets  # noqa: F401  (tqdm's notebook widget needs it; without, it warns and draws text)
            from tqdm.auto import tqdm
        except ImportError:
            pass
        self._bar = tqdm(total=total, desc=label, unit="job")

    def update(self, finished: int, note: str = "") -> None:
        if note:
            self._bar.set_postfix_str(note, refresh=False)
        self._bar.update(finished - self._bar.n)

    def close(self) -> None:
        self._bar.close()


class NoProgress:
    def update(self, finished: int, note: str = "") -> None:
        pass

    def close(self) -> None:
        pass


def progress_bar(total: int, label: str, enabled: bool = True) -> Progress:
    """tqdm if installed, else plain text; nothing when ``enabled`` is false."""
    if not enabled:
        return NoProgress()
    try:
        return TqdmProgress(total, label)
    except ImportError:
        return TextProgress(total, label)
