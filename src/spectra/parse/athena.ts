// Athena project files (.prj): the Perl `Data::Dumper` flavour (tokenised by perl-data.ts, never evaluated)
// and Larch's JSON flavour. Group layout, μ(E) test and key names follow xraylarch
// larch/io/athena_project.py (`parse_perlathena`, `parse_jsonathena`, `AthenaProject.read`).
// Gzip is undone by the caller (index.ts), which also caps the inflated size.
import { InputError } from '../../errors.ts';
import { readPerlStatements, type PerlValue } from './perl-data.ts';
import type { RawSpectrum } from './types.ts';

/** The marker Larch looks for in the first 500 characters. */
export const ATHENA_MARKER = 'Athena project file -- ';

export interface AthenaGroup {
  /** Athena's group key (`$old_group`, e.g. `abcde`). */
  key: string;
  label: string;
  args: Record<string, string>;
  x: number[];
  y: number[];
}

/** Flags that mark a group as something other than μ(E) data (Larch `AthenaProject.read`). */
const NOT_XMU_FLAGS = ['is_chi', 'is_xmudat', 'is_bkg', 'is_diff', 'is_proj', 'is_pixel', 'is_rsp'];

function flag(args: Record<string, string>, name: string, fallback: boolean): boolean {
  const v = args[name];
  if (v === undefined || v.trim() === '') return fallback;
  const n = Number(v);
  return Number.isFinite(n) ? n !== 0 : fallback;
}

function isXmu(group: AthenaGroup): boolean {
  return flag(group.args, 'is_xmu', true) && !NOT_XMU_FLAGS.some((f) => flag(group.args, f, false));
}

function scalarText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (Array.isArray(v)) return v.map(scalarText).join('\n');
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

function numbers(values: unknown, what: string, group: string): number[] {
  if (!Array.isArray(values)) throw new InputError(`Athena group "${group}": ${what} is not a list of numbers`);
  return values.map((v, i) => {
    const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
    if (!Number.isFinite(n)) throw new InputError(`Athena group "${group}": ${what} value ${i + 1} (${JSON.stringify(v)}) is not a number`);
    return n;
  });
}

function perlGroups(text: string): AthenaGroup[] {
  const groups: AthenaGroup[] = [];
  let current: { key: string; args: Record<string, string>; x?: PerlValue[]; y?: PerlValue[] } | null = null;
  const flush = () => {
    if (current?.x && current.y) {
      const label = current.args['label'] ?? current.key;
      groups.push({ key: current.key, label, args: current.args, x: numbers(current.x, 'x', label), y: numbers(current.y, 'y', label) });
    }
    current = null;
  };
  for (const s of readPerlStatements(text)) {
    if (s.kind === 'record') flush();
    else if (s.kind === 'scalar' && s.name === 'old_group') {
      flush();
      current = { key: scalarText(s.value), args: {} };
    } else if (s.kind === 'list' && current) {
      if (s.name === 'args') {
        for (let k = 0; k + 1 < s.values.length; k += 2) current.args[scalarText(s.values[k])] = scalarText(s.values[k + 1]);
      } else if (s.name === 'x') current.x = s.values;
      else if (s.name === 'y') current.y = s.values;
    }
  }
  flush();
  return groups;
}

function jsonGroups(doc: Record<string, unknown>): AthenaGroup[] {
  const orderKey = Object.keys(doc).find((k) => k.startsWith('_____order'));
  const order = orderKey && Array.isArray(doc[orderKey]) ? (doc[orderKey] as unknown[]).map(String) : Object.keys(doc).filter((k) => !k.startsWith('_____'));
  const groups: AthenaGroup[] = [];
  for (const key of order) {
    const g = doc[key];
    if (g === null || typeof g !== 'object' || Array.isArray(g)) continue;
    const rec = g as Record<string, unknown>;
    const rawArgs = rec['args'];
    const args: Record<string, string> = {};
    if (rawArgs && typeof rawArgs === 'object' && !Array.isArray(rawArgs)) {
      for (const [k, v] of Object.entries(rawArgs)) args[k] = scalarText(v);
    }
    const label = args['label'] || key;
    if (rec['x'] === undefined || rec['y'] === undefined) continue;
    groups.push({ key, label, args, x: numbers(rec['x'], 'x', label), y: numbers(rec['y'], 'y', label) });
  }
  return groups;
}

