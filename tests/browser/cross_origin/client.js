// The compatibility flow from a browser page on another origin: send, poll the delivery status
// once a second (at most 10 times, then the page gives up as the seed's does), verify. Each step
// writes what it saw to #status (and the parsed answer to #answer); a failed fetch() (a CORS
// refusal among others) shows as "network error".
'use strict';

const api = new URL(window.location.href).searchParams.get('api');
const POLL_INTERVAL_MS = 1000;
const MAX_POLLS = 10;

const status = document.getElementById('status');
const answer = document.getElementById('answer');

/** Shows `text` as the page's state, and `body` (if any) as the last answer. */
function show(text, body) {
  status.textContent = text;
  if (body !== undefined)
    answer.textContent = JSON.stringify(body);
}

/** POSTs `body` as JSON to `path` of the API and returns the parsed answer. */
async function postJson(path, body) {
  const response = await fetch(api + path, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  return response.json();
}

/** Resolves after `ms` milliseconds. */
function pause(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `pollUrl` until the message is delivered or failed, or the page gives up. */
async function pollDelivery(pollUrl) {
  for (let poll = 0; poll < MAX_POLLS; ++poll) {
    await pause(POLL_INTERVAL_MS);
    const body = await (await fetch(api + pollUrl)).json();
    if (body.isDelivered)
      return show('delivered', body);
    if (body.isFailed)
      return show('failed', body);
  }
  show('timed out');
}

async function sendCode() {
  const phone = document.getElementById('phone').value;
  try {
    show('sending');
    const body = await postJson('/api/referrals/send-verification', { phone, method: 'whatsapp' });
    if (!body.success || !body.pollUrl)
      return show('send refused', body);
    status.dataset.messageSid = body.messageSid;
    show('waiting', body);
    await pollDelivery(body.pollUrl);
  } catch (error) {
    show(`network error: ${error.message}`);
  }
}

async function verifyCode() {
  const phone = document.getElementById('phone').value;
  const code = document.getElementById('code').value;
  try {
    const body = await postJson('/api/referrals/verify-code', { phone, code });
    show(body.verified === true ? 'verified' : 'not verified', body);
  } catch (error) {
    show(`network error: ${error.message}`);
  }
}

document.getElementById('send').addEventListener('click', sendCode);
document.getElementById('verify').addEventListener('click', verifyCode);
