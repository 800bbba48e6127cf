// Every id and string a client sends as a GraphQL argument is checked here, in one place, before any resolver
// (and so any SQL) sees it: no NUL characters (PostgreSQL text cannot hold them: it answers error 22021), ids of
// the catalogue's character set and length, other strings of a bounded length. The checks follow the schema's
// argument types (ID, String, lists and input objects of them), so a new argument is covered without a line here.
import { defaultFieldResolver, type GraphQLArgument, type GraphQLFieldResolver, type GraphQLInputType, type GraphQLSchema, isInputObjectType, isListType, isNonNullType, isObjectType, isScalarType } from 'graphql';
import { InputError } from '../errors.ts';

/** Ids the catalogue makes: `mp-1005792`, `mp-1005792-XANES-Cu-K-site8`, `exp-Fe2O3-hematite`, job UUIDs, `model@1.0`. */
export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:@-]{0,199}$/;
/** Longest string argument, in characters, unless TEXT_LIMITS says otherwise. */
export const MAX_TEXT_LENGTH = 1000;
/** Per argument or input field name: its own length limit, or null for none here (files: their parser checks the size in bytes). */
const TEXT_LIMITS: Record<string, number | null> = { file: null };

/** Checks one argument value (already coerced to its type) and throws an InputError naming `path`. */
type Check = (value: unknown, path: string) => void;

/** The value as a short, printable quotation for a message (control characters escaped, long ones cut). */
export function quoteValue(value: string): string {
  const shown = value.length > 40 ? `${value.slice(0, 40)}…` : value;
  return JSON.stringify(shown);
}

/** An id argument: letters, digits and `. _ : @ -`, at most 200 characters. */
export function checkId(value: string, path: string): void {
  if (!ID_PATTERN.test(value)) {
    throw new InputError(`${path}: ${quoteValue(value)} is not an id: ids are 1–200 characters of letters, digits and . _ : @ - (e.g. "mp-1005792")`, path);
  }
}

/** A text argument: no NUL character, at most `limit` characters (null: no length limit). */
export function checkText(value: string, path: string, limit: number | null = MAX_TEXT_LENGTH): void {
  const nul = value.indexOf('\u0000');
  if (nul >= 0) throw new InputError(`${path}: contains a NUL character (\\u0000) at position ${nul}; remove it (send binary files as base64)`, path);
  if (limit !== null && value.length > limit) throw new InputError(`${path}: ${value.length} characters, at most ${limit} are accepted`, path);
}

/** The check of values of `type` (named `name` for the length limit), or null when nothing in it is text. */
function checkOf(type: GraphQLInputType, name: string): Check | null {
  if (isNonNullType(type)) return checkOf(type.ofType, name);
  if (isListType(type)) {
    const item = checkOf(type.ofType, name);
    if (!item) return null;
    return (value, path) => {
      if (Array.isArray(value)) value.forEach((v, i) => item(v, `${path}[${i}]`));
      else item(value, path); // a single value given for a list (GraphQL input coercion allows it)
    };
  }
  if (isScalarType(type)) {
    if (type.name === 'ID') return (value, path) => typeof value === 'string' && checkId(value, path);
    if (type.name === 'String') {
      const limit = name in TEXT_LIMITS ? TEXT_LIMITS[name]! : MAX_TEXT_LENGTH;
      return (value, path) => typeof value === 'string' && checkText(value, path, limit);
    }
    return null;
  }
  if (isInputObjectType(type)) {
    const fields = Object.values(type.getFields())
      .map((f) => ({ name: f.name, check: checkOf(f.type, f.name) }))
      .filter((f): f is { name: string; check: Check } => f.check !== null);
    if (fields.length === 0) return null;
    return (value, path) => {
      if (value === null || typeof value !== 'object') return;
      const record = value as Record<string, unknown>;
      for (const f of fields) if (record[f.name] != null) f.check(record[f.name], `${path}.${f.name}`);
    };
  }
  return null;
}

/** The check of a field's whole argument object, or null when none of its arguments holds text. */
function argumentsCheck(args: readonly GraphQLArgument[]): ((args: Record<string, unknown>) => void) | null {
  const checks = args.map((a) => ({ name: a.name, check: checkOf(a.type, a.name) })).filter((a): a is { name: string; check: Check } => a.check !== null);
  if (checks.length === 0) return null;
  return (values) => {
    for (const { name, check } of checks) if (values[name] != null) check(values[name], name);
  };
}

function guarded<S, C>(resolve: GraphQLFieldResolver<S, C>, check: (args: Record<string, unknown>) => void): GraphQLFieldResolver<S, C> {
  return (source, args: Record<string, unknown>, context, info) => {
    check(args);
    return resolve(source, args, context, info);
  };
}

/**
 * Wraps the resolver (and subscribe function) of every field with id or string arguments so that they are
 * checked first. Call once on the executable schema, before serving it; the schema is changed in place.
 */
export function guardArguments(schema: GraphQLSchema): GraphQLSchema {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      const check = argumentsCheck(field.args);
      if (!check) continue;
      field.resolve = guarded(field.resolve ?? defaultFieldResolver, check);
      if (field.subscribe) field.subscribe = guarded(field.subscribe, check);
    }
  }
  return schema;
}
