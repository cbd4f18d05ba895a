// Starts the real Debian `prometheus` for one test: 127.0.0.1 on an ephemeral port, scraping one
// target as job "verity" every second, its storage in a fresh directory; stops it and removes the
// directory afterwards.
'use strict';

const { spawn } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { stopChild } = require('./verity');

const PROMETHEUS = process.env.PROMETHEUS_PATH || 'prometheus';
const START_TIMEOUT_MS = 30_000;
/** Ports tried before giving up (another process may take the free port meanwhile). */
const ATTEMPTS = 3;

/** A loopback port nobody listens on right now (bound to port 0, then released). */
function freeLoopbackPort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** The configuration: `target` ("host:port") scraped as job "verity" every second. */
function configuration(target) {
  return [
    'global:',
    '  scrape_interval: 1s',
    '  scrape_timeout: 1s',
    'scrape_configs:',
    '  - job_name: verity',
    '    static_configs:',
    `      - targets: ["${target}"]`,
    '',
  ].join('\n');
}

/**
 * Resolves true once Prometheus says it is ready, false when its port was taken; rejects when it
 * exits otherwise or is not ready within the time left until `deadline`.
 */
function ready(child, log, deadline) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => finish(new Error(`prometheus did not start:\n${log.text}`)),
      Math.max(0, deadline - Date.now()));
    const onData = () => {
      if (log.text.includes('Server is ready to receive web requests'))
        finish(null, true);
      else if (log.text.includes('address already in use'))
        finish(null, false);
    };
    const onExit = (code) => {
      if (log.text.includes('address already in use'))
        finish(null, false);
      else
        finish(new Error(`prometheus exited (${code}):\n${log.text}`));
    };
    function finish(error, started) {
      clearTimeout(timer);
      child.stderr.off('data', onData);
      child.off('exit', onExit);
      if (error)
        reject(error);
      else
        resolve(started);
    }
    child.stderr.on('data', onData);
    child.on('exit', onExit);
  });
}

/** Starts prometheus on `port` with the configuration in `directory`. */
function spawnPrometheus(directory, port) {
  const child = spawn(PROMETHEUS, [
    `--config.file=${path.join(directory, 'prometheus.yml')}`,
    `--storage.tsdb.path=${path.join(directory, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`,
  ], { env: { PATH: process.env.PATH }, stdio: ['ignore', 'ignore', 'pipe'] });
  const log = { text: '' };
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk) => { log.text += chunk; });
  return { child, log };
}

/**
 * Starts prometheus scraping `target` ("host:port"). Returns {address, query, stop}: `query(expr)`
 * evaluates PromQL now and resolves to its result vector (throwing on a PromQL error), `stop`
 * ends the process and removes its directory.
 */
async function startPrometheus(target) {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'verity-browser-prometheus-'));
  fs.writeFileSync(path.join(directory, 'prometheus.yml'), configuration(target));
  const deadline = Date.now() + START_TIMEOUT_MS;
  const removeDirectory = () => fs.rmSync(directory, { recursive: true, force: true });
  for (let attempt = 0; attempt < ATTEMPTS; ++attempt) {
    const port = await freeLoopbackPort();
    const { child, log } = spawnPrometheus(directory, port);
    let started;
    try {
      started = await ready(child, log, deadline);
    } catch (error) {
      await stopChild(child);
      removeDirectory();
      throw error;
    }
    if (!started) {
      await stopChild(child);
      continue;
    }
    const address = `http://127.0.0.1:${port}`;
    const query = async (expr) => {
      const response = await fetch(`${address}/api/v1/query`, {
        method: 'POST',
        body: new URLSearchParams({ query: expr }),
        signal: AbortSignal.timeout(START_TIMEOUT_MS),
      });
      const answer = await response.json();
      if (answer.status !== 'success')
        throw new Error(`${expr}: ${answer.error}`);
      return answer.data.result;
    };
    const stop = async () => {
      await stopChild(child);
      removeDirectory();
    };
    return { address, log, query, stop };
  }
  removeDirectory();
  throw new Error(`prometheus found no free port in ${ATTEMPTS} attempts`);
}

module.exports = { startPrometheus };
