// The key panels of dashboards/verity.json on Prometheus's own graph page, in a real Chromium:
// the real verity (built-in Twilio simulator) takes /v1 verifications all along the test, so
// messages are created, delivered and called back; the real Debian prometheus scrapes it every
// second. Each panel's query must draw a graph with series, and no error or "No datapoints
// found.". Screenshots in build/browser-artifacts/prometheus-<panel>.png.
'use strict';

const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { after, before, test } = require('node:test');
const { launchChromium } = require('./support/chromium');
const { startPrometheus } = require('./support/prometheus');
const { buildDir, startVerity } = require('./support/verity');

const ARTIFACTS = path.join(buildDir, 'browser-artifacts');
const DASHBOARD = path.resolve(__dirname, '../../dashboards/verity.json');
const TEST_TIMEOUT_MS = 120_000;
const STEP_TIMEOUT_MS = 20_000;
const DATA_TIMEOUT_MS = 60_000;
const SEND_EVERY_MS = 300;
const API_KEY = 'browser-key-0123456789abcdef';
/** What Grafana's $__rate_interval and $__range stand for here: the whole test fits in it. */
const WINDOW = '1m';
/** Scrapes (one a second) of traffic before the first graph, so that each graph draws a span. */
const SCRAPES_BEFORE_GRAPHS = 30;

/**
 * The panels the graphs show, by title, with the query of each (the first unless `pick` names a
 * part of the expression).
 */
const KEY_PANELS = [
  { name: 'delivery-success-rate', title: 'Delivery success rate' },
  { name: 'time-to-delivered-p95', title: 'Time to delivered p50 / p95 / p99 by channel',
    pick: 'histogram_quantile(0.95,' },
  { name: 'twilio-requests-by-result', title: 'Twilio requests by result' },
  { name: 'http-requests-by-route', title: 'Requests by route' },
];

let browser;
let verity;
let prometheus;
let traffic;

/** The concrete PromQL of `panel` in the dashboard, Grafana's variables replaced. */
function panelQuery(dashboard, { title, pick }) {
  const panel = dashboard.panels.find((candidate) => candidate.title === title);
  assert.ok(panel, `no panel "${title}" in verity.json`);
  const target = panel.targets.find((candidate) => !pick || candidate.expr.includes(pick));
  assert.ok(target, `no query with "${pick}" in "${title}"`);
  return target.expr.replaceAll('$__rate_interval', WINDOW).replaceAll('$__range', WINDOW);
}

/**
 * Starts a verification every SEND_EVERY_MS until `stop()`: numbers that deliver (and are read
 * on WhatsApp), one that falls back to SMS and one Twilio throttles twice (net/README.md).
 * Returns {stop, answers}: the HTTP statuses seen so far.
 */
function startTraffic(address) {
  const answers = [];
  const numbers = ['+12015550002', '+12015550006'];
  for (let last = 100; last < 200; ++last)
    numbers.push(`+120155501${String(last).slice(1)}`);
  let next = 0;
  const send = async () => {
    const to = numbers[next++ % numbers.length];
    try {
      const response = await fetch(`${address}/v1/verifications`, {
        method: 'POST',
        headers: { 'Authorization': `Bearer ${API_KEY}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ to }),
        signal: AbortSignal.timeout(STEP_TIMEOUT_MS),
      });
      answers.push(response.status);
    } catch (error) {
      answers.push(error.name);
    }
  };
  const timer = setInterval(send, SEND_EVERY_MS);
  return { answers, stop: () => clearInterval(timer) };
}

/** Resolves once `expr` returns a finite sample in Prometheus; fails after DATA_TIMEOUT_MS. */
async function waitForData(expr) {
  const deadline = Date.now() + DATA_TIMEOUT_MS;
  let result = [];
  while (Date.now() < deadline) {
    result = await prometheus.query(expr);
    if (result.some((series) => Number.isFinite(Number(series.value[1]))))
      return;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  assert.fail(`no data for ${expr} within ${DATA_TIMEOUT_MS} ms: ${JSON.stringify(result)}\n`
    + `verity answered ${JSON.stringify(traffic.answers.slice(-10))}`);
}

before(async () => {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  verity = await startVerity({ VERITY_API_KEYS: API_KEY });
  prometheus = await startPrometheus(new URL(verity.address).host);
  traffic = startTraffic(verity.address);
  browser = await launchChromium(STEP_TIMEOUT_MS);
  await waitForData(`count_over_time(up{job="verity"}[${WINDOW}]) >= ${SCRAPES_BEFORE_GRAPHS}`);
}, { timeout: TEST_TIMEOUT_MS });

after(async () => {
  traffic?.stop();
  await browser?.close();
  await prometheus?.stop();
  await verity?.stop();
});

const dashboard = JSON.parse(fs.readFileSync(DASHBOARD, 'utf8'));

for (const panel of KEY_PANELS) {
  test(`Prometheus graphs "${panel.title}" with data`, { timeout: TEST_TIMEOUT_MS }, async () => {
    const expr = panelQuery(dashboard, panel);
    await waitForData(expr);
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    try {
      const page = await context.newPage();
      page.setDefaultTimeout(STEP_TIMEOUT_MS);
      const graph = new URLSearchParams({ 'g0.expr': expr, 'g0.tab': '0', 'g0.range_input': WINDOW });
      const answer = await page.goto(`${prometheus.address}/classic/graph?${graph}`);
      assert.equal(answer.status(), 200);
      // Rickshaw draws one line per series into the graph area (a flat line has no height, so
      // it counts as hidden: wait for it to be drawn) and lists each series in the legend.
      await page.locator('.graph_area svg path[d]').first().waitFor({ state: 'attached' });
      await page.locator('.legend li').first().waitFor();
      const error = page.locator('.graph_wrapper .error');
      assert.equal(await error.isVisible(), false, await error.textContent());
      assert.equal(await page.getByText('No datapoints found.').count(), 0);
      assert.equal(await page.locator('textarea.expression_input').inputValue(), expr);
      await page.screenshot({ path: path.join(ARTIFACTS, `prometheus-${panel.name}.png`),
        fullPage: true });
    } finally {
      await context.close();
    }
  });
}
