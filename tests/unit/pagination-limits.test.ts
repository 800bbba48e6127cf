import { type FieldNode, parse, type OperationDefinitionNode } from 'graphql';
import { decodeCursor, encodeCursor, pageSize } from '../../src/catalog/pagination.ts';
import { InputError } from '../../src/errors.ts';
import { ELSIE_REFERENCE_FACTOR, FIELD_COSTS, IDENTIFY_COST, listLength, measureQuery, PREDICT_COST } from '../../src/graphql/limits.ts';

describe('cursors and page sizes', () => {
  test('a cursor round-trips and belongs to one list', () => {
    const cursor = encodeCursor('material', 'mp-1005792');
    expect(decodeCursor('material', cursor)).toBe('mp-1005792');
    expect(() => decodeCursor('spectrum', cursor)).toThrow(InputError);
    expect(() => decodeCursor('material', 'not a cursor!')).toThrow(/not a cursor of this material list/);
    expect(() => decodeCursor('material', encodeCursor('material', ''))).toThrow(InputError);
  });

  test('page size: default 20, 1 to 200', () => {
    expect(pageSize(undefined)).toBe(20);
    expect(pageSize(200)).toBe(200);
    for (const bad of [0, -1, 201, 1.5]) expect(() => pageSize(bad)).toThrow(/between 1 and 200/);
  });
});

describe('query depth and cost', () => {
  const measure = (query: string, variables = {}) => {
    const doc = parse(query);
    return measureQuery(doc, doc.definitions.find((d) => d.kind === 'OperationDefinition') as OperationDefinitionNode, variables);
  };

  test('lists multiply the cost of what they contain', () => {
    expect(measure('{ material(id: "x") { id formula } }')).toEqual({ depth: 2, cost: 3 });
    // materials (1) + edges (20) + node (20) + id (20)
    expect(measure('{ materials { edges { node { id } } } }')).toEqual({ depth: 4, cost: 61 });
    expect(measure('query($n: Int) { materials(first: $n) { edges { node { id } } } }', { n: 100 }).cost).toBe(301);
    // a page larger than the maximum is costed at the maximum (the resolver refuses it with its own message)
    expect(measure('{ materials(first: 100000) { edges { node { id } } } }').cost).toBe(601);
  });

  test('expensive fields cost per item they work on, under every alias, and their answers once per item', () => {
    // identifySpectrum: 1 + IDENTIFY_COST, then its selection (edge) once
    expect(measure('query($i: SpectrumInput!) { identifySpectrum(input: $i) { edge } }').cost).toBe(2 + IDENTIFY_COST);
    const series = 'query($s: [SpectrumInput!]!) { identifySpectra(inputs: $s) { edge } }';
    expect(measure(series, { s: Array(1000).fill({}) }).cost).toBe(1 + 1000 * IDENTIFY_COST + 1000);
    const twice = 'query($s: [SpectrumInput!]!) { a: identifySpectra(inputs: $s) { edge } b: identifySpectra(inputs: $s) { edge } }';
    expect(measure(twice, { s: Array(1000).fill({}) }).cost).toBeGreaterThan(100_000);
    // literal lists count too, and ELSIE_REFERENCE costs ELSIE_REFERENCE_FACTOR times more per spectrum
    expect(measure('{ identifySpectra(inputs: [{ file: "a" }, { file: "b" }]) { edge } }').cost).toBe(1 + 2 * IDENTIFY_COST + 2);
    expect(measure('{ identifySpectrum(input: { file: "a" }, options: { method: ELSIE_REFERENCE }) { edge } }').cost).toBe(2 + IDENTIFY_COST * ELSIE_REFERENCE_FACTOR);
    const predictions = 'mutation($p: [PredictionInput!]!) { predictSpectra(inputs: $p) { id } }';
    expect(measure(predictions, { p: Array(10).fill({}) }).cost).toBe(1 + 10 * PREDICT_COST + 10);
  });

  test('FIELD_COSTS holds the expensive fields by name; listLength counts a list argument (one value counts as one)', () => {
    expect(FIELD_COSTS).toHaveProperty('identifySpectra');
    const field = (query: string) => (parse(query).definitions[0] as OperationDefinitionNode).selectionSet.selections[0] as FieldNode;
    expect(listLength('inputs')(field('{ f(inputs: [1, 2, 3]) }'), {})).toBe(3);
    expect(listLength('inputs')(field('{ f(inputs: 1) }'), {})).toBe(1);
    expect(listLength('inputs')(field('query($v: [Int]) { f(inputs: $v) }'), { v: [1, 2] })).toBe(2);
    expect(listLength('inputs')(field('{ f }'), {})).toBe(0);
  });

  test('fragments count where they are spread', () => {
    const direct = measure('{ materials { edges { node { id spectra { id mu } } } } }');
    const viaFragment = measure('fragment S on Spectrum { id mu } { materials { edges { node { id spectra { ...S } } } } }');
    expect(viaFragment).toEqual(direct);
  });
});
