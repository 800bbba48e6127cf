// Plain REST downloads for people who do not speak GraphQL (a browser link, `curl -O`, `pandas.read_csv(url)`):
//   GET /spectra/{id}.csv   energy, mu (and mu_sigma for predictions)
//   GET /spectra/{id}.xdi   XDI 1.0 with element, edge, energy units and provenance
//   GET /spectra/{id}.json  pymatgen `XAS.as_dict()` (as GraphQL Spectrum.pymatgen)
//   GET /materials/{id}.cif and .poscar   the material's structure (404 for a compound known by its formula only)
// Each runs a GraphQL query as the caller (src/web/operations.ts: same keys, limits and errors as /graphql) and
// answers the file with Content-Disposition: attachment, or a JSON `{ "error": … }` with the query's status.
import type http from 'node:http';
import { VERSION } from '../resolvers/index.ts';
import type { OperationRunner } from './operations.ts';
import { type DownloadableSpectrum, spectrumCsv, spectrumXdi } from './spectrum-files.ts';

/** The download formats of a spectrum and of a material's structure. */
export const SPECTRUM_FORMATS = ['csv', 'xdi', 'json'] as const;
export const STRUCTURE_FORMATS = ['cif', 'poscar'] as const;
type SpectrumFileFormat = (typeof SPECTRUM_FORMATS)[number];
type StructureFileFormat = (typeof STRUCTURE_FORMATS)[number];

/** A download a path asks for, or null when the path is not one. */
export type DownloadRequest = { kind: 'spectrum'; id: string; format: SpectrumFileFormat } | { kind: 'structure'; id: string; format: StructureFileFormat };

const SPECTRUM_PATH = /^\/spectra\/([^/]+)\.(csv|xdi|json)$/;
const MATERIAL_PATH = /^\/materials\/([^/]+)\.(cif|poscar)$/;

/** The download `pathname` asks for; null for any other path. */
export function parseDownloadPath(pathname: string): DownloadRequest | null {
  const decode = (raw: string): string | null => {
    try {
      return decodeURIComponent(raw);
    } catch {
      return null;
    }
  };
  const spectrum = SPECTRUM_PATH.exec(pathname);
  if (spectrum) {
    const id = decode(spectrum[1]!);
    return id === null ? null : { kind: 'spectrum', id, format: spectrum[2] as SpectrumFileFormat };
  }
  const material = MATERIAL_PATH.exec(pathname);
  if (material) {
    const id = decode(material[1]!);
    return id === null ? null : { kind: 'structure', id, format: material[2] as StructureFileFormat };
  }
  return null;
}

/** Whether `pathname` is under a download prefix (for CORS and for a 404 that names the formats). */
export const isDownloadPath = (pathname: string): boolean => pathname.startsWith('/spectra/') || pathname.startsWith('/materials/');

const SPECTRUM_FIELDS = `id absorbingElement edge spectrumType method siteIndex energies mu uncertainty e0 modelVersion
  measured { recordId compound phase mode temperature beamline source sourceFile doi license credit }
  material { id formula provenance { source license url } }`;
const SPECTRUM_QUERY = `query SpectrumDownload($id: ID!) { spectrum(id: $id) { ${SPECTRUM_FIELDS} } }`;
const PYMATGEN_QUERY = 'query SpectrumPymatgen($id: ID!) { spectrum(id: $id) { id pymatgen } }';
const STRUCTURE_QUERY = 'query StructureDownload($id: ID!) { material(id: $id) { id formula structure { cif poscar } } }';

interface StructureAnswer {
  material: { id: string; formula: string; structure: { cif: string; poscar: string } | null } | null;
}

/** A file name of only safe characters (ids are already; this keeps the header well-formed whatever comes). */
const fileName = (id: string, extension: string) => `${id.replace(/[^A-Za-z0-9._-]/g, '_')}.${extension}`;

function sendFile(res: http.ServerResponse, contentType: string, name: string, body: string): void {
  res.writeHead(200, {
    'content-type': contentType,
    'content-disposition': `attachment; filename="${name}"`,
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}

function sendError(res: http.ServerResponse, status: number, message: string): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify({ error: message }));
}

const CONTENT_TYPES: Record<SpectrumFileFormat | StructureFileFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  xdi: 'text/plain; charset=utf-8',
  json: 'application/json; charset=utf-8',
  cif: 'chemical/x-cif; charset=utf-8',
  poscar: 'text/plain; charset=utf-8',
};

async function serveSpectrum(run: OperationRunner, request: DownloadRequest & { kind: 'spectrum' }, req: http.IncomingMessage, res: http.ServerResponse, requestId: string) {
  if (request.format === 'json') {
    const answer = await run<{ spectrum: { id: string; pymatgen: unknown } | null }>(PYMATGEN_QUERY, { id: request.id }, req, requestId);
    if (!answer.data?.spectrum) return sendError(res, answer.status === 200 ? 404 : answer.status, answer.error ?? `no spectrum with id "${request.id}"`);
    return sendFile(res, CONTENT_TYPES.json, fileName(request.id, 'json'), `${JSON.stringify(answer.data.spectrum.pymatgen)}\n`);
  }
  const answer = await run<{ spectrum: DownloadableSpectrum | null }>(SPECTRUM_QUERY, { id: request.id }, req, requestId);
  const spectrum = answer.data?.spectrum;
  if (!spectrum) return sendError(res, answer.status === 200 ? 404 : answer.status, answer.error ?? `no spectrum with id "${request.id}"`);
  const body = request.format === 'csv' ? spectrumCsv(spectrum) : spectrumXdi(spectrum, `xasgraph/${VERSION}`);
  return sendFile(res, CONTENT_TYPES[request.format], fileName(request.id, request.format), body);
}

async function serveStructure(run: OperationRunner, request: DownloadRequest & { kind: 'structure' }, req: http.IncomingMessage, res: http.ServerResponse, requestId: string) {
  const answer = await run<StructureAnswer>(STRUCTURE_QUERY, { id: request.id }, req, requestId);
  const material = answer.data?.material;
  if (!material) return sendError(res, answer.status === 200 ? 404 : answer.status, answer.error ?? `no material with id "${request.id}"`);
  if (!material.structure) {
    return sendError(
      res,
      404,
      `material ${material.id} (${material.formula}) has no structure: it is a measured compound known by its formula only; its spectra download as /spectra/{id}.csv or .xdi`,
    );
  }
  const body = request.format === 'cif' ? material.structure.cif : material.structure.poscar;
  return sendFile(res, CONTENT_TYPES[request.format], fileName(material.id, request.format === 'cif' ? 'cif' : 'poscar'), body);
}

/** Answers GET/HEAD of a download path; a wrong method gets 405. */
export async function serveDownload(run: OperationRunner, request: DownloadRequest, req: http.IncomingMessage, res: http.ServerResponse, requestId: string): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('allow', 'GET, HEAD');
    return sendError(res, 405, `${req.method} is not allowed here: downloads are GET requests`);
  }
  if (request.kind === 'spectrum') return serveSpectrum(run, request, req, res, requestId);
  return serveStructure(run, request, req, res, requestId);
}

/** The 404 of a path under /spectra/ or /materials/ that is not a download. */
export function sendUnknownDownload(res: http.ServerResponse, pathname: string): void {
  sendError(
    res,
    404,
    `no download at ${pathname}: spectra download as /spectra/{id}.csv, .xdi or .json, structures as /materials/{id}.cif or .poscar`,
  );
}
