// Starts the real build/verity for one test: 127.0.0.1 on an ephemeral port, a fresh data
// directory, the built-in Twilio simulator; stops it and removes the directory afterwards.
'use strict';

const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

/** The build directory: VERITY_BUILD_DIR, else the repository's build/. */
const buildDir = process.env.VERITY_BUILD_DIR || path.resolve(__dirname, '../../../build');
const START_TIMEOUT_MS = 20_000;
const STOP_TIMEOUT_MS = 10_000;

/** Waits until the child's log names its address, or fails after START_TIMEOUT_MS. */
function listeningAddress(child, log) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => finish(new Error(`verity did not start:\n${log.text}`)),
      START_TIMEOUT_MS);
    const onData = () => {
      const found = /verity listening on (http:\/\/\S+)/.exec(log.text);
      if (found)
        finish(null, found[1]);
    };
    const onExit = (code) => finish(new Error(`verity exited (${code}):\n${log.text}`));
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

module.exports = { buildDir, startVerity };
