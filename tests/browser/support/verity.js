// Starts the real build/verity for one test: 127.0.0.1 on an ephemeral port, a fresh data
// directory, the built-in Twilio simulator (or, with startSimulator, live mode against the
// stand-alone verity-twilio-sim); stops it and removes the directory afterwards.
'use strict';

const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

/** The build directory: VERITY_BUILD_DIR, else the repository's build/. */
const buildDir = process.env.VERITY_BUILD_DIR || path.resolve(__dirname, '../../../build');
const START_TIMEOUT_MS = 20_000;
const STOP_TIMEOUT_MS = 10_000;

/** The account the stand-alone simulator holds (see startSimulator). */
const SIM_ACCOUNT_SID = 'AC0123456789abcdef0123456789abcdef';
const SIM_AUTH_TOKEN = 'browser-sim-token-0123456789';

/**
 * Waits until the child's log names its address (`program listening on http://...`), or fails
 * after START_TIMEOUT_MS.
 */
function listeningAddress(child, log, program = 'verity') {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => finish(new Error(`${program} did not start:\n${log.text}`)),
      START_TIMEOUT_MS);
    const pattern = new RegExp(`${program} listening on (http:\\/\\/\\S+)`);
    const onData = () => {
      const found = pattern.exec(log.text);
      if (found)
        finish(null, found[1]);
    };
    const onExit = (code) => finish(new Error(`${program} exited (${code}):\n${log.text}`));
    function finish(error, address) {
      clearTimeout(timer);
      child.stderr.off('data', onData);
      child.off('exit', onExit);
      if (error)
        reject(error);
      else
        resolve(address);
    }
    child.stderr.on('data', onData);
    child.on('exit', onExit);
  });
}

/** Resolves once `child` exited, sending SIGKILL if SIGTERM was not enough in time. */
function stopChild(child) {
  if (child.exitCode !== null || child.signalCode !== null)
    return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/**
 * Starts verity with `env` on top of a clean simulator setup. Returns {address, log, stop};
 * `stop` ends the process and removes its data directory.
 */
async function startVerity(env = {}) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'verity-browser-'));
  const child = spawn(path.join(buildDir, 'verity'), [], {
    env: {
      PATH: process.env.PATH,
      VERITY_LISTEN: '127.0.0.1:0',
      VERITY_TWILIO: 'simulator',
      VERITY_DATA_DIR: dataDir,
      VERITY_SYNC: 'false',
      ...env,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const log = { text: '' };
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk) => { log.text += chunk; });
  const stop = async () => {
    await stopChild(child);
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    return { address: await listeningAddress(child, log), log, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * Starts the stand-alone verity-twilio-sim on an ephemeral loopback port. Returns {address,
 * verityEnv, latestCode, stop}: `verityEnv` puts verity in live mode against it, `latestCode(e164)`
 * reads the code the simulated phone shows last (GET /sim/phones/{number}/latest).
 */
async function startSimulator() {
  const child = spawn(path.join(buildDir, 'verity-twilio-sim'),
    ['--account-sid', SIM_ACCOUNT_SID, '--auth-token', SIM_AUTH_TOKEN, '--latency-ms', '20'],
    { env: { PATH: process.env.PATH }, stdio: ['ignore', 'ignore', 'pipe'] });
  const log = { text: '' };
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk) => { log.text += chunk; });
  let address;
  try {
    address = await listeningAddress(child, log, 'verity-twilio-sim');
  } catch (error) {
    await stopChild(child);
    throw error;
  }
  const verityEnv = {
    VERITY_TWILIO: 'live',
    TWILIO_API_BASE: address,
    TWILIO_ACCOUNT_SID: SIM_ACCOUNT_SID,
    TWILIO_AUTH_TOKEN: SIM_AUTH_TOKEN,
    TWILIO_PHONE_NUMBER: '+15005550006',
    TWILIO_WHATSAPP_NUMBER: '+15005550007',
    VERITY_ALLOW_INSECURE_CALLBACKS: 'true',
  };
  const latestCode = async (e164) => {
    const response = await fetch(`${address}/sim/phones/${encodeURIComponent(e164)}/latest`,
      { signal: AbortSignal.timeout(START_TIMEOUT_MS) });
    if (response.status !== 200)
      return null;
    const found = /\b(\d{4,10})\b/.exec((await response.json()).text);
    return found ? found[1] : null;
  };
  return { address, verityEnv, latestCode, stop: () => stopChild(child) };
}

module.exports = { buildDir, startSimulator, startVerity, stopChild };
