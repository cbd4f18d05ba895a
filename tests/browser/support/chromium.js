// Launches the headless Debian Chromium every browser test drives (CHROMIUM_PATH overrides it).
'use strict';

const { chromium } = require('playwright-core');

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

/** A headless Chromium, launched within `timeoutMs`, with the flags a container needs. */
function launchChromium(timeoutMs) {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    timeout: timeoutMs,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage',
      '--disable-background-networking'],
  });
}

module.exports = { launchChromium };
