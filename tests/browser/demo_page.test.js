// The demo page (/demo/) in a real Chromium against the real verity binary and its built-in
// Twilio simulator: one test per state of the seed's flow, each with a screenshot in
// build/browser-artifacts/. Scenarios come from the number's last four digits
// (net/README.md): 0001 is never delivered, 0002 fails on WhatsApp and delivers by SMS.
'use strict';

const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { after, before, describe, test } = require('node:test');
const { launchChromium } = require('./support/chromium');
const { buildDir, startVerity } = require('./support/verity');

const ARTIFACTS = path.join(buildDir, 'browser-artifacts');
const TEST_TIMEOUT_MS = 90_000;
const STEP_TIMEOUT_MS = 20_000;
const PHONE_SIZE = { width: 390, height: 844 };

const DELIVERS = '+1 201 555 0100';
const NEVER_DELIVERED = '+1 201 555 0001';
const WHATSAPP_FAILS = '+1 201 555 0002';

let browser;

before(async () => {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  browser = await launchChromium(STEP_TIMEOUT_MS);
});

after(async () => {
  await browser?.close();
});

/**
 * Runs `body(page, server)` against a fresh verity started with `env` and the demo page opened
 * at a phone-sized viewport; the page must log no error (a CSP violation would be one) but the
 * `expectedErrors` the test names.
 */
async function withDemo(env, body, expectedErrors = []) {
  const server = await startVerity(env);
  const context = await browser.newContext({ viewport: PHONE_SIZE });
  try {
    const page = await context.newPage();
    page.setDefaultTimeout(STEP_TIMEOUT_MS);
    const errors = [];
    page.on('console', (message) => {
      if (message.type() === 'error')
        errors.push(message.text());
    });
    page.on('pageerror', (error) => errors.push(error.message));
    const answer = await page.goto(`${server.address}/demo/`);
    assert.equal(answer.status(), 200);
    await body(page, server);
    assert.deepEqual(errors, expectedErrors);
  } finally {
    await context.close();
    await server.stop();
  }
}

/** Saves the page as build/browser-artifacts/<name>.png. */
async function screenshot(page, name) {
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
}

/** Waits until the live status region says exactly `text` (locators: the CSP forbids eval). */
async function statusSays(page, text) {
  const exactly = new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
  await page.locator('#status', { hasText: exactly }).waitFor();
}

/** Enters `phone` and presses the send button. */
async function send(page, phone) {
  await page.getByLabel('Phone Number').fill(phone);
  await page.getByRole('button', { name: 'Send Code via WhatsApp' }).click();
}

/** Sends to a number that delivers and returns the code the simulated phone shows. */
async function receiveCode(page) {
  await send(page, DELIVERS);
  await statusSays(page, 'Code sent via WhatsApp! Check your WhatsApp messages.');
  const message = page.locator('#phone-message');
  await message.waitFor({ state: 'visible' });
  const found = /(\d{4,10})/.exec(await message.textContent());
  assert.ok(found, 'the simulated phone shows a code');
  return found[1];
}

/** A code of the same length that differs from `code` in every digit. */
function wrongCode(code) {
  return [...code].map((digit) => String((Number(digit) + 1) % 10)).join('');
}

