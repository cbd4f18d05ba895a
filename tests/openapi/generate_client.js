// Generates the TypeScript types of a client from docs/openapi.json with openapi-typescript
// (generated/schema.d.ts, not committed); client/client.test.ts calls the real verity through
// openapi-fetch typed by them, so `tsc` fails when the document and the client's calls disagree.
import fs from 'node:fs';
import openapiTS, { astToString } from 'openapi-typescript';
import { DOCUMENT_PATH } from './support/document.js';

const output = new URL('./generated/', import.meta.url);
fs.rmSync(output, { recursive: true, force: true });
fs.mkdirSync(output, { recursive: true });
// Members with a default stay optional in requests (the server fills the default in).
const ast = await openapiTS(DOCUMENT_PATH, { defaultNonNullable: false });
fs.writeFileSync(new URL('schema.d.ts', output), astToString(ast));
