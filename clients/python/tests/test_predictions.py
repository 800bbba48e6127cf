import io
import json
import unittest
import uuid
from contextlib import redirect_stderr

import numpy as np

from xasgraph import Client, PredictionJob, XasGraphError
from xasgraph.progress import TextProgress

from .support import CU2O_CIF, EXAMPLE_POSCAR, contributor, reader


def strained_cuprite(a: float) -> dict:
    return {
        "lattice": np.eye(3) * a,
        "species": ["Cu", "Cu", "Cu", "Cu", "O", "O"],
        "frac_coords": [[0.25, 0.25, 0.25], [0.75, 0.75, 0.25], [0.75, 0.25, 0.75], [0.25, 0.75, 0.75], [0, 0, 0], [0.5, 0.5, 0.5]],
    }


class PredictTest(unittest.TestCase):
    def test_a_structure_file_predicts_with_a_sigma_band(self) -> None:
        job = contributor().predict(EXAMPLE_POSCAR, "Cu", name="example POSCAR")
        self.assertIsInstance(job, PredictionJob)
        self.assertEqual(job.state, "COMPLETED", job.error)
        spectrum = job.spectrum
        self.assertEqual(spectrum.method, "ML_PREDICTED")
        self.assertEqual(spectrum.uncertainty.shape, spectrum.mu.shape)
        self.assertTrue(np.all(spectrum.uncertainty > 0))
        self.assertTrue(job.material_id.startswith("hyp-"))

    def test_a_pymatgen_structure_of_the_catalogue_says_so(self) -> None:
        structure = reader().material("mp-361").to_pymatgen()
        job = contributor().predict(structure, "Cu")
        self.assertEqual(job.catalog_material_id, "mp-361")
        cif_job = contributor().predict(CU2O_CIF, "Cu", wait=False)
        self.assertEqual(cif_job.catalog_material_id, "mp-361")

    def test_many_structures_with_a_progress_bar_then_my_jobs(self) -> None:
        tag = uuid.uuid4().hex[:8]
        structures = [strained_cuprite(4.2 + 0.013 * i + int(tag, 16) % 1000 * 1e-5) for i in range(6)]
        names = [f"{tag}-{i}" for i in range(6)]
        out = io.StringIO()
        with redirect_stderr(out):
            jobs = contributor().predict(structures, "Cu", name=names, progress=True)
        self.assertEqual([j.name for j in jobs], names)
        self.assertTrue(all(j.state == "COMPLETED" and j.spectrum is not None for j in jobs))
        self.assertIn("6/6", out.getvalue())
        listing = contributor().jobs()
        self.assertGreaterEqual(listing.counts.completed, 6)
        self.assertEqual(listing.counts.total, len(listing))
        self.assertTrue(set(j.id for j in jobs) <= set(j.id for j in listing))
        self.assertEqual(contributor().batch_progress([j.id for j in jobs]).completed, 6)
        json.dumps(jobs[0].to_dict())  # plain data, the client reference left out

    def test_no_key_is_unauthenticated_and_jobs_need_a_key(self) -> None:
        with self.assertRaises(XasGraphError) as caught:
            reader().predict(strained_cuprite(4.5), "Cu")
        self.assertEqual(caught.exception.code, "UNAUTHENTICATED")
        with self.assertRaises(XasGraphError) as caught:
            reader().jobs()
        self.assertEqual(caught.exception.code, "UNAUTHENTICATED")

    def test_a_structure_without_the_element_fails_and_says_why(self) -> None:
        salt = {"lattice": np.eye(3) * 5.64, "species": ["Na", "Cl"], "frac_coords": [[0, 0, 0], [0.5, 0.5, 0.5]]}
        job = contributor().predict(salt, "Cu")
        self.assertEqual(job.state, "FAILED")
        self.assertIn("no Cu atom", job.error)


class TextProgressTest(unittest.TestCase):
    def test_plain_text_progress_rewrites_one_line(self) -> None:
        out = io.StringIO()
        bar = TextProgress(3, "predictions", stream=out)
        bar.update(1, "1 completed")
        bar.update(3, "3 completed")
        bar.close()
        self.assertIn("predictions: 3/3 finished (3 completed)", out.getvalue())
        self.assertTrue(out.getvalue().endswith("\n"))


class ClientTest(unittest.TestCase):
    def test_a_service_that_is_not_there_raises_unreachable(self) -> None:
        with self.assertRaises(XasGraphError) as caught:
            with Client("http://127.0.0.1:9", timeout=5) as nowhere:
                nowhere.count_materials()
        self.assertEqual(caught.exception.code, "UNREACHABLE")


if __name__ == "__main__":
    unittest.main()
