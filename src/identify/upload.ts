// POST /identify: a multipart file upload for users who just want `curl -F file=@sample.xdi`, answered with
// the same JSON as the GraphQL query `identifySpectrum` (it runs that query). Options are query parameters:
// top, method, restrictElements (comma-separated), groupByFormula, includePredicted, referenceMethods (comma-separated);
// the file's own fields (format, group, absorbingElement, edge, computed) may be form fields or query parameters.
// With mixture=true it runs `fitMixture` instead (options maxComponents, candidates, sumToOne, maxShift, rangeFrom,
// rangeTo, top, restrictElements, referenceMethods, includePredicted).
import type http from 'node:http';
import busboy from 'busboy';
import { InputError } from '../errors.ts';
import { MAX_FILE_BYTES } from '../spectra/parse/index.ts';
import type { IdentifyOptions } from './identify.ts';

export const IDENTIFY_QUERY = `query Identify($input: SpectrumInput!, $options: IdentifyOptions) {
  identifySpectrum(input: $input, options: $options) {
    absorbingElement edge candidatesConsidered confident warnings
    matches { rank score votes energyShift energyScale material { id formula spacegroupSymbol } spectrum { id } }
    oxidationState { value confidence distribution { value share } }
    oxidationStatePrior { value confidence distribution { value share } }
    coordinationNumber { value confidence distribution { value share } }
    normalized { e0 edgeStep energies mu }
  }
}`;

export const MIXTURE_QUERY = `query FitMixture($input: SpectrumInput!, $options: MixtureOptions) {
  fitMixture(input: $input, options: $options) {
    absorbingElement edge rankedBy fitFrom fitTo confident warnings
    candidates { score method material { id formula } spectrum { id } }
    fits { rank weightSum rFactor reducedChiSquare criterion illConditioned warnings
      components { weight weightUncertainty energyShift method material { id formula } spectrum { id } }
      curve { energies mu fit residual } }
    normalized { e0 edgeStep energies mu }
  }
}`;

const GZIP_MAGIC = [0x1f, 0x8b];

/** The uploaded file and form fields. Rejects with status 413 past the file size limit. */
function readMultipart(req: http.IncomingMessage): Promise<{ file: Buffer | null; fields: Record<string, string> }> {
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: req.headers, limits: { files: 1, fileSize: MAX_FILE_BYTES, fields: 20 } });
    } catch (err) {
      reject(new InputError(`send the spectrum as multipart/form-data with a "file" field (${(err as Error).message})`, 'file'));
      return;
    }
    const fields: Record<string, string> = {};
    let file: Buffer | null = null;
    parser.on('field', (name, value) => (fields[name] = value));
    parser.on('file', (name, stream) => {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('limit', () => reject(Object.assign(new Error(`the file is larger than ${MAX_FILE_BYTES} bytes`), { status: 413 })));
      stream.on('end', () => {
        if (name === 'file') file = Buffer.concat(chunks);
      });
    });
    parser.on('close', () => resolve({ file, fields }));
    parser.on('error', (err) => reject(new InputError(`the upload is not valid multipart/form-data: ${(err as Error).message}`, 'file')));
    req.pipe(parser);
  });
}

const bool = (value: string | undefined) => (value === undefined ? undefined : ['1', 'true', 'yes'].includes(value.toLowerCase()));
const int = (value: string | undefined, name: string) => {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new InputError(`${name} must be a whole number (got "${value}")`, name);
  return Number(value);
};

const number = (value: string | undefined, name: string) => {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) throw new InputError(`${name} must be a number (got "${value}")`, name);
  return n;
};
const list = (value: string | undefined) => value?.split(',').map((s) => s.trim()).filter(Boolean);

/** The GraphQL operation an upload asks for (identifySpectrum, or fitMixture with mixture=true) and its variables. */
export async function identifyUploadOperation(req: http.IncomingMessage, url: URL): Promise<{ query: string; variables: Record<string, unknown> }> {
  const { file, fields } = await readMultipart(req);
  if (!file) throw new InputError('no file: send it as the multipart form field "file" (curl -F file=@sample.xdi)', 'file');
  const param = (name: string) => fields[name] ?? url.searchParams.get(name) ?? undefined;
  const gzipped = file[0] === GZIP_MAGIC[0] && file[1] === GZIP_MAGIC[1];
  const input = {
    file: gzipped ? file.toString('base64') : file.toString('utf8'),
    format: param('format'),
    group: param('group'),
    absorbingElement: param('absorbingElement'),
    edge: param('edge'),
    computed: bool(param('computed')),
  };
  const shared = {
    top: int(param('top'), 'top'),
    restrictElements: list(param('restrictElements')),
    includePredicted: bool(param('includePredicted')),
    referenceMethods: list(param('referenceMethods')) as NonNullable<IdentifyOptions['referenceMethods']>,
  };
  if (bool(param('mixture'))) {
    const from = number(param('rangeFrom'), 'rangeFrom');
    const to = number(param('rangeTo'), 'rangeTo');
    if ((from === undefined) !== (to === undefined)) throw new InputError('give rangeFrom and rangeTo together (eV about E0, e.g. -20 and 50)', 'rangeFrom');
    const options = {
      ...shared,
      maxComponents: int(param('maxComponents'), 'maxComponents'),
      candidates: int(param('candidates'), 'candidates'),
      sumToOne: bool(param('sumToOne')),
      maxShift: number(param('maxShift'), 'maxShift'),
      range: from === undefined ? undefined : { from, to },
    };
    return { query: MIXTURE_QUERY, variables: { input, options } };
  }
  const options = { ...shared, method: param('method'), groupByFormula: bool(param('groupByFormula')) };
  return { query: IDENTIFY_QUERY, variables: { input, options } };
}
