// The real verity's answers on every route of docs/openapi.json, happy paths and errors, each
// validated against the document (support/document.js): API v1, the Twilio webhooks (signed
// here with the simulator account's token), the compatibility API, the demo and the operations
// routes. The last test checks that every documented operation was exercised.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { exercised, operations } from './support/document.js';
import { call, twilioSignature } from './support/http.js';
import { AUTH_TOKEN, PAGE_ORIGIN, eventually, startLive, startSimulated } from './support/servers.js';

const FINAL_STATES = new Set(['delivered', 'read', 'failed', 'undelivered', 'timed_out']);
const UNKNOWN_VERIFICATION = `VE${'0'.repeat(32)}`;

/** Long-polls verification `id` through `base` ("/v1/verifications") until its delivery ended. */
async function untilDelivered(address, base, id) {
  let seen = 'sending';
  for (let round = 0; round < 10; ++round) {
    const answer = await call(address, 'GET', `${base}/{id}`,
      { params: { id }, query: { wait: '10', seen } });
    assert.equal(answer.status, 200);
    seen = answer.body.delivery.state;
    if (FINAL_STATES.has(seen))
      return answer.body;
  }
  throw new Error(`verification ${id} still ${seen}`);
}

/** POSTs `form` to webhook `template` (with `query`) signed with `token` (null: unsigned). */
function postWebhook(address, template, form, { query, token = AUTH_TOKEN, type } = {}) {
  const url = `${address}${template}${query ? `?${new URLSearchParams(query)}` : ''}`;
  const headers = token ? { 'X-Twilio-Signature': twilioSignature(token, url, form) } : {};
  if (type)
    headers['Content-Type'] = type;
  return call(address, 'POST', template, { query, form, headers, key: false });
}

