// A SYNTHETIC "measured" spectrum made from a FEFF one, for the ENSEMBLE tests (fixed parameters, seeded noise).

/** A SYNTHETIC measurement: 50 eV of pre-edge, Gaussian broadening, shift, scale, sloping background, noise. */
export function measure(ref: { energies: number[]; mu: number[] }, shift: number, seed: number): { energies: number[]; mu: number[] } {
  let state = seed;
  const random = (): number => ((state = (state * 1103515245 + 12345) % 2147483648) / 2147483648);
  const at = (e: number): number => {
    if (e < ref.energies[0]!) return 0;
    if (e >= ref.energies.at(-1)!) return ref.mu.at(-1)!;
    let j = 0;
    while (ref.energies[j + 1]! <= e) j++;
    return ref.mu[j]! + ((e - ref.energies[j]!) / (ref.energies[j + 1]! - ref.energies[j]!)) * (ref.mu[j + 1]! - ref.mu[j]!);
  };
  const energies: number[] = [];
  const mu: number[] = [];
  const sigma = 1.5 / 2.3548;
  for (let e = ref.energies[0]! - 50; e <= ref.energies.at(-1)!; e += 0.5) {
    let s = 0;
    let w = 0;
    for (let k = -12; k <= 12; k++) {
      const g = Math.exp(-0.5 * (k / 4) ** 2);
      s += g * at(e + (k / 4) * sigma);
      w += g;
    }
    energies.push(e + shift);
    mu.push(2.5 * (s / w) + 0.3 - 0.001 * (e - ref.energies[0]!) + 0.025 * (random() - 0.5));
  }
  return { energies, mu };
}
