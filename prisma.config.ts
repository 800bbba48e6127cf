// Prisma CLI configuration (Prisma 7 keeps the URL out of schema.prisma). Only `prisma generate` is used:
// migrations are plain SQL applied by the service (src/db/migrate.ts).
import { defineConfig } from 'prisma/config';

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
});
