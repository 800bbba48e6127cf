import { interpolateLinear, siteAveragedSpectrum } from '../../src/spectra/average.ts';

describe('site averaging', () => {
  test('one site gives that site unchanged', () => {
    const site = { siteIndex: 3, weight: 4, energies: [1, 2, 3], mu: [0.1, 0.5, 1.0] };
    expect(siteAveragedSpectrum([site])).toEqual({ energies: [1, 2, 3], mu: [0.1, 0.5, 1.0] });
  });

  test('weights by multiplicity on the heaviest site’s grid, inside the overlap only', () => {
    const heavy = { siteIndex: 0, weight: 3, energies: [0, 1, 2, 3, 4], mu: [0, 1, 2, 3, 4] };
    const light = { siteIndex: 5, weight: 1, energies: [0.5, 2.5, 4.5], mu: [10, 10, 30] };
    const avg = siteAveragedSpectrum([light, heavy]);
    expect(avg.energies).toEqual([1, 2, 3, 4]);
    // light at 1, 2, 3, 4 = 10, 10, 15, 25
    expect(avg.mu).toEqual([(3 * 1 + 10) / 4, (3 * 2 + 10) / 4, (3 * 3 + 15) / 4, (3 * 4 + 25) / 4]);
  });

  test('refuses what cannot be averaged, saying why', () => {
    expect(() => siteAveragedSpectrum([])).toThrow(/at least one/);
    expect(() => siteAveragedSpectrum([{ siteIndex: 1, weight: 1, energies: [1, 3, 2], mu: [0, 0, 0] }])).toThrow(/energy must increase; found 2 after 3 at point 2/);
    expect(() => siteAveragedSpectrum([{ siteIndex: 1, weight: 0, energies: [1, 2], mu: [0, 0] }])).toThrow(/weight must be positive/);
    expect(() =>
      siteAveragedSpectrum([
        { siteIndex: 1, weight: 1, energies: [1, 2], mu: [0, 0] },
        { siteIndex: 2, weight: 1, energies: [3, 4], mu: [0, 0] },
      ]),
    ).toThrow(/do not overlap/);
  });

  test('linear interpolation never extrapolates', () => {
    expect(interpolateLinear([0, 10], [0, 100], [0, 2.5, 10])).toEqual([0, 25, 100]);
    expect(() => interpolateLinear([0, 10], [0, 100], [11])).toThrow(/outside/);
  });
});
