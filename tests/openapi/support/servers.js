// Starts the real verity for the OpenAPI tests: in live mode against the stand-alone
// verity-twilio-sim (so a test knows the auth token to sign webhooks with and reads codes from
// the simulated phones), or with the built-in simulator. Reuses the browser tests' launcher.
import verity from '../../browser/support/verity.js';

/** The API key the servers accept. */
export const API_KEY = 'openapi-test-key-0123456789abcdef';
/** The origin the servers allow to call the compatibility and demo routes from a browser. */
export const PAGE_ORIGIN = 'http://page.example';
/** The auth token of the stand-alone simulator's account: what Verity checks signatures with. */
export const AUTH_TOKEN = 'browser-sim-token-0123456789';

/**
 * verity in live mode against a fresh verity-twilio-sim, with API keys, the demo and CORS on.
 * Returns {address, latestCode(e164), stop}.
 */
export async function startLive() {
  const sim = await verity.startSimulator();
  try {
    const server = await verity.startVerity({
      ...sim.verityEnv,
      VERITY_API_KEYS: API_KEY,
      VERITY_DEMO: 'true',
      VERITY_CORS_ORIGINS: PAGE_ORIGIN,
    });
    return {
      address: server.address,
      latestCode: sim.latestCode,
      stop: async () => {
        await server.stop();
        await sim.stop();
      },
    };
  } catch (error) {
    await sim.stop();
    throw error;
  }
}

/** verity with its built-in simulator (the demo on by default). Returns {address, stop}. */
export function startSimulated() {
  return verity.startVerity({ VERITY_API_KEYS: API_KEY });
}

/** Polls `read` every 100 ms until it gives a value other than null, for at most `limitMs`. */
export async function eventually(read, limitMs = 20_000) {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const value = await read();
    if (value !== null)
      return value;
    if (Date.now() > deadline)
      throw new Error('gave up waiting');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