function chooseGroup(groups: AthenaGroup[], wanted: string | undefined, warnings: string[]): AthenaGroup {
  const names = groups.map((g) => `"${g.label}"`).join(', ');
  if (wanted !== undefined && wanted.trim() !== '') {
    const w = wanted.trim().toLowerCase();
    const found =
      groups.find((g) => g.label.trim().toLowerCase() === w) ?? groups.find((g) => g.key.trim().toLowerCase() === w);
    if (!found) throw new InputError(`the Athena project has no group "${wanted}"; its groups are ${names}`, 'group');
    if (!isXmu(found)) warnings.push(`Athena group "${found.label}" is not marked as mu(E) data; read it as mu(E) anyway`);
    return found;
  }
  const first = groups.find(isXmu);
  if (!first) throw new InputError(`the Athena project has no mu(E) group (its groups are ${names}); pass group to pick one`, 'group');
  if (groups.length > 1) {
    warnings.push(`the Athena project has ${groups.length} groups; used "${first.label}", the first mu(E) group (pass group to choose: ${names})`);
  }
  return first;
}

/** Every group of an Athena project (already gunzipped) with x and y data, in file order, and the project's header lines. */
export function readAthenaGroups(text: string): { groups: AthenaGroup[]; flavour: 'perl' | 'json'; header: string[] } {
  if (!text.slice(0, 500).includes(ATHENA_MARKER)) {
    throw new InputError(`not an Athena project file: "${ATHENA_MARKER.trim()}" is missing from its first lines`);
  }
  if (text.trimStart().startsWith('{')) {
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch (e) {
      throw new InputError(`the Athena project looks like JSON but does not parse: ${(e as Error).message}`);
    }
    if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) throw new InputError('the JSON Athena project is not an object of groups');
    const d = doc as Record<string, unknown>;
    const header = Object.keys(d).filter((k) => k.startsWith('_____head')).map((k) => scalarText(d[k]));
    return { groups: jsonGroups(d), flavour: 'json', header };
  }
  const header = text.slice(0, 2000).split(/\r?\n/).filter((l) => l.startsWith('#')).slice(0, 5);
  return { groups: perlGroups(text), flavour: 'perl', header };
}

/** Whether a group holds μ(E) data (not χ(k), a difference, a background, …), by Larch's flags. */
export const isMuGroup = (group: AthenaGroup): boolean => isXmu(group);

/** One group as a spectrum: energies with the group's Athena energy shift applied, element and edge as stored. */
export function athenaGroupSpectrum(
  chosen: AthenaGroup,
  project: { groups: AthenaGroup[]; flavour: 'perl' | 'json'; header: string[] },
  warnings: string[] = [],
): RawSpectrum {
  if (chosen.x.length !== chosen.y.length) {
    throw new InputError(`Athena group "${chosen.label}": x has ${chosen.x.length} values but y has ${chosen.y.length}`);
  }
  let energies = chosen.x;
  const eshift = Number(chosen.args['bkg_eshift'] ?? '0');
  if (Number.isFinite(eshift) && eshift !== 0) {
    energies = energies.map((e) => e + eshift);
    warnings.push(`applied the group's Athena energy shift (bkg_eshift) of ${eshift} eV`);
  }
  const element = chosen.args['atsym'] || chosen.args['bkg_z'] || null;
  return {
    energies,
    mu: chosen.y,
    element,
    edge: chosen.args['edge'] || null,
    energyUnitDeclared: true,
    warnings,
    metadata: {
      flavour: project.flavour,
      header: project.header,
      group: chosen.label,
      groupKey: chosen.key,
      groups: project.groups.map((g) => g.label),
      isNormalized: flag(chosen.args, 'is_nor', false),
      e0: chosen.args['bkg_e0'] ?? null,
    },
  };
}

/** Parses Athena project text (already gunzipped); `group` picks a group by label or key. */
export function parseAthenaProject(text: string, group?: string): RawSpectrum {
  const project = readAthenaGroups(text);
  if (project.groups.length === 0) throw new InputError('the Athena project holds no group with x and y data');
  const warnings: string[] = [];
  const chosen = chooseGroup(project.groups, group, warnings);
  return athenaGroupSpectrum(chosen, project, warnings);
}
