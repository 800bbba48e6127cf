import json
import unittest

import numpy as np

from xasgraph import Identification, XasGraphError

from .support import CUO_XDI, FE_DIR, reader


class IdentifyTest(unittest.TestCase):
    def test_a_measured_xdi_file_finds_its_compound_with_curves_to_plot(self) -> None:
        result = reader().identify(CUO_XDI, top=5)
        self.assertIsInstance(result, Identification)
        self.assertEqual((result.absorbing_element, result.edge), ("Cu", "K"))
        self.assertEqual(len(result.matches), 5)
        self.assertEqual([m.rank for m in result.matches], [1, 2, 3, 4, 5])
        self.assertIn("CuO", [m.formula for m in result.matches])
        self.assertEqual(result.oxidation_state.value, 2)
        self.assertIsNotNone(result.normalized)
        self.assertEqual(result.normalized.energies.shape, result.normalized.mu.shape)
        for match in result.matches:
            self.assertEqual(match.curve.energies.shape, match.curve.mu.shape)
        # to_dict is plain data: JSON without a custom encoder, arrays as lists.
        plain = json.loads(json.dumps(result.to_dict()))
        self.assertEqual(plain["matches"][0]["spectrum_id"], result.matches[0].spectrum_id)
        self.assertIsInstance(plain["normalized"]["mu"], list)

    def test_arrays_and_options_in_python_spelling(self) -> None:
        xdi = reader().identify(CUO_XDI, top=3)
        energies, mu = xdi.normalized.energies, xdi.normalized.mu
        result = reader().identify((energies, mu), top=3, absorbing_element="Cu", edge="K",
                                   reference_methods=["FEFF"], restrict_elements=["O"], group_by_formula=True)
        self.assertEqual(result.reference_methods, ["FEFF"])
        self.assertTrue(all(m.method == "FEFF" for m in result.matches))
        self.assertEqual(len({m.formula for m in result.matches}), len(result.matches))
        self.assertTrue(all(set(m.formula) <= set("CuO0123456789") for m in result.matches))

    def test_a_bad_request_raises_with_the_service_code_and_message(self) -> None:
        with self.assertRaises(ValueError):  # caught before sending: the arrays differ in length
            reader().identify(([9000.0, 9001.0], [0.1]))
        with self.assertRaises(XasGraphError) as caught:
            reader().identify(CUO_XDI, top=1000)
        self.assertEqual(caught.exception.code, "BAD_USER_INPUT")
        self.assertIn("top", caught.exception.message)


class MixtureTest(unittest.TestCase):
    def test_a_two_phase_mixture_is_fitted_with_a_residual(self) -> None:
        client = reader()
        first = client.identify(FE_DIR / "Fe2O3_rt_01.xdi", top=1)
        second = client.identify(FE_DIR / "FeO_rt_01.xdi", top=1)
        a, b = first.normalized, second.normalized
        # Mixed over the whole range both cover, so that the mixture normalises as its parts did.
        grid = np.arange(np.ceil(max(a.energies[0], b.energies[0])), np.floor(min(a.energies[-1], b.energies[-1])), 0.5)
        mixed = 0.6 * np.interp(grid, a.energies, a.mu) + 0.4 * np.interp(grid, b.energies, b.mu)
        references = [first.best.spectrum_id, second.best.spectrum_id]
        analysis = client.fit_mixture((grid, mixed), absorbing_element="Fe", edge="K", references=references, max_components=2)
        best = analysis.best
        weights = {c.spectrum_id: c.weight for c in best.components}
        self.assertAlmostEqual(weights[references[0]], 0.6, delta=0.06)
        self.assertAlmostEqual(weights[references[1]], 0.4, delta=0.06)
        self.assertIsNotNone(best)
        self.assertEqual(best.energies.shape, best.residual.shape)
        np.testing.assert_allclose(best.mu - best.fit, best.residual, atol=1e-6)
        self.assertLess(best.r_factor, 0.02)
        self.assertAlmostEqual(best.weight_sum, 1.0, places=6)

    def test_a_series_is_decomposed_into_components_with_concentrations(self) -> None:
        files = [FE_DIR / name for name in ("Fe2O3_rt_01.xdi", "Fe3O4_rt_01.xdi", "FeO_rt_01.xdi")]
        series = reader().decompose_series(files, components=2)
        self.assertEqual(series.concentrations.shape, (3, 2))
        np.testing.assert_allclose(series.concentrations.sum(axis=1), 1.0, atol=1e-6)
        self.assertEqual(len(series.components), 2)
        self.assertEqual(series.components[0].mu.shape, series.energies.shape)


if __name__ == "__main__":
    unittest.main()