describe('against verity in live mode with the stand-alone simulator', () => {
  let server;
  let address;

  before(async () => {
    server = await startLive();
    address = server.address;
  });

  after(async () => {
    await server?.stop();
  });

  test('operations routes', async () => {
    assert.equal((await call(address, 'GET', '/healthz', { key: false })).status, 200);
    assert.equal((await call(address, 'GET', '/openapi.json', { key: false })).body.openapi, '3.1.0');
    const ready = await eventually(async () => {
      const answer = await call(address, 'GET', '/readyz', { key: false });
      return answer.status === 200 ? answer : null;
    });
    assert.equal(ready.body.twilio, 'live');
    const metrics = await call(address, 'GET', '/metrics', { key: false });
    assert.match(metrics.headers.get('content-type'), /^text\/plain; version=0\.0\.4/);
    assert.match(metrics.body, /verity_http_requests_total/);
  });

  test('API v1: a verification from start to approval', async () => {
    const created = await call(address, 'POST', '/v1/verifications', {
      json: { to: '+1 201 555 0110', channel: 'sms', fallback: 'none', country: 'US', locale: 'en' },
      headers: { 'Idempotency-Key': 'openapi-1' },
    });
    assert.equal(created.status, 201);
    const { id } = created.body;
    const again = await call(address, 'POST', '/v1/verifications', {
      json: { to: '+1 201 555 0110', channel: 'sms', fallback: 'none', country: 'US', locale: 'en' },
      headers: { 'Idempotency-Key': 'openapi-1' },
    });
    assert.equal(again.body.id, id);
    const delivered = await untilDelivered(address, '/v1/verifications', id);
    assert.equal(delivered.delivery.state, 'delivered');
    const code = await eventually(() => server.latestCode('+12015550110'));
    const wrong = await call(address, 'POST', '/v1/verifications/{id}/check',
      { params: { id }, json: { code: code === '000000' ? '111111' : '000000' } });
    assert.equal(wrong.body.valid, false);
    const right = await call(address, 'POST', '/v1/verifications/{id}/check',
      { params: { id }, json: { code } });
    assert.deepEqual(right.body, { status: 'approved', valid: true });
    const message = delivered.attempts[0];
    for (const name of [message.message_id, message.twilio_sid]) {
      const receipt = await call(address, 'GET', '/v1/messages/{id}', { params: { id: name } });
      assert.equal(receipt.body.verification_id, id);
    }
    const stats = await call(address, 'GET', '/v1/stats', { query: { days: '7' } });
    assert.equal(stats.body.channels.sms.delivered >= 1, true);
    const phone = await call(address, 'GET', '/v1/phones/{e164}/stats',
      { params: { e164: '+12015550110' }, query: { days: '7' } });
    assert.equal(phone.body.recent.length >= 1, true);
    // Ended: check, resend and cancel refuse.
    assert.equal((await call(address, 'POST', '/v1/verifications/{id}/check',
      { params: { id }, json: { code } })).status, 404);
    assert.equal((await call(address, 'POST', '/v1/verifications/{id}/resend',
      { params: { id }, json: { channel: 'sms' } })).status, 404);
    assert.equal((await call(address, 'POST', '/v1/verifications/{id}/cancel',
      { params: { id } })).status, 409);
  });

  test('API v1: resend, cancel and the wrong-code limit', async () => {
    const created = await call(address, 'POST', '/v1/verifications', { json: { to: '+12015550111' } });
    const { id } = created.body;
    const resent = await call(address, 'POST', '/v1/verifications/{id}/resend',
      { params: { id }, json: { channel: 'sms' } });
    assert.equal(resent.status, 201);
    assert.equal(resent.body.attempts.length, 2);
    const canceled = await call(address, 'POST', '/v1/verifications/{id}/cancel', { params: { id } });
    assert.equal(canceled.body.status, 'canceled');
    assert.equal((await call(address, 'POST', '/v1/verifications/{id}/cancel',
      { params: { id } })).body.status, 'canceled');

    const locked = (await call(address, 'POST', '/v1/verifications',
      { json: { to: '+12015550112', channel: 'sms' } })).body.id;
    let answer;
    for (let i = 0; i < 6; ++i)
      answer = await call(address, 'POST', '/v1/verifications/{id}/check',
        { params: { id: locked }, json: { code: '00000000' } });
    assert.equal(answer.status, 429);
    assert.equal(answer.body.error.code, 'max_attempts_reached');
  });

  test('API v1: errors', async () => {
    const create = (options) => call(address, 'POST', '/v1/verifications', options);
    assert.equal((await create({ json: { to: '+12015550113' }, key: false })).status, 401);
    assert.equal((await create({ json: { channel: 'sms' } })).body.error.code, 'invalid_request');
    assert.equal((await create({ json: { to: '12' } })).body.error.code, 'invalid_phone');
    assert.equal((await create({ json: { to: '+12015550113', locale: 'fr' } })).status, 400);
    assert.equal((await create({ body: 'to=1', headers: { 'Content-Type': 'text/plain' } })).status, 415);
    assert.equal((await create({ body: 'x'.repeat(70 * 1024), headers: { 'Content-Type': 'application/json' } })).status, 413);
    await create({ json: { to: '+12015550113' }, headers: { 'Idempotency-Key': 'openapi-2' } });
    const conflict = await create({ json: { to: '+12015550114' }, headers: { 'Idempotency-Key': 'openapi-2' } });
    assert.equal(conflict.body.error.code, 'idempotency_conflict');
    let limited;
    for (let i = 0; i < 6 && limited?.status !== 429; ++i)
      limited = await create({ json: { to: '+12015550115', channel: 'sms' } });
    assert.equal(limited.body.error.code, 'rate_limited');

    const get = (id, query) => call(address, 'GET', '/v1/verifications/{id}', { params: { id }, query });
    assert.equal((await get('nope')).status, 400);
    assert.equal((await get(UNKNOWN_VERIFICATION)).status, 404);
    assert.equal((await get(UNKNOWN_VERIFICATION, { wait: 'soon' })).status, 400);
    assert.equal((await get(UNKNOWN_VERIFICATION)).status, 404);
    assert.equal((await call(address, 'POST', '/v1/verifications/{id}/check',
      { params: { id: UNKNOWN_VERIFICATION }, json: {} })).status, 400);
    assert.equal((await call(address, 'POST', '/v1/verifications/{id}/resend',
      { params: { id: UNKNOWN_VERIFICATION }, json: { channel: 'fax' } })).status, 400);
    assert.equal((await call(address, 'POST', '/v1/verifications/{id}/cancel',
      { params: { id: UNKNOWN_VERIFICATION } })).status, 404);
    assert.equal((await call(address, 'GET', '/v1/messages/{id}', { params: { id: 'x' } })).status, 400);
    assert.equal((await call(address, 'GET', '/v1/messages/{id}',
      { params: { id: `SM${'0'.repeat(32)}` } })).status, 404);
    assert.equal((await call(address, 'GET', '/v1/stats', { query: { days: '0' } })).status, 400);
    assert.equal((await call(address, 'GET', '/v1/stats', { key: false })).status, 401);
    assert.equal((await call(address, 'GET', '/v1/phones/{e164}/stats', { params: { e164: '12' } })).status, 400);
  });

  test('webhooks: signatures, status callbacks, STOP', async () => {
    const created = await call(address, 'POST', '/v1/verifications', { json: { to: '+12015550116', channel: 'sms' } });
    const sent = await untilDelivered(address, '/v1/verifications', created.body.id);
    const attempt = sent.attempts[0];
    const status = new URLSearchParams({
      AccountSid: 'AC0123456789abcdef0123456789abcdef', MessageSid: attempt.twilio_sid,
      MessageStatus: 'delivered', To: '+12015550116',
    });
    const query = { message_id: attempt.message_id };
    for (const template of ['/v1/webhooks/twilio/status', '/api/referrals/sms-status-callback']) {
      assert.equal((await postWebhook(address, template, status, { query })).status, 200);
      assert.equal((await postWebhook(address, template, status, { query, token: null })).status, 400);
      assert.equal((await postWebhook(address, template, status, { query, token: 'wrong-token' })).status, 403);
      assert.equal((await postWebhook(address, template, status, { type: 'application/json' })).status, 415);
    }
    const stop = new URLSearchParams({ From: '+12015550117', To: '+15005550006', Body: 'STOP' });
    const inbound = await postWebhook(address, '/v1/webhooks/twilio/inbound', stop);
    assert.equal(inbound.body, '<Response/>');
    assert.equal((await postWebhook(address, '/v1/webhooks/twilio/inbound', stop, { token: 'wrong-token' })).status, 403);
    assert.equal((await postWebhook(address, '/v1/webhooks/twilio/inbound', stop, { token: null })).status, 400);
    const refused = await call(address, 'POST', '/v1/verifications', { json: { to: '+12015550117' } });
    assert.equal(refused.body.error.code, 'opted_out');
    const compat = await call(address, 'POST', '/api/referrals/send-verification',
      { json: { phone: '+12015550117' }, key: false });
    assert.equal(compat.status, 403);
  });

  test('compatibility API', async () => {
    const origin = { Origin: PAGE_ORIGIN };
    const send = (json, extra = {}) => call(address, 'POST', '/api/referrals/send-verification',
      { json, headers: origin, key: false, ...extra });
    const sent = await send({ phone: '+1 201 555 0118', method: 'sms' });
    assert.equal(sent.body.success, true);
    assert.equal(sent.headers.get('access-control-allow-origin'), PAGE_ORIGIN);
    assert.equal((await send({ method: 'sms' })).status, 400);
    assert.equal((await send(undefined, { body: 'phone', headers: { 'Content-Type': 'text/plain' } })).status, 415);
    const status = await call(address, 'GET', '/api/referrals/delivery-status/{messageSid}',
      { params: { messageSid: sent.body.messageSid }, headers: origin, key: false });
    assert.equal(status.body.method, 'sms');
    assert.equal((await call(address, 'GET', '/api/referrals/delivery-status/{messageSid}',
      { params: { messageSid: 'SMunknown' }, key: false })).status, 404);
    const verify = (json, extra = {}) => call(address, 'POST', '/api/referrals/verify-code',
      { json, headers: origin, key: false, ...extra });
    const code = await eventually(() => server.latestCode('+12015550118'));
    const wrong = await verify({ phone: '+12015550118', code: code === '000000' ? '111111' : '000000' });
    assert.equal(wrong.status, 400);
    assert.equal(typeof wrong.body.attemptsLeft, 'number');
    assert.equal((await verify({ phone: '+12015550118' })).status, 400);
    assert.equal((await verify(undefined, { body: '{}', headers: { 'Content-Type': 'text/plain' } })).status, 415);
    const verified = await verify({ phone: '+12015550118', code });
    assert.equal(verified.body.verified, true);
  });

  test('demo routes (live mode: no simulated phone to show)', async () => {
    const redirect = await call(address, 'GET', '/demo', { key: false });
    assert.equal(redirect.status, 308);
    for (const file of ['/demo/', '/demo/index.html', '/demo/demo.css', '/demo/demo.js', '/demo/favicon.svg'])
      assert.equal((await call(address, 'GET', file, { key: false })).status, 200);
    const settings = await call(address, 'GET', '/demo/api/settings', { key: false });
    assert.equal(typeof settings.body.delivery_timeout_ms, 'number');
    const base = '/demo/api/verifications';
    const created = await call(address, 'POST', base, { json: { to: '+12015550119', channel: 'sms' }, key: false });
    assert.equal(created.status, 201);
    const { id } = created.body;
    assert.equal((await call(address, 'GET', `${base}/{id}`, { params: { id }, key: false })).status, 200);
    assert.equal((await call(address, 'GET', `${base}/{id}`, { params: { id: 'bad' }, key: false })).status, 400);
    assert.equal((await call(address, 'POST', `${base}/{id}/resend`,
      { params: { id }, json: { channel: 'sms' }, key: false })).status, 201);
    const check = await call(address, 'POST', `${base}/{id}/check`,
      { params: { id }, json: { code: '00000000' }, key: false });
    assert.equal(check.body.valid, false);
    assert.equal((await call(address, 'POST', base, { json: {}, key: false })).status, 400);
  });
});

describe('against verity with the built-in simulator', () => {
  let server;

  before(async () => {
    server = await startSimulated();
  });

  after(async () => {
    await server?.stop();
  });

  test('the demo shows what the simulated phone received', async () => {
    const { address } = server;
    const base = '/demo/api/verifications';
    const created = await call(address, 'POST', base, { json: { to: '+12015550120' }, key: false });
    const { id } = created.body;
    await untilDelivered(address, base, id);
    const shown = await call(address, 'GET', `${base}/{id}/simulated-message`, { params: { id }, key: false });
    assert.match(shown.body.text, /\d{6}/);
    assert.equal((await call(address, 'GET', `${base}/{id}/simulated-message`,
      { params: { id: UNKNOWN_VERIFICATION }, key: false })).status, 404);
  });
});

test('every documented operation was exercised', () => {
  const missing = operations().filter((operation) => !exercised.has(operation));
  assert.deepEqual(missing, []);
});
