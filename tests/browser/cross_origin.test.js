// A page served from another loopback origin (its own small HTTP server) runs the seed
// application's compatibility flow against the real verity binary through CORS, in a real
// Chromium: send, poll the delivery status once a second, verify with the code the simulated
// phone received (verity runs in live mode on the stand-alone simulator, whose phones show what
// they received). The verify answer carries the referral fields of the platform's verified
// hook, a node server that checks each call with the published Standard Webhooks library. With
// the page's origin not in VERITY_CORS_ORIGINS, the browser refuses the page's first call.
'use strict';

const assert = require('node:assert/strict');
const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');
const { after, before, describe, test } = require('node:test');
const { launchChromium } = require('./support/chromium');
const { Webhook } = require('standardwebhooks');
const { startSimulator, startVerity } = require('./support/verity');

const TEST_TIMEOUT_MS = 90_000;
const STEP_TIMEOUT_MS = 20_000;
const API_KEY = 'cross-origin-key-0123456789abcdef';
const DELIVERS = '+12015550100';
const HOOK_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const PAGE_DIR = path.join(__dirname, 'cross_origin');
const PAGE_FILES = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/client.js': { file: 'client.js', type: 'text/javascript; charset=utf-8' },
};

let browser;

before(async () => {
  browser = await launchChromium(STEP_TIMEOUT_MS);
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
 * The platform's verified hook: checks every call's Standard Webhooks signature with the
 * published library, keeps the verified events, and answers the seed's referral fields.
 */
async function startPlatformHook() {
  const verifier = new Webhook(HOOK_SECRET);
  const events = [];
  const server = http.createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk) => { body += chunk; });
    request.on('end', () => {
      try {
        events.push(verifier.verify(body, request.headers));
      } catch (error) {
        response.writeHead(401, { 'Content-Type': 'application/json' })
          .end(JSON.stringify({ error: String(error) }));
        return;
      }
      response.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({
        referralCode: 'REF-7', referralLink: 'https://platform.example/r/REF-7',
      }));
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}/hooks/verified`,
    events,
    stop: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(resolve);
    }),
  };
}

/**
 * Runs `body(page, verity, simulator, hook)` with the page server, the simulator and the
 * platform's hook up, verity started on the simulator with `corsOrigins(origin)` as
 * VERITY_CORS_ORIGINS, and the page opened against verity; stops every server afterwards.
 */
async function withCrossOriginPage(corsOrigins, body) {
  const pageServer = await startPageServer();
  const simulator = await startSimulator();
  const hook = await startPlatformHook();
  let verity;
  let context;
  try {
    verity = await startVerity({
      ...simulator.verityEnv,
      VERITY_API_KEYS: API_KEY,
      VERITY_CORS_ORIGINS: corsOrigins(pageServer.origin),
      VERITY_COMPAT_VERIFIED_HOOK: hook.url,
      VERITY_COMPAT_VERIFIED_HOOK_SECRET: HOOK_SECRET,
    });
    context = await browser.newContext();
    const page = await context.newPage();
    page.setDefaultTimeout(STEP_TIMEOUT_MS);
    const url = `${pageServer.origin}/?api=${encodeURIComponent(verity.address)}`;
    assert.equal((await page.goto(url)).status(), 200);
    await body(page, verity, simulator, hook);
  } finally {
    await context?.close();
    await verity?.stop();
    await hook.stop();
    await simulator.stop();
    await pageServer.stop();
  }
}

/** Waits until the page's status reads exactly `text`. */
async function statusSays(page, text) {
  await page.locator('#status', { hasText: new RegExp(`^${text}$`) }).waitFor();
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
    () => withCrossOriginPage((origin) => origin, async (page, verity, simulator, hook) => {
      await page.locator('#phone').fill(DELIVERS);
      await page.locator('#send').click();
      await statusSays(page, 'delivered');
      const delivered = JSON.parse(await page.locator('#answer').textContent());
      assert.equal(delivered.isDelivered, true);
      const messageSid = await page.locator('#status').getAttribute('data-message-sid');
      assert.match(messageSid, /^SM/);
      const code = await simulator.latestCode(DELIVERS);
      assert.match(code ?? '', /^\d{6}$/, 'the simulated phone shows the code');
      await page.locator('#code').fill(code);
      await page.locator('#verify').click();
      await statusSays(page, 'verified');
      const verified = JSON.parse(await page.locator('#answer').textContent());
      assert.equal(verified.verified, true);
      assert.equal(verified.referralLink, 'https://platform.example/r/REF-7',
        "the platform hook's answer reaches the page");
      assert.equal(verified.whatsappDelivered, true);
      assert.equal(hook.events.length, 1, 'one signed call the Standard Webhooks library accepts');
      assert.equal(hook.events[0].type, 'verification.approved');
      assert.equal(hook.events[0].data.phone, DELIVERS);
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
