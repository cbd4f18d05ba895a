// A page served from another loopback origin (its own small HTTP server) runs the seed
// application's compatibility flow against the real verity binary through CORS, in a real
// Chromium: send, poll the delivery status once a second, verify with the code the simulated
// phone received. With the page's origin not in VERITY_CORS_ORIGINS, the browser refuses the
// page's first call.
'use strict';

const assert = require('node:assert/strict');
const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');
const { after, before, describe, test } = require('node:test');
const { chromium } = require('playwright-core');
const { startVerity } = require('./support/verity');

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const TEST_TIMEOUT_MS = 90_000;
const STEP_TIMEOUT_MS = 20_000;
const API_KEY = 'cross-origin-key-0123456789abcdef';
const DELIVERS = '+12015550100';
const PAGE_DIR = path.join(__dirname, 'cross_origin');
const PAGE_FILES = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/client.js': { file: 'client.js', type: 'text/javascript; charset=utf-8' },
};

let browser;

before(async () => {
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    timeout: STEP_TIMEOUT_MS,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage',
      '--disable-background-networking'],
  });
});

after(async () => {
  await browser?.close();
});

/** Serves the page on 127.0.0.1 at an ephemeral port: another origin than verity's. */
async function startPageServer() {
  const server = http.createServer((request, response) => {
    const entry = PAGE_FILES[new URL(request.url, 'http://page').pathname];
    if (!entry) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'Content-Type': entry.type, 'Cache-Control': 'no-store' });
    response.end(fs.readFileSync(path.join(PAGE_DIR, entry.file)));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${server.address().port}`,
    stop: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(resolve);
    }),
  };
}

/**
 * Runs `body(page, verity)` with the page server up, verity started with `corsOrigins(origin)`
 * as VERITY_CORS_ORIGINS, and the page opened against verity; stops both servers afterwards.
 */
async function withCrossOriginPage(corsOrigins, body) {
  const pageServer = await startPageServer();
  let verity;
  let context;
  try {
    verity = await startVerity({
      VERITY_API_KEYS: API_KEY,
      VERITY_CORS_ORIGINS: corsOrigins(pageServer.origin),
    });
    context = await browser.newContext();
    const page = await context.newPage();
    page.setDefaultTimeout(STEP_TIMEOUT_MS);
    const url = `${pageServer.origin}/?api=${encodeURIComponent(verity.address)}`;
    assert.equal((await page.goto(url)).status(), 200);
    await body(page, verity);
  } finally {
    await context?.close();
    await verity?.stop();
    await pageServer.stop();
  }
}

/** Waits until the page's status reads exactly `text`. */
async function statusSays(page, text) {
  await page.locator('#status', { hasText: new RegExp(`^${text}$`) }).waitFor();
}

/** GETs `path` of verity from node (no Origin: not through the page) and parses the JSON. */
async function fromNode(verity, path, headers = {}) {
  const response = await fetch(verity.address + path, {
    headers, signal: AbortSignal.timeout(STEP_TIMEOUT_MS),
  });
  assert.equal(response.status, 200, `${path}: ${response.status}`);
  return response.json();
}

/**
 * The code the simulated phone received for the message `messageSid`: the message's
 * verification through /v1, then the demo routes' view of the simulated phone.
 */
async function receivedCode(verity, messageSid) {
  const message = await fromNode(verity, `/v1/messages/${messageSid}`,
    { Authorization: `Bearer ${API_KEY}` });
  const received = await fromNode(verity,
    `/demo/api/verifications/${message.verification_id}/simulated-message`);
  const found = /(\d{4,10})/.exec(received.text);
  assert.ok(found, `a code in the simulated message: ${received.text}`);
  return found[1];
}

/**
 * True when verity's metrics count a 204 on `route`: the preflight Chromium sent (Playwright
 * does not report preflights as page requests).
 */
async function answeredPreflight(verity, route) {
  const response = await fetch(`${verity.address}/metrics`,
    { signal: AbortSignal.timeout(STEP_TIMEOUT_MS) });
  return (await response.text()).split('\n').some((line) =>
    line.startsWith('verity_http_requests_total{') && line.includes(`"${route}"`)
    && line.includes('"204"') && !/ 0$/.test(line));
}

describe('compatibility routes from another origin', { concurrency: false }, () => {
  test('an allowed origin sends, sees the delivery and verifies', { timeout: TEST_TIMEOUT_MS },
    () => withCrossOriginPage((origin) => origin, async (page, verity) => {
      await page.locator('#phone').fill(DELIVERS);
      await page.locator('#send').click();
      await statusSays(page, 'delivered');
      const delivered = JSON.parse(await page.locator('#answer').textContent());
      assert.equal(delivered.isDelivered, true);
      const messageSid = await page.locator('#status').getAttribute('data-message-sid');
      assert.match(messageSid, /^SM/);
      await page.locator('#code').fill(await receivedCode(verity, messageSid));
      await page.locator('#verify').click();
      await statusSays(page, 'verified');
      const verified = JSON.parse(await page.locator('#answer').textContent());
      assert.equal(verified.verified, true);
      assert.ok(await answeredPreflight(verity, '/api/referrals/send-verification'),
        'the JSON POST went through a preflight');
    }));

  test('another origin is refused by the browser', { timeout: TEST_TIMEOUT_MS },
    () => withCrossOriginPage(() => 'http://127.0.0.1:9', async (page) => {
      const corsErrors = [];
      page.on('console', (message) => {
        if (message.type() === 'error' && /CORS policy/.test(message.text()))
          corsErrors.push(message.text());
      });
      await page.locator('#phone').fill(DELIVERS);
      await page.locator('#send').click();
      await statusSays(page, 'network error: Failed to fetch');
      assert.ok(corsErrors.length >= 1, 'Chromium names the CORS refusal');
    }));
});
