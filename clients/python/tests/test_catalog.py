import unittest

import requests

from xasgraph import Material, Spectrum, XasGraphError

from .support import reader, service_url


class MaterialsTest(unittest.TestCase):
    def test_the_iterator_walks_every_page(self) -> None:
        client = reader()
        total = client.count_materials(elements=["Cu", "O"])
        self.assertGreater(total, 25)
        ids = [m.id for m in client.materials(page_size=25, elements=["Cu", "O"])]
        self.assertEqual(len(ids), total)
        self.assertEqual(len(set(ids)), total)
        self.assertEqual(ids, sorted(ids))

    def test_filters_in_python_spelling_and_origins(self) -> None:
        client = reader()
        materials = list(client.materials(chemsys="Cu-O", spacegroup_number=225))
        self.assertTrue(all(isinstance(m, Material) and m.spacegroup_number == 225 and m.chemsys == "Cu-O" for m in materials))
        measured = list(client.materials(elements=["Fe"], origins=["MEASURED"]))
        self.assertTrue(measured)
        self.assertTrue(all(m.origin == "MEASURED" and m.id.startswith("exp-") for m in measured))
        self.assertTrue(all(m.origin != "USER_PREDICTION" for m in client.materials(elements=["Cu", "O", "S"])))

    def test_a_material_to_pymatgen(self) -> None:
        structure = reader().material("mp-1005792").to_pymatgen()
        self.assertEqual(structure.composition.reduced_formula, "Sm2CuAs3O")
        self.assertEqual(len(structure), 28)


class SpectrumTest(unittest.TestCase):
    def test_a_spectrum_and_its_pymatgen_xas(self) -> None:
        spectrum = reader().spectrum("mp-1005792-XANES-Cu-K")
        self.assertIsInstance(spectrum, Spectrum)
        self.assertEqual((spectrum.absorbing_element, spectrum.edge, spectrum.method), ("Cu", "K", "FEFF"))
        self.assertEqual(spectrum.energies.shape, spectrum.mu.shape)
        xas = spectrum.to_pymatgen()
        self.assertEqual(str(xas.absorbing_element), "Cu")
        self.assertEqual(len(xas.x), len(spectrum.energies))
        self.assertAlmostEqual(float(xas.y[10]), float(spectrum.mu[10]))
        self.assertEqual(xas.structure.composition.reduced_formula, "Sm2CuAs3O")

    def test_an_unknown_id_is_not_found(self) -> None:
        with self.assertRaises(XasGraphError) as caught:
            reader().spectrum("mp-0-XANES-Cu-K")
        self.assertEqual(caught.exception.code, "NOT_FOUND")
        self.assertIn("mp-0-XANES-Cu-K", caught.exception.message)


class CsrfTest(unittest.TestCase):
    """Why the client posts JSON: Apollo's CSRF prevention refuses simple requests (README, "From Python")."""

    def test_a_plain_get_or_form_post_is_refused_and_json_passes(self) -> None:
        url = service_url().rstrip("/") + "/graphql"
        query = {"query": "{ version }"}
        self.assertEqual(requests.get(url, params=query, timeout=30).status_code, 400)
        self.assertEqual(requests.post(url, data=query, timeout=30).status_code, 400)
        self.assertEqual(requests.get(url, params=query, headers={"apollo-require-preflight": "true"}, timeout=30).status_code, 200)
        self.assertEqual(requests.post(url, json=query, timeout=30).status_code, 200)


if __name__ == "__main__":
    unittest.main()
