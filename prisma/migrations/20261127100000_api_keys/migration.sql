-- API keys (issue 5, access): a caller sends `Authorization: Bearer xg_<prefix>_<secret>`. Only the key's
-- sha256 is stored (src/auth/keys.ts says why a fast hash is enough), with the non-secret prefix for display.
-- Rows are never deleted: revoking sets revoked_at, so a name stays taken and its history stays visible.
CREATE TYPE "ApiKeyRole" AS ENUM ('reader', 'contributor', 'admin');

CREATE TABLE "api_key" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "role" "ApiKeyRole" NOT NULL,
    "prefix" TEXT NOT NULL,
    "key_hash" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_used_at" TIMESTAMP(3),
    "revoked_at" TIMESTAMP(3),

    CONSTRAINT "api_key_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "api_key_name_key" ON "api_key"("name");

-- CreateIndex
CREATE UNIQUE INDEX "api_key_key_hash_key" ON "api_key"("key_hash");
