-- The model registry (issue 4) keeps what a model's sidecar says beyond its grid, descriptor and metrics:
-- what it predicts, from which computed spectra, its file, its ensemble and how it was trained.
-- Nothing wrote the table before this migration, so the new NOT NULL columns need no default.
ALTER TABLE "model"
    ADD COLUMN "spectrum_type" "SpectrumType" NOT NULL,
    ADD COLUMN "fidelity" "Method" NOT NULL,
    ADD COLUMN "file" TEXT NOT NULL,
    ADD COLUMN "ensemble" JSONB NOT NULL,
    ADD COLUMN "training" JSONB NOT NULL,
    ADD COLUMN "trained_at" TIMESTAMP(3);
