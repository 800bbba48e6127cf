// Migrations: applied once even when two processes start together, refused when an applied file was
// edited, and in agreement with prisma/schema.prisma (every model field is a column of the right type).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import pg from 'pg';
import { applyMigrations, pendingMigrations } from '../../src/db/migrate.ts';
import { MIGRATIONS_DIR, type ScratchDatabase, createScratchDatabase } from '../support/scratch-db.ts';
import { REPO_ROOT } from '../support/service.ts';

const scratchDatabases: ScratchDatabase[] = [];

async function scratchDatabase(): Promise<string> {
  const db = await createScratchDatabase({ migrate: false });
  scratchDatabases.push(db);
  return db.url;
}

afterAll(async () => {
  for (const db of scratchDatabases) await db.drop();
});

test('two processes migrating one empty database at once apply each migration exactly once', async () => {
  const url = await scratchDatabase();
  const a = new pg.Pool({ connectionString: url, max: 2 });
  const b = new pg.Pool({ connectionString: url, max: 2 });
  try {
    expect(await pendingMigrations(a, MIGRATIONS_DIR)).toEqual(fs.readdirSync(MIGRATIONS_DIR).filter((n) => /^\d/.test(n)).sort());
    const [first, second] = await Promise.all([applyMigrations(a, MIGRATIONS_DIR), applyMigrations(b, MIGRATIONS_DIR)]);
    expect([...first, ...second].sort()).toEqual(fs.readdirSync(MIGRATIONS_DIR).filter((n) => /^\d/.test(n)).sort());
    const { rows } = await a.query('SELECT migration_name, count(*)::int AS n FROM "_prisma_migrations" GROUP BY 1');
    expect(rows.every((r) => r.n === 1)).toBe(true);
    expect(await pendingMigrations(a, MIGRATIONS_DIR)).toEqual([]);
    expect(await applyMigrations(a, MIGRATIONS_DIR)).toEqual([]);
  } finally {
    await a.end();
    await b.end();
  }
});

test('an applied migration that was edited afterwards stops start-up with a clear message', async () => {
  const url = await scratchDatabase();
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'xasgraph-migrations-'));
  try {
    fs.cpSync(MIGRATIONS_DIR, copy, { recursive: true });
    await applyMigrations(pool, copy);
    const first = fs.readdirSync(copy).filter((n) => /^\d/.test(n)).sort()[0]!;
    fs.appendFileSync(path.join(copy, first, 'migration.sql'), '\n-- edited\n');
    await expect(applyMigrations(pool, copy)).rejects.toThrow(/was changed after it was applied/);
  } finally {
    await pool.end();
    fs.rmSync(copy, { recursive: true, force: true });
  }
});

test('a failing migration leaves nothing of itself behind', async () => {
  const url = await scratchDatabase();
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xasgraph-migrations-'));
  try {
    fs.mkdirSync(path.join(dir, '20990101000000_broken'));
    fs.writeFileSync(path.join(dir, '20990101000000_broken', 'migration.sql'), 'CREATE TABLE "half" (id int);\nSELECT no_such_function();\n');
    await expect(applyMigrations(pool, dir)).rejects.toThrow(/20990101000000_broken failed and was rolled back/);
    const { rows } = await pool.query(`SELECT to_regclass('"half"') AS t`);
    expect(rows[0].t).toBeNull();
    expect(await pendingMigrations(pool, dir)).toEqual(['20990101000000_broken']);
  } finally {
    await pool.end();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('schema.prisma and the migrations agree, column by column', async () => {
  const require = createRequire(import.meta.url);
  const wasm = require('@prisma/prisma-schema-wasm');
  const dmmf = JSON.parse(wasm.get_dmmf(JSON.stringify({ prismaSchema: fs.readFileSync(path.join(REPO_ROOT, 'prisma/schema.prisma'), 'utf8') })));
  const scalarType: Record<string, string> = { String: 'text', Int: 'int4', Float: 'float8', Boolean: 'bool', DateTime: 'timestamp', Json: 'jsonb', BigInt: 'int8' };
  const enums = new Set(dmmf.datamodel.enums.map((e: any) => e.name));

  const expected = new Map<string, string>();
  for (const model of dmmf.datamodel.models) {
    for (const field of model.fields) {
      if (field.kind === 'object') continue;
      const base = field.kind === 'enum' ? field.type : scalarType[field.type];
      expect(base).toBeDefined();
      const type = field.isList ? `${base}[]` : base;
      // Prisma leaves list columns nullable; scalars are NOT NULL when required.
      const nullable = field.isList ? 'YES' : field.isRequired ? 'NO' : 'YES';
      expected.set(`${model.dbName ?? model.name}.${field.dbName ?? field.name}`, `${type} ${nullable}`);
    }
  }

  const pool = new pg.Pool({ connectionString: await scratchDatabase(), max: 1 });
  try {
    await applyMigrations(pool, MIGRATIONS_DIR);
    const { rows } = await pool.query(
      `SELECT table_name, column_name, data_type, udt_name, is_nullable FROM information_schema.columns
       WHERE table_schema = 'public' AND table_name <> '_prisma_migrations'`,
    );
    const actual = new Map<string, string>(
      rows.map((r) => {
        const udt = r.udt_name.startsWith('_') ? `${r.udt_name.slice(1)}[]` : r.udt_name;
        return [`${r.table_name}.${r.column_name}`, `${udt} ${r.is_nullable}`];
      }),
    );
    expect(Object.fromEntries([...actual].sort())).toEqual(Object.fromEntries([...expected].sort()));

    const { rows: enumRows } = await pool.query(
      `SELECT t.typname, array_agg(e.enumlabel ORDER BY e.enumsortorder)::text[] AS labels FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid GROUP BY 1`,
    );
    const dbEnums = Object.fromEntries(enumRows.map((r) => [r.typname, r.labels]));
    for (const e of dmmf.datamodel.enums) expect(dbEnums[e.name]).toEqual(e.values.map((v: any) => v.name));
    expect(Object.keys(dbEnums).sort()).toEqual([...enums].sort());

    const { rows: keys } = await pool.query(
      `SELECT tc.table_name, array_agg(kcu.column_name ORDER BY kcu.ordinal_position)::text[] AS columns
       FROM information_schema.table_constraints tc JOIN information_schema.key_column_usage kcu USING (constraint_name, table_schema)
       WHERE tc.constraint_type = 'PRIMARY KEY' AND tc.table_schema = 'public' AND tc.table_name <> '_prisma_migrations' GROUP BY 1`,
    );
    const dbKeys = Object.fromEntries(keys.map((r) => [r.table_name, r.columns]));
    for (const model of dmmf.datamodel.models) {
      const idFields = model.primaryKey?.fields ?? model.fields.filter((f: any) => f.isId).map((f: any) => f.name);
      const columns = idFields.map((name: string) => model.fields.find((f: any) => f.name === name).dbName ?? name);
      expect([model.dbName, dbKeys[model.dbName]]).toEqual([model.dbName, columns]);
    }
  } finally {
    await pool.end();
  }
});
