-- Measured reference spectra (issue 10): a Spectrum row with method EXPERIMENT carries, here, where it comes from
-- (so a user can cite it) and the chemistry of its compound as the source states it (oxidation state of each absorbing
-- atom of the formula unit, coordination number where stated): a measured compound may have no structure, hence no
-- absorbing_site rows. One row per measured spectrum; deleted with its spectrum.
CREATE TABLE "measured_reference" (
    "spectrum_id" TEXT NOT NULL,
    "record_id" TEXT NOT NULL,
    "compound" TEXT NOT NULL,
    "phase" TEXT,
    "oxidation_states" DOUBLE PRECISION[],
    "oxidation_state_basis" TEXT,
    "coordination_number" DOUBLE PRECISION,
    "mode" TEXT,
    "temperature" TEXT,
    "beamline" TEXT,
    "sample_group" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "source_file" TEXT NOT NULL,
    "source_record" TEXT,
    "materials_project_id" TEXT,
    "doi" TEXT,
    "license" TEXT NOT NULL,
    "credit" TEXT NOT NULL,
    "note" TEXT,
    "data_sha256" TEXT NOT NULL,

    CONSTRAINT "measured_reference_pkey" PRIMARY KEY ("spectrum_id")
);

-- CreateIndex
CREATE UNIQUE INDEX "measured_reference_record_id_key" ON "measured_reference"("record_id");

-- AddForeignKey
ALTER TABLE "measured_reference" ADD CONSTRAINT "measured_reference_spectrum_id_fkey" FOREIGN KEY ("spectrum_id") REFERENCES "spectrum"("id") ON DELETE CASCADE ON UPDATE CASCADE;
