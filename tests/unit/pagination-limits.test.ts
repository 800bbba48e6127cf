import { parse, type OperationDefinitionNode } from 'graphql';
import { decodeCursor, encodeCursor, pageSize } from '../../src/catalog/pagination.ts';
import { InputError } from '../../src/errors.ts';
import { measureQuery } from '../../src/graphql/limits.ts';

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

  test('fragments count where they are spread', () => {
    const direct = measure('{ materials { edges { node { id spectra { id mu } } } } }');
    const viaFragment = measure('fragment S on Spectrum { id mu } { materials { edges { node { id spectra { ...S } } } } }');
    expect(viaFragment).toEqual(direct);
  });
});
