// API v1's happy path through a client generated from docs/openapi.json (openapi-typescript
// types, openapi-fetch calls) against the real verity: create, read, long-poll until delivered
// (the stand-alone simulator delivers), check the code the simulated phone received.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import createClient from 'openapi-fetch';
import type { paths } from '../generated/schema.js';
import { API_KEY, eventually, startLive } from '../support/servers.js';

const PHONE = '+12015550130';
const FINAL_STATES = new Set(['delivered', 'read', 'failed', 'undelivered', 'timed_out']);

let server: Awaited<ReturnType<typeof startLive>>;

before(async () => {
  server = await startLive();
});

after(async () => {
  await server?.stop();
});

test('create, read, long-poll until delivered and check the code through the generated client', async () => {
  const client = createClient<paths>({
    baseUrl: server.address,
    headers: { Authorization: `Bearer ${API_KEY}` },
  });

  const created = await client.POST('/v1/verifications', {
    params: { header: { 'Idempotency-Key': 'generated-client-1' } },
    body: { to: PHONE, channel: 'sms' },
  });
  assert.equal(created.response.status, 201);
  assert.ok(created.data);
  const id = created.data.id;
  assert.equal(created.response.headers.get('location'), `/v1/verifications/${id}`);

  const read = await client.GET('/v1/verifications/{id}', { params: { path: { id } } });
  assert.equal(read.data?.id, id);

  let state = read.data?.delivery.state ?? 'sending';
  for (let round = 0; round < 10 && !FINAL_STATES.has(state); ++round) {
    const polled = await client.GET('/v1/verifications/{id}', {
      params: { path: { id }, query: { wait: 10, seen: state } },
    });
    assert.ok(polled.data);
    state = polled.data.delivery.state;
  }
  assert.equal(state, 'delivered');

  const code = await eventually(() => server.latestCode(PHONE));
  const checked = await client.POST('/v1/verifications/{id}/check', {
    params: { path: { id } },
    body: { code },
  });
  assert.deepEqual(checked.data, { status: 'approved', valid: true });

  const refused = await client.POST('/v1/verifications/{id}/check', {
    params: { path: { id } },
    body: { code },
  });
  assert.equal(refused.response.status, 404);
  assert.equal(refused.error?.error.code, 'not_found');
});
