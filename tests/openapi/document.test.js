// docs/openapi.json is a valid OpenAPI 3.1 document (a real validator from npm), and the real
// verity serves exactly it at GET /openapi.json.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Validator } from '@seriousme/openapi-schema-validator';
import { DOCUMENT_PATH, document } from './support/document.js';
import { call } from './support/http.js';
import { startLive } from './support/servers.js';

let server;

before(async () => {
  server = await startLive();
});

after(async () => {
  await server?.stop();
});

test('the document is valid OpenAPI 3.1', async () => {
  const validator = new Validator();
  const result = await validator.validate(DOCUMENT_PATH.pathname);
  assert.deepEqual(result.errors, undefined);
  assert.equal(result.valid, true);
  assert.equal(validator.version, '3.1');
  assert.equal(document.openapi, '3.1.0');
});

test('every $ref of the document resolves', async () => {
  const validator = new Validator();
  await validator.validate(DOCUMENT_PATH.pathname);
  assert.doesNotThrow(() => validator.resolveRefs());
});

test('GET /openapi.json answers the document without an API key', async () => {
  const answer = await call(server.address, 'GET', '/openapi.json', { key: false });
  assert.equal(answer.status, 200);
  assert.equal(answer.headers.get('content-type'), 'application/json');
  assert.deepEqual(answer.body, document);
});
