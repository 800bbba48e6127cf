// Relay cursor pagination over lists ordered by id (keyset: `id > after`), with a capped page size.
import { InputError } from '../errors.ts';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 200;

/** Opaque cursor of an item of list `kind` (`material`, `spectrum`). */
export function encodeCursor(kind: string, id: string): string {
  return Buffer.from(`${kind}:${id}`, 'utf8').toString('base64url');
}

/** The id inside a cursor of list `kind`; BAD_USER_INPUT for anything that is not such a cursor. */
export function decodeCursor(kind: string, cursor: string): string {
  const text = /^[A-Za-z0-9_-]+$/.test(cursor) ? Buffer.from(cursor, 'base64url').toString('utf8') : '';
  const prefix = `${kind}:`;
  if (!text.startsWith(prefix) || text.length === prefix.length || encodeCursor(kind, text.slice(prefix.length)) !== cursor) {
    throw new InputError(`"after" is not a cursor of this ${kind} list: pass the endCursor or an edge cursor of a previous page`, 'after');
  }
  return text.slice(prefix.length);
}

/** Validated page size: default 20, 1…200. */
export function pageSize(first: number | null | undefined): number {
  if (first === null || first === undefined) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) {
    throw new InputError(`"first" must be between 1 and ${MAX_PAGE_SIZE} (got ${first}): page through larger results with "after"`, 'first');
  }
  return first;
}

export interface Page<T> {
  totalCount: number;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  edges: { cursor: string; node: T }[];
}

/** Build a connection from up to `size + 1` rows fetched (the extra row tells whether a next page exists). */
export function toPage<T extends { id: string }>(kind: string, rows: T[], size: number, totalCount: number): Page<T> {
  const nodes = rows.slice(0, size);
  const edges = nodes.map((node) => ({ cursor: encodeCursor(kind, node.id), node }));
  return { totalCount, pageInfo: { hasNextPage: rows.length > size, endCursor: edges.at(-1)?.cursor ?? null }, edges };
}