describe('demo page', { concurrency: false }, () => {
  test('default state offers WhatsApp with labelled, live controls', { timeout: TEST_TIMEOUT_MS },
    () => withDemo({}, async (page) => {
      await page.getByText("We'll send your code via WhatsApp").waitFor();
      const send = page.getByRole('button', { name: 'Send Code via WhatsApp' });
      assert.equal(await send.isEnabled(), true);
      assert.equal(await page.locator('#status').getAttribute('aria-live'), 'polite');
      await page.keyboard.press('Tab');
      assert.equal(await page.evaluate(() => document.activeElement.id), 'phone');
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(width <= PHONE_SIZE.width, `no horizontal scrolling at ${PHONE_SIZE.width}px`);
      await screenshot(page, 'default');
    }));

  test('waiting state disables the button and long-polls', { timeout: TEST_TIMEOUT_MS },
    () => withDemo({ VERITY_DELIVERY_TIMEOUT: '60s' }, async (page) => {
      const polls = [];
      page.on('request', (request) => {
        if (request.method() === 'GET' && /\/demo\/api\/verifications\/VE\w+\?/.test(request.url()))
          polls.push(request.url());
      });
      await send(page, NEVER_DELIVERED);
      await statusSays(page, 'Waiting for WhatsApp delivery confirmation...');
      const button = page.getByRole('button', { name: 'Sending via WhatsApp...' });
      assert.equal(await button.isDisabled(), true);
      await page.waitForTimeout(4_000);
      assert.ok(polls.length >= 1 && polls.length <= 3, `long poll, not polling: ${polls.length}`);
      assert.match(polls[0], /wait=25&seen=/);
      const countdown = page.locator('#countdown');
      const first = Number(/(\d+) s/.exec(await countdown.textContent())[1]);
      assert.ok(first > 0 && first <= 60, `counts down from the 60 s deadline: ${first}`);
      await page.locator('#countdown', { hasText: `Up to ${first - 1} s` }).waitFor();
      await screenshot(page, 'waiting');
    }));

  test('success shows the code entry, then the code verifies', { timeout: TEST_TIMEOUT_MS },
    () => withDemo({}, async (page) => {
      const code = await receiveCode(page);
      assert.equal(await page.evaluate(() => document.activeElement.id), 'code');
      assert.equal(await page.getByRole('heading', { name: 'Simulated phone (demo only)' })
        .isVisible(), true);
      await screenshot(page, 'whatsapp-success');
      await page.getByLabel('Enter Verification Code').fill(code);
      await page.getByRole('button', { name: 'Verify Code' }).click();
      await statusSays(page, 'Phone number verified! Thank you.');
      await screenshot(page, 'verified');
    }));

  test('WhatsApp failure offers SMS, which then delivers', { timeout: TEST_TIMEOUT_MS },
    () => withDemo({}, async (page) => {
      await send(page, WHATSAPP_FAILS);
      await statusSays(page, 'WhatsApp could not deliver the message.');
      await page.getByText("We'll send your code via SMS").waitFor();
      assert.equal(await page.getByRole('button', { name: 'Try WhatsApp again' }).isVisible(), true);
      const sms = page.getByRole('button', { name: 'Send via SMS Instead' });
      assert.equal(await page.evaluate(() => document.activeElement.id), 'send');
      await screenshot(page, 'whatsapp-failed');
      await sms.click();
      await statusSays(page, 'Code sent via SMS! Check your text messages.');
      await page.locator('#phone-message').waitFor({ state: 'visible' });
      await screenshot(page, 'sms-success');
    }));

  test('timeout offers SMS and WhatsApp again', { timeout: TEST_TIMEOUT_MS },
    () => withDemo({ VERITY_DELIVERY_TIMEOUT: '2s' }, async (page) => {
      await send(page, NEVER_DELIVERED);
      await statusSays(page, 'WhatsApp delivery timed out.');
      assert.equal(await page.getByRole('button', { name: 'Send via SMS Instead' }).isEnabled(),
        true);
      await screenshot(page, 'timed-out');
      await page.getByRole('button', { name: 'Try WhatsApp again' }).click();
      await statusSays(page, 'Waiting for WhatsApp delivery confirmation...');
      await statusSays(page, 'WhatsApp delivery timed out.');
    }));

  test('a wrong code says how many attempts are left', { timeout: TEST_TIMEOUT_MS },
    () => withDemo({ VERITY_MAX_CHECKS: '3' }, async (page) => {
      const code = await receiveCode(page);
      await page.getByLabel('Enter Verification Code').fill(wrongCode(code));
      await page.getByRole('button', { name: 'Verify Code' }).click();
      await statusSays(page, 'Invalid verification code. 2 attempts left.');
      assert.equal(await page.getByLabel('Enter Verification Code').getAttribute('aria-invalid'),
        'true');
      await screenshot(page, 'wrong-code');
      await page.getByLabel('Enter Verification Code').fill(code);
      await page.getByRole('button', { name: 'Verify Code' }).click();
      await statusSays(page, 'Phone number verified! Thank you.');
    }));

  test('an invalid number says the server\'s reason and marks the field', { timeout: TEST_TIMEOUT_MS },
    () => withDemo({}, async (page) => {
      await send(page, '12');
      await statusSays(page,
        'Phone number is too short for country code +1. Check the number.');
      const phone = page.getByLabel('Phone Number');
      assert.equal(await phone.getAttribute('aria-invalid'), 'true');
      assert.equal(await page.evaluate(() => document.activeElement.id), 'phone');
      assert.equal(await page.getByRole('button', { name: 'Send Code via WhatsApp' }).isEnabled(),
        true);
      await screenshot(page, 'invalid-number');
      await phone.fill('+1 201 555');
      assert.equal(await phone.getAttribute('aria-invalid'), null, 'editing clears the mark');
    }, ['Failed to load resource: the server responded with a status of 400 (Bad Request)']));

  test('the placeholder is a number the page accepts, read in the US', { timeout: TEST_TIMEOUT_MS },
    () => withDemo({}, async (page) => {
      const phone = page.getByLabel('Phone Number');
      await page.getByText('read as a US number (+1)').waitFor();
      await send(page, await phone.getAttribute('placeholder'));
      await statusSays(page, 'Code sent via WhatsApp! Check your WhatsApp messages.');
      await screenshot(page, 'placeholder-number');
    }));

  test('a refused number never looks sent', { timeout: TEST_TIMEOUT_MS },
    () => withDemo({}, async (page) => {
      const whileSending = [];
      await page.route(/\/demo\/api\/verifications$/, async (route) => {
        // The request is out, the answer not yet in: what does the page claim meanwhile?
        whileSending.push(await page.locator('#status').textContent(),
          await page.locator('#info-text').textContent());
        await route.continue();
      });
      await send(page, '(555) 123-4567');
      await page.locator('#status[data-tone="error"]').waitFor();
      assert.equal(whileSending.length, 2);
      assert.doesNotMatch(whileSending.join(' | '), /Waiting|on its way/);
      await screenshot(page, 'refused-number');
    }, ['Failed to load resource: the server responded with a status of 400 (Bad Request)']));

  test('each state is said once, not twice', { timeout: TEST_TIMEOUT_MS },
    () => withDemo({}, async (page) => {
      await send(page, WHATSAPP_FAILS);
      await statusSays(page, 'WhatsApp could not deliver the message.');
      const info = await page.locator('#info-text').textContent();
      assert.doesNotMatch(info, /failed|could not deliver/i, info);
      await screenshot(page, 'said-once');
    }));

  test('after a failure, Try WhatsApp again says WhatsApp', { timeout: TEST_TIMEOUT_MS },
    () => withDemo({ VERITY_DELIVERY_TIMEOUT: '2s' }, async (page) => {
      await send(page, NEVER_DELIVERED);
      await statusSays(page, 'WhatsApp delivery timed out.');
      await page.getByText("We'll send your code via SMS").waitFor();
      await page.getByRole('button', { name: 'Try WhatsApp again' }).click();
      await statusSays(page, 'Waiting for WhatsApp delivery confirmation...');
      assert.equal(await page.locator('#channel-hint').textContent(),
        "We'll send your code via WhatsApp");
      await screenshot(page, 'whatsapp-again');
    }));

  test('editing the number after a failure clears the failure', { timeout: TEST_TIMEOUT_MS },
    () => withDemo({}, async (page) => {
      await send(page, WHATSAPP_FAILS);
      await statusSays(page, 'WhatsApp could not deliver the message.');
      await page.getByLabel('Phone Number').fill(DELIVERS);
      await page.getByRole('button', { name: 'Send Code via WhatsApp' }).waitFor();
      assert.equal(await page.locator('#status').textContent(), '');
      await screenshot(page, 'edited-after-failure');
    }));

  test('the code screen offers resend and change number', { timeout: TEST_TIMEOUT_MS },
    () => withDemo({}, async (page) => {
      await receiveCode(page);
      await page.getByRole('button', { name: 'Resend code' }).click();
      await statusSays(page, 'Code sent via WhatsApp! Check your WhatsApp messages.');
      await screenshot(page, 'code-screen-actions');
      await page.getByRole('button', { name: 'Change number' }).click();
      await page.getByRole('button', { name: 'Send Code via WhatsApp' }).waitFor();
      assert.equal(await page.evaluate(() => document.activeElement.id), 'phone');
      assert.equal(await page.locator('#phone-screen').isHidden(), true);
    }));

  test('the SMS names the service and says how to opt out',
    { timeout: TEST_TIMEOUT_MS }, () => withDemo({}, async (page) => {
      await send(page, WHATSAPP_FAILS);
      await statusSays(page, 'WhatsApp could not deliver the message.');
      await page.getByRole('button', { name: 'Send via SMS Instead' }).click();
      await statusSays(page, 'Code sent via SMS! Check your text messages.');
      const message = page.locator('#phone-message');
      await message.waitFor({ state: 'visible' });
      assert.match(await message.textContent(), /^Your Verity verification code is \d{6}\. It expires in 15 minutes\. Do not share it\. Reply STOP to opt out\.$/);
      await screenshot(page, 'sms-text');
    }));

  test('an expired code asks for a new one', { timeout: TEST_TIMEOUT_MS },
    () => withDemo({ VERITY_CODE_TTL: '4s', VERITY_DELIVERY_TIMEOUT: '2s' }, async (page) => {
      await receiveCode(page);
      await statusSays(page, 'This code has expired. Please request a new one.');
      assert.equal(await page.evaluate(() => document.activeElement.id), 'start-over');
      await screenshot(page, 'expired');
      await page.getByRole('button', { name: 'Send a new code' }).click();
      await page.getByRole('button', { name: 'Send Code via WhatsApp' }).waitFor();
    }));
});
