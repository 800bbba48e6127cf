-- CreateEnum
CREATE TYPE "Edge" AS ENUM ('K', 'L1', 'L2', 'L3', 'L2_3');

-- CreateEnum
CREATE TYPE "SpectrumType" AS ENUM ('XANES', 'EXAFS', 'XAFS');

-- CreateEnum
CREATE TYPE "Method" AS ENUM ('FEFF', 'VASP', 'EXPERIMENT', 'ML_PREDICTED');

-- CreateTable
CREATE TABLE "material" (
    "id" TEXT NOT NULL,
    "formula" TEXT NOT NULL,
    "composition_key" TEXT NOT NULL,
    "elements" TEXT[],
    "chemsys" TEXT NOT NULL,
    "nsites" INTEGER,
    "lattice" DOUBLE PRECISION[],
    "species" TEXT[],
    "frac_coords" DOUBLE PRECISION[],
    "volume" DOUBLE PRECISION,
    "spacegroup_symbol" TEXT,
    "spacegroup_number" INTEGER,
    "split" TEXT,
    "site_average_note" TEXT,
    "provenance_source" TEXT NOT NULL,
    "provenance_license" TEXT NOT NULL,
    "provenance_url" TEXT,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "material_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "absorbing_site" (
    "material_id" TEXT NOT NULL,
    "site_index" INTEGER NOT NULL,
    "element" TEXT NOT NULL,
    "multiplicity" INTEGER NOT NULL,
    "weight" INTEGER,
    "equivalent_site_indices" INTEGER[],
    "wyckoff" TEXT,
    "oxidation_state" INTEGER,
    "oxidation_state_method" TEXT,
    "coordination_number" INTEGER,
    "split" TEXT,

    CONSTRAINT "absorbing_site_pkey" PRIMARY KEY ("material_id","site_index")
);

-- CreateTable
CREATE TABLE "spectrum" (
    "id" TEXT NOT NULL,
    "material_id" TEXT NOT NULL,
    "absorbing_element" TEXT NOT NULL,
    "edge" "Edge" NOT NULL,
    "spectrum_type" "SpectrumType" NOT NULL,
    "method" "Method" NOT NULL,
    "site_index" INTEGER,
    "energies" DOUBLE PRECISION[],
    "mu" DOUBLE PRECISION[],
    "uncertainty" DOUBLE PRECISION[],
    "e0" DOUBLE PRECISION,
    "averaged_sites" INTEGER,
    "model_version" TEXT,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "spectrum_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "model" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "version" TEXT NOT NULL,
    "absorbing_element" TEXT NOT NULL,
    "edge" "Edge" NOT NULL,
    "energy_grid" DOUBLE PRECISION[],
    "descriptor" JSONB NOT NULL,
    "metrics" JSONB NOT NULL,
    "sha256" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "model_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "prediction_job" (
    "id" TEXT NOT NULL,
    "dedup_key" TEXT NOT NULL,
    "absorbing_element" TEXT NOT NULL,
    "edge" "Edge" NOT NULL,
    "model_version" TEXT NOT NULL,
    "input" JSONB NOT NULL,
    "material_id" TEXT,
    "spectrum_id" TEXT,
    "error" TEXT,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMP(3),

    CONSTRAINT "prediction_job_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "material_elements_idx" ON "material" USING GIN ("elements");

-- CreateIndex
CREATE INDEX "material_chemsys_idx" ON "material"("chemsys");

-- CreateIndex
CREATE INDEX "material_composition_key_idx" ON "material"("composition_key");

-- CreateIndex
CREATE INDEX "material_spacegroup_number_idx" ON "material"("spacegroup_number");

-- CreateIndex
CREATE INDEX "spectrum_material_id_idx" ON "spectrum"("material_id");

-- CreateIndex
CREATE INDEX "spectrum_absorbing_element_edge_spectrum_type_method_idx" ON "spectrum"("absorbing_element", "edge", "spectrum_type", "method");

-- CreateIndex
CREATE UNIQUE INDEX "model_name_version_key" ON "model"("name", "version");

-- CreateIndex
CREATE UNIQUE INDEX "prediction_job_dedup_key_key" ON "prediction_job"("dedup_key");

-- AddForeignKey
ALTER TABLE "absorbing_site" ADD CONSTRAINT "absorbing_site_material_id_fkey" FOREIGN KEY ("material_id") REFERENCES "material"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "spectrum" ADD CONSTRAINT "spectrum_material_id_fkey" FOREIGN KEY ("material_id") REFERENCES "material"("id") ON DELETE CASCADE ON UPDATE CASCADE;
