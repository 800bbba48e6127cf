// Query depth and cost limits, checked before any resolver runs, so that one request cannot ask for an
// unbounded amount of work (e.g. materials → spectra → material → spectra … nested ten times, or one identification
// of a thousand spectra under many aliases): expensive fields cost what they do (FIELD_COSTS).
import { MAX_PAGE_SIZE } from '../catalog/pagination.ts';
import { type DocumentNode, type FieldNode, Kind, type OperationDefinitionNode, type SelectionSetNode, type ValueNode } from 'graphql';

/**
 * What an expensive field really costs: `perItem` for each thing it works on (a spectrum to identify, a structure
 * to predict), `items` of them as its arguments say, counted for every alias and multiplied by the lists above it;
 * what it answers (one result per item) is costed `items` times. To cost a new expensive field, add its name here.
 */
export interface FieldCost {
  perItem: (field: FieldNode, variables: Record<string, unknown>) => number;
  items: (field: FieldNode, variables: Record<string, unknown>) => number;
}

/**
 * Work units of one identification (normalise, align, rank against every reference). The default MAX_QUERY_COST
 * (100,000) then holds one full series (MAX_BATCH = 1,000 spectra) with a selection of up to 49 fields (POST
 * /identify's has 40), and never two series, however small their selections.
 */
export const IDENTIFY_COST = 50;
/** ELSIE_REFERENCE takes about a second a spectrum, some 50 times ENSEMBLE's time. */
export const ELSIE_REFERENCE_FACTOR = 50;
/**
 * Work units of one fitMixture: an identification for its candidates, then ~100 combinations fitted with fixed shifts
 * and the best 12 with their shifts (bench:mixtures: ~50–300 ms, some five identifications' time).
 */
export const MIXTURE_COST = 5 * IDENTIFY_COST;
/** Work units per spectrum of decomposeSeries (normalised with the series' E0, then one PCA/MCR for all: ~1 ms each). */
export const SERIES_SPECTRUM_COST = 10;
/** Work units of one structure submitted for prediction (parse, check, canonicalise; the model runs in a job). */
export const PREDICT_COST = 5;

const one = () => 1;
const fixed = (units: number) => () => units;

/** An identification's cost per spectrum, by its `options.method`. */
const identifyCost: FieldCost['perItem'] = (field, variables) => {
  const options = argumentValue(field, 'options', variables);
  const method = options !== null && typeof options === 'object' ? (options as Record<string, unknown>)['method'] : undefined;
  return method === 'ELSIE_REFERENCE' ? IDENTIFY_COST * ELSIE_REFERENCE_FACTOR : IDENTIFY_COST;
};

/** The number of items of list argument `name` (a single value counts as one, a missing argument as none). */
export function listLength(name: string): FieldCost['items'] {
  return (field, variables) => {
    const value = argumentValue(field, name, variables);
    if (value === undefined || value === null) return 0;
    return Array.isArray(value) ? value.length : 1;
  };
}

/** The expensive fields, by name. */
export const FIELD_COSTS: Readonly<Record<string, FieldCost>> = {
  identifySpectrum: { perItem: identifyCost, items: one },
  identifySpectra: { perItem: identifyCost, items: listLength('inputs') },
  fitMixture: { perItem: fixed(MIXTURE_COST), items: one },
  decomposeSeries: { perItem: fixed(SERIES_SPECTRUM_COST), items: listLength('inputs') },
  predictSpectrum: { perItem: fixed(PREDICT_COST), items: one },
  predictSpectra: { perItem: fixed(PREDICT_COST), items: listLength('inputs') },
};

/** Items assumed for a paginated field without `first` (its default page size). */
const DEFAULT_FIRST = 20;
/** Items assumed for list fields that are not paginated. */
const LIST_SIZES: Record<string, number> = { sites: 50, absorbingSites: 10, spectra: 10 };
/** Root fields that are paginated lists. */
const ROOT_CONNECTIONS = new Set(['materials', 'spectra', 'myPredictionJobs']);

export interface QueryCost {
  depth: number;
  cost: number;
}

/** A literal as the plain value it stands for (variables looked up, enums as their names). */
function plainValue(value: ValueNode, variables: Record<string, unknown>): unknown {
  switch (value.kind) {
    case Kind.VARIABLE:
      return variables[value.name.value];
    case Kind.INT:
    case Kind.FLOAT:
      return Number(value.value);
    case Kind.LIST:
      return value.values.map((v) => plainValue(v, variables));
    case Kind.NULL:
      return null;
    case Kind.OBJECT:
      return Object.fromEntries(value.fields.map((f) => [f.name.value, plainValue(f.value, variables)]));
    default:
      return value.value;
  }
}

/** The value of argument `name` of a field, or undefined when it is not given. */
function argumentValue(field: FieldNode, name: string, variables: Record<string, unknown>): unknown {
  const arg = field.arguments?.find((a) => a.name.value === name);
  return arg ? plainValue(arg.value, variables) : undefined;
}

function numberArgument(field: FieldNode, name: string, variables: Record<string, unknown>): number | undefined {
  const value = argumentValue(field, name, variables);
  return typeof value === 'number' ? value : undefined;
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
        const expensive = FIELD_COSTS[selection.name.value];
        if (expensive) {
          // One answer per item, each costed like a field with its selection.
          const items = expensive.items(selection, variables);
          cost += multiplier * (1 + items * expensive.perItem(selection, variables));
          if (selection.selectionSet) cost += walk(selection.selectionSet, level + 1, multiplier * Math.max(1, items), visiting);
          continue;
        }
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
