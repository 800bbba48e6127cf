import unittest

import matplotlib

matplotlib.use("Agg")

from xasgraph.plotting import plot_identification, plot_spectrum  # noqa: E402

from .support import CUO_XDI, reader  # noqa: E402


class PlottingTest(unittest.TestCase):
    def test_identification_and_spectrum_plots_draw_their_lines(self) -> None:
        result = reader().identify(CUO_XDI, top=3)
        ax = plot_identification(result, top=3)
        self.assertEqual(len(ax.get_lines()), 1 + 3 + 1)  # measurement, 3 matches, the e0 marker
        spectrum = reader().spectrum("mp-1005792-XANES-Cu-K")
        ax = plot_spectrum(spectrum)
        self.assertEqual(len(ax.get_lines()), 1)


if __name__ == "__main__":
    unittest.main()
