// POST /identify: a multipart file upload for users who just want `curl -F file=@sample.xdi`, answered with
// the same JSON as the GraphQL query `identifySpectrum` (it runs that query). Options are query parameters:
// top, method, restrictElements (comma-separated), groupByFormula, includePredicted, referenceMethods (comma-separated); the file's own fields
// (format, group, absorbingElement, edge, computed) may be form fields or query parameters.
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

/** GraphQL variables of the identification an upload asks for. */
export async function identifyUploadVariables(req: http.IncomingMessage, url: URL): Promise<Record<string, unknown>> {
  const { file, fields } = await readMultipart(req);
  if (!file) throw new InputError('no file: send it as the multipart form field "file" (curl -F file=@sample.xdi)', 'file');
  const param = (name: string) => fields[name] ?? url.searchParams.get(name) ?? undefined;
  const gzipped = file[0] === GZIP_MAGIC[0] && file[1] === GZIP_MAGIC[1];
  return {
    input: {
      file: gzipped ? file.toString('base64') : file.toString('utf8'),
      format: param('format'),
      group: param('group'),
      absorbingElement: param('absorbingElement'),
      edge: param('edge'),
      computed: bool(param('computed')),
    },
    options: {
      top: int(param('top'), 'top'),
      method: param('method'),
      restrictElements: param('restrictElements')?.split(',').map((s) => s.trim()).filter(Boolean),
      groupByFormula: bool(param('groupByFormula')),
      includePredicted: bool(param('includePredicted')),
      referenceMethods: param('referenceMethods')?.split(',').map((s) => s.trim()).filter(Boolean) as NonNullable<IdentifyOptions['referenceMethods']>,
    },
  };
}
