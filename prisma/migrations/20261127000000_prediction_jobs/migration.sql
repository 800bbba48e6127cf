-- Prediction jobs (issue 5). The queue itself is pg-boss (its own schema "pgboss", created by pg-boss at start);
-- this row is what the API answers about a job: its state, attempts and times, who asked, and its result.
-- Nothing wrote prediction_job before this migration, so the new NOT NULL columns only need their defaults.
CREATE TYPE "JobState" AS ENUM ('QUEUED', 'RUNNING', 'COMPLETED', 'FAILED');

ALTER TABLE "prediction_job"
    ADD COLUMN "state" "JobState" NOT NULL DEFAULT 'QUEUED',
    ADD COLUMN "attempts" INTEGER NOT NULL DEFAULT 0,
    ADD COLUMN "name" TEXT,
    ADD COLUMN "submitted_by" TEXT,
    ADD COLUMN "started_at" TIMESTAMP(3);
