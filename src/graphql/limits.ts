// Query depth and cost limits, checked before any resolver runs, so that one request cannot ask for an
// unbounded amount of work (e.g. materials → spectra → material → spectra … nested ten times).
import { MAX_PAGE_SIZE } from '../catalog/pagination.ts';
import { type DocumentNode, type FieldNode, Kind, type OperationDefinitionNode, type SelectionSetNode, type ValueNode } from 'graphql';

/** Items assumed for a paginated field without `first` (its default page size). */
const DEFAULT_FIRST = 20;
/** Items assumed for list fields that are not paginated. */
const LIST_SIZES: Record<string, number> = { sites: 50, absorbingSites: 10, spectra: 10 };
/** Root fields that are paginated lists. */
const ROOT_CONNECTIONS = new Set(['materials', 'spectra']);

export interface QueryCost {
  depth: number;
  cost: number;
}

function numberArgument(field: FieldNode, name: string, variables: Record<string, unknown>): number | undefined {
  const arg = field.arguments?.find((a) => a.name.value === name);
  if (!arg) return undefined;
  const value: ValueNode = arg.value;
  if (value.kind === Kind.INT) return Number(value.value);
  if (value.kind === Kind.VARIABLE) {
    const v = variables[value.name.value];
    return typeof v === 'number' ? v : undefined;
  }
  return undefined;
}

/** Depth (nesting of fields) and cost (fields resolved, each multiplied by the list sizes above it). */
export function measureQuery(document: DocumentNode, operation: OperationDefinitionNode, variables: Record<string, unknown> = {}): QueryCost {
  const fragments = new Map(
    document.definitions.filter((d) => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]),
  );
  let depth = 0;
  const walk = (set: SelectionSetNode, level: number, multiplier: number, visiting: Set<string>): number => {
    let cost = 0;
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        if (selection.name.value.startsWith('__')) continue;
        depth = Math.max(depth, level);
        cost += multiplier;
        if (selection.selectionSet) {
          // Larger pages are refused by the resolver with a clearer message than a cost error.
          const requested = numberArgument(selection, 'first', variables);
          const first = requested === undefined ? undefined : Math.min(requested, MAX_PAGE_SIZE);
          const name = selection.name.value;
          const size = first ?? (level === 1 && ROOT_CONNECTIONS.has(name) ? DEFAULT_FIRST : level > 1 ? (LIST_SIZES[name] ?? 1) : 1);
          cost += walk(selection.selectionSet, level + 1, multiplier * Math.max(1, size), visiting);
        }
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        cost += walk(selection.selectionSet, level, multiplier, visiting);
      } else {
        const name = selection.name.value;
        const fragment = fragments.get(name);
        if (!fragment || visiting.has(name)) continue; // unknown or cyclic: GraphQL validation reports it
        cost += walk(fragment.selectionSet, level, multiplier, new Set([...visiting, name]));
      }
    }
    return cost;
  };
  const cost = walk(operation.selectionSet, 1, 1, new Set());
  return { depth, cost };
}
