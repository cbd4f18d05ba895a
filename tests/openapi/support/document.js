// docs/openapi.json as a validator of real answers: each answer's status must be documented for
// its operation, its required headers present, every documented header and its body valid
// against the document's schemas (JSON Schema 2020-12, Ajv), its media type one the document
// lists. Records which operations were exercised.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

/** The document's path on disk. */
export const DOCUMENT_PATH = new URL('../../../docs/openapi.json', import.meta.url);
/** The document, parsed. */
export const document = JSON.parse(fs.readFileSync(DOCUMENT_PATH, 'utf8'));

const DOCUMENT_ID = 'openapi.json';
const ajv = new Ajv2020({ strict: false, allErrors: true, validateSchema: false });
addFormats(ajv);
ajv.addSchema(document, DOCUMENT_ID);

/** The HTTP methods an OpenAPI path item may describe. */
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

/** Every operation of the document, as "METHOD /path/{template}". */
export function operations() {
  const found = [];
  for (const [path, item] of Object.entries(document.paths))
    for (const method of METHODS)
      if (item[method])
        found.push(`${method.toUpperCase()} ${path}`);
  return found;
}

/** The operations an answer was checked for. */
export const exercised = new Set();

/** A JSON pointer into the document from its segments, as an Ajv reference. */
function pointer(segments) {
  return `${DOCUMENT_ID}#/${segments.map((segment) => encodeURIComponent(
    String(segment).replaceAll('~', '~0').replaceAll('/', '~1'))).join('/')}`;
}

/** Follows a local `$ref` ("#/components/...") to its segments. */
function follow(segments) {
  let value = resolve(segments);
  while (value.$ref) {
    segments = value.$ref.replace(/^#\//, '').split('/')
      .map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'));
    value = resolve(segments);
  }
  return { segments, value };
}

function resolve(segments) {
  return segments.reduce((value, segment) => value?.[segment], document);
}

/** Validates `value` against the schema at `segments`; fails the test with Ajv's errors. */
function validate(segments, value, what) {
  const check = ajv.getSchema(pointer(segments));
  assert.ok(check, `no schema at ${segments.join('/')}`);
  assert.ok(check(value), `${what} does not match the document: ${JSON.stringify(check.errors, null, 1)}\n${JSON.stringify(value)}`);
}

/**
 * Checks one real answer to `method` `template` against the document. `headers` is a fetch
 * Headers; `text` the body as received. Returns the body (parsed when JSON).
 */
export function checkAnswer(method, template, status, headers, text) {
  const operation = [`paths`, template, method.toLowerCase()];
  assert.ok(resolve(operation), `${method} ${template} is not in the document`);
  const what = `${method} ${template} ${status}`;
  assert.ok(resolve([...operation, 'responses', String(status)]), `${what}: status not documented\n${text}`);
  const response = follow([...operation, 'responses', String(status)]);
  for (const name of Object.keys(response.value.headers ?? {})) {
    const header = follow([...response.segments, 'headers', name]);
    const value = headers.get(name);
    if (header.value.required)
      assert.ok(value !== null, `${what}: header ${name} missing`);
    if (value !== null)
      validate([...header.segments, 'schema'], value, `${what} header ${name}`);
  }
  const media = (headers.get('content-type') ?? '').split(';')[0].trim();
  const content = Object.keys(response.value.content ?? {});
  exercised.add(`${method} ${template}`);
  if (content.length === 0) {
    assert.equal(text, '', `${what}: a body where none is documented`);
    return text;
  }
  const key = content.find((k) => k.split(';')[0].trim() === media);
  assert.ok(key, `${what}: Content-Type ${media} is not one of ${content.join(', ')}`);
  const body = media === 'application/json' ? JSON.parse(text) : text;
  validate([...response.segments, 'content', key, 'schema'], body, `${what} body`);
  return body;
}
