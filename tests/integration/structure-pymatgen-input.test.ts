// StructureInput.pymatgen over GraphQL: the object Material.structure.pymatgen gives is accepted back as input
// (predictSpectrum reads the structure before it chooses a model: asking for an element no model predicts shows
// the structure was read, without queueing a prediction into the shared catalogue).
import { createTestApiKey, graphqlAs } from '../support/api-key.ts';
import { graphql } from '../support/env.ts';

const PREDICT = `mutation($input: PredictionInput!) { predictSpectrum(input: $input) { id } }`;
let key: string;
let pymatgen: Record<string, unknown>;

beforeAll(async () => {
  key = await createTestApiKey('contributor');
  const { body } = await graphql(`{ material(id: "mp-704645") { structure { pymatgen } } }`);
  pymatgen = body.data.material.structure.pymatgen;
});

test('the output object is read as the structure (the request gets as far as choosing a model)', async () => {
  const { body } = await graphqlAs(key, PREDICT, { input: { structure: { pymatgen }, absorbingElement: 'Zn' } });
  expect(body.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'absorbingElement' });
  expect(body.errors?.[0]?.message).toMatch(/no model predicts/);
});

test('an object that is not a Structure is refused naming the pymatgen field', async () => {
  const { body } = await graphqlAs(key, PREDICT, { input: { structure: { pymatgen: { lattice: {}, sites: 'none' } }, absorbingElement: 'Cu' } });
  expect(body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  expect(body.errors?.[0]?.extensions?.field).toMatch(/^pymatgen/); // pymatgen.lattice.matrix: what is wrong in it
});

test('pymatgen together with a file is refused', async () => {
  const { body } = await graphqlAs(key, PREDICT, { input: { structure: { pymatgen, file: JSON.stringify(pymatgen) }, absorbingElement: 'Cu' } });
  expect(body.errors?.[0]?.message).toMatch(/one of pymatgen, file or the arrays/);
});
