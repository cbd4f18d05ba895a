// The Verity demo page: the seed application's verification flow over the demo API (API v1
// semantics, no API key). Delivery is followed by long poll, never by polling every second.
'use strict';

const API = 'api/verifications';
const POLL_SECONDS = 25;
const REQUEST_TIMEOUT_MS = (POLL_SECONDS + 10) * 1000;
const MAX_POLL_FAILURES = 5;
const CHANNEL_NAMES = { whatsapp: 'WhatsApp', sms: 'SMS' };
const DELIVERED = ['delivered', 'read'];
const FAILED = ['failed', 'undelivered'];

const page = {
  status: document.getElementById('status'),
  phoneForm: document.getElementById('phone-form'),
  phone: document.getElementById('phone'),
  hint: document.getElementById('channel-hint'),
  info: document.getElementById('info-text'),
  retryWhatsapp: document.getElementById('retry-whatsapp'),
  send: document.getElementById('send'),
  codeForm: document.getElementById('code-form'),
  code: document.getElementById('code'),
  verify: document.getElementById('verify'),
  startOver: document.getElementById('start-over'),
  changeNumber: document.getElementById('change-number'),
  resendCode: document.getElementById('resend-code'),
  phoneScreen: document.getElementById('phone-screen'),
  phoneMessage: document.getElementById('phone-message'),
  countdown: document.getElementById('countdown'),
};

/** The verification being followed: its id, the last delivery state seen, its channel. */
let current = null;
/** Bumped for every new attempt, so that a stale long-poll loop stops. */
let generation = 0;
let expiryTimer = null;
/** VERITY_DELIVERY_TIMEOUT in ms, from the server's settings; null until known. */
let deliveryTimeout = null;
/** When the latest attempt's delivery deadline passes (page clock), and the timer showing it. */
let deadline = null;
let countdownTimer = null;

/** One JSON request to the demo API, abandoned after REQUEST_TIMEOUT_MS. */
async function call(method, path, body) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), REQUEST_TIMEOUT_MS);
  try {
    const response = await fetch(path, {
      method,
      headers: body ? { 'Content-Type': 'application/json' } : {},
      body: body ? JSON.stringify(body) : undefined,
      cache: 'no-store',
      signal: controller.signal,
    });
    const data = await response.json().catch(() => ({}));
    return { status: response.status, data };
  } finally {
    clearTimeout(timer);
  }
}

function wait(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Shows `text` in the live region with a tone (ok, wait, warn, error); "" clears it. */
function announce(text, tone) {
  if (page.status.textContent === text && page.status.dataset.tone === (tone || ''))
    return; // unchanged: screen readers would read it again
  page.status.textContent = text;
  page.status.dataset.tone = tone || '';
}

/** Puts the page in state `name` (for styles and tests) and shows the forms it needs. */
function enter(name, { phoneForm = false, codeForm = false, startOver = false } = {}) {
  document.body.dataset.state = name;
  page.countdown.hidden = true;
  page.phoneForm.hidden = !phoneForm;
  page.codeForm.hidden = !codeForm;
  page.startOver.hidden = !startOver;
  if (!phoneForm)
    page.retryWhatsapp.hidden = true;
}

/** Says under the number which channel the code goes by. */
function hintChannel(channel) {
  page.hint.textContent = `We'll send your code via ${CHANNEL_NAMES[channel]}`;
}

/** Marks the phone field valid again (or not yet judged). */
function clearPhoneProblem() {
  page.phone.removeAttribute('aria-invalid');
}

/** The phone form offering `channel`, with the seed's texts. */
function offer(channel, { info, button, retryWhatsapp = false }) {
  hintChannel(channel);
  page.info.textContent = info;
  page.send.textContent = button;
  page.send.dataset.channel = channel;
  page.send.disabled = false;
  page.phone.readOnly = false;
  page.retryWhatsapp.hidden = !retryWhatsapp;
}

function showDefault() {
  enter('idle', { phoneForm: true });
  offer('whatsapp', {
    info: "We'll send your verification code via WhatsApp. You'll only see success when the " +
      'message is confirmed delivered.',
    button: 'Send Code via WhatsApp',
  });
}

/** The send is on its way to the server: the form is held, nothing is claimed yet. */
function showSending(channel) {
  enter('sending', { phoneForm: true });
  hintChannel(channel);
  clearPhoneProblem();
  page.send.textContent = `Sending via ${CHANNEL_NAMES[channel]}...`;
  page.send.disabled = true;
  page.phone.readOnly = true;
  page.retryWhatsapp.hidden = true;
}

/** The server accepted the send: wait for the delivery confirmation. */
function showWaiting(channel) {
  showSending(channel);
  document.body.dataset.state = 'waiting';
  announce(`Waiting for ${CHANNEL_NAMES[channel]} delivery confirmation...`, 'wait');
  page.info.textContent = 'Your code is on its way. This usually takes a few seconds.';
  tickCountdown();
}

/** Shows the seconds left until the delivery deadline while waiting; hides it otherwise. */
function tickCountdown() {
  clearTimeout(countdownTimer);
  const waiting = document.body.dataset.state === 'waiting';
  page.countdown.hidden = !waiting || deadline === null;
  if (page.countdown.hidden)
    return;
  const left = Math.max(0, Math.ceil((deadline - Date.now()) / 1000));
  page.countdown.textContent = `Up to ${left} s until the delivery deadline.`;
  countdownTimer = setTimeout(tickCountdown, 1000);
}

/** WhatsApp (or SMS) failed or timed out: offer SMS, and WhatsApp again. */
function showNotDelivered(channel, timedOut) {
  enter(timedOut ? 'timed-out' : 'failed', { phoneForm: true });
  if (channel === 'whatsapp')
    announce(timedOut ? 'WhatsApp delivery timed out.' : 'WhatsApp could not deliver the message.',
      'warn');
  else
    announce(timedOut ? 'SMS delivery timed out.' : 'SMS could not deliver the message.', 'warn');
  offer('sms', {
    info: `Click below to try SMS ${channel === 'sms' ? 'again' : 'instead'}.`,
    button: channel === 'sms' ? 'Send via SMS Again' : 'Send via SMS Instead',
    retryWhatsapp: true,
  });
  page.send.focus();
}

function showDelivered(channel) {
  enter('delivered', { codeForm: true });
  announce(channel === 'sms'
    ? 'Code sent via SMS! Check your text messages.'
    : 'Code sent via WhatsApp! Check your WhatsApp messages.', 'ok');
  page.code.value = '';
  page.code.disabled = false;
  page.code.removeAttribute('aria-invalid');
  page.verify.disabled = false;
  page.code.focus();
  revealSimulatedMessage(current.id);
}

/** The code is gone (expired or locked): only a new send helps. */
function showEnded(name, text) {
  clearTimeout(expiryTimer);
  generation += 1;
  enter(name, { startOver: true });
  announce(text, 'error');
  page.phoneScreen.hidden = true;
  page.startOver.focus();
}

function showExpired() {
  showEnded('expired', 'This code has expired. Please request a new one.');
}

function showVerified() {
  clearTimeout(expiryTimer);
  enter('verified');
  announce('Phone number verified! Thank you.', 'ok');
  page.phoneScreen.hidden = true;
}

function showWrongCode(attemptsLeft) {
  document.body.dataset.state = 'wrong-code';
  const attempts = attemptsLeft === 1 ? '1 attempt' : `${attemptsLeft} attempts`;
  announce(`Invalid verification code. ${attempts} left.`, 'error');
  page.code.setAttribute('aria-invalid', 'true');
  page.verify.disabled = false;
  page.code.select();
  page.code.focus();
}

/** An answer that is not what the flow expects: say so and let the person try again. */
function showProblem(result) {
  if (current && current.channel)
    showNotDelivered(current.channel, false);
  else
    showDefault();
  const error = (result.data && result.data.error) || {};
  announce(problemText(error), 'error');
  if (error.code === 'invalid_phone')
    page.phone.setAttribute('aria-invalid', 'true');
  page.phone.focus();
}

/** The server's reason a number is refused ("phone number is too short for country code +1"). */
function phoneReason(message) {
  const reason = /valid phone number: (.+?)\.?$/.exec(message || '');
  return reason ? reason[1].charAt(0).toUpperCase() + reason[1].slice(1) : '';
}

/** What an API error means for the person. */
function problemText({ code, message }) {
  if (code === 'invalid_phone' && phoneReason(message))
    return `${phoneReason(message)}. Check the number.`;
  if (code === 'invalid_phone' || code === 'invalid_request')
    return 'Unable to send verification code. Check the phone number format.';
  if (code === 'rate_limited' || code === 'overloaded')
    return 'Too many requests. Please try again later.';
  if (code === 'opted_out')
    return 'This number has opted out of messages. Reply START to opt in.';
  return 'Unable to send verification code.';
}

/** Shows what the delivery state of the latest attempt means; true once it is final. */
function render(verification) {
  const delivery = verification.delivery || {};
  current.seen = delivery.state;
  current.channel = delivery.channel || current.channel;
  if (verification.status === 'expired') {
    showExpired();
    return true;
  }
  if (DELIVERED.includes(delivery.state)) {
    showDelivered(current.channel);
    return true;
  }
  if (FAILED.includes(delivery.state) || delivery.state === 'timed_out') {
    showNotDelivered(current.channel, delivery.state === 'timed_out');
    return true;
  }
  showWaiting(current.channel);
  return false;
}

/** Long-polls the verification until its latest attempt is delivered, failed or timed out. */
async function follow(mine) {
  let failures = 0;
  while (mine === generation) {
    let result;
    try {
      const query = `?wait=${POLL_SECONDS}&seen=${encodeURIComponent(current.seen)}`;
      result = await call('GET', `${API}/${current.id}${query}`);
    } catch (error) {
      result = { status: 0, data: {} };
    }
    if (mine !== generation)
      return;
    if (result.status === 200) {
      failures = 0;
      if (render(result.data))
        return;
      continue;
    }
    if (result.status === 404) {
      showExpired();
      return;
    }
    failures += 1;
    if (failures >= MAX_POLL_FAILURES) {
      announce('Lost contact with the server. Please try again.', 'error');
      showNotDelivered(current.channel, false);
      return;
    }
    await wait(1000 * failures);
  }
}

/** Checks for expiry once the code's lifetime (as the server counts it) has passed. */
function watchExpiry(verification) {
  clearTimeout(expiryTimer);
  const lifetime = Date.parse(verification.expires_at) - Date.parse(verification.created_at);
  if (!Number.isFinite(lifetime))
    return;
  expiryTimer = setTimeout(async () => {
    const result = await call('GET', `${API}/${current.id}`).catch(() => null);
    if (result && (result.status === 404 || result.data.status === 'expired'))
      showExpired();
  }, Math.max(lifetime, 0) + 500);
}

/** Follows a verification the server just created or sent again. */
function started(verification) {
  current = { id: verification.id, seen: 'sending', channel: null };
  deadline = deliveryTimeout === null ? null : Date.now() + deliveryTimeout;
  generation += 1;
  page.phoneScreen.hidden = true;
  watchExpiry(verification);
  if (!render(verification))
    follow(generation);
}

async function startVerification() {
  const phone = page.phone.value.trim();
  if (!phone) {
    announce('Please enter your phone number.', 'error');
    page.phone.focus();
    return;
  }
  current = null;
  showSending('whatsapp');
  const result = await call('POST', API, { to: phone, channel: 'whatsapp', fallback: 'manual' })
    .catch(() => ({ status: 0, data: {} }));
  if (result.status === 201)
    started(result.data);
  else
    showProblem(result);
}

async function resend(channel) {
  announce('', '');
  showSending(channel);
  const result = await call('POST', `${API}/${current.id}/resend`, { channel })
    .catch(() => ({ status: 0, data: {} }));
  if (result.status === 201)
    started(result.data);
  else if (result.status === 404)
    showExpired();
  else
    showProblem(result);
}

async function checkCode() {
  const code = page.code.value.trim();
  if (!code) {
    announce('Please enter the code you received.', 'error');
    page.code.focus();
    return;
  }
  page.verify.disabled = true;
  const result = await call('POST', `${API}/${current.id}/check`, { code })
    .catch(() => ({ status: 0, data: {} }));
  if (result.status === 200 && result.data.valid)
    showVerified();
  else if (result.status === 200)
    showWrongCode(result.data.attempts_left);
  else if (result.status === 404)
    showExpired();
  else if (result.status === 429 && result.data.error &&
           result.data.error.code === 'max_attempts_reached')
    showEnded('locked', 'Too many attempts. Please request a new code.');
  else {
    announce('The code could not be checked. Please try again.', 'error');
    page.verify.disabled = false;
  }
}

/** In simulator mode, shows the message the simulated phone received for this verification. */
async function revealSimulatedMessage(id) {
  const result = await call('GET', `${API}/${id}/simulated-message`).catch(() => null);
  if (!result || result.status !== 200 || !current || current.id !== id)
    return;
  page.phoneMessage.textContent = result.data.text;
  page.phoneScreen.hidden = false;
}

page.phoneForm.addEventListener('submit', (event) => {
  event.preventDefault();
  if (page.send.disabled)
    return;
  if (current && ['failed', 'timed-out'].includes(document.body.dataset.state))
    resend(page.send.dataset.channel);
  else
    startVerification();
});

page.retryWhatsapp.addEventListener('click', () => resend('whatsapp'));

page.codeForm.addEventListener('submit', (event) => {
  event.preventDefault();
  checkCode();
});

/** Back to an empty start: a new number, a new verification. */
function startOver() {
  clearTimeout(expiryTimer);
  current = null;
  generation += 1;
  announce('', '');
  page.phoneScreen.hidden = true;
  showDefault();
  page.phone.focus();
}

page.startOver.addEventListener('click', startOver);
page.changeNumber.addEventListener('click', startOver);
page.resendCode.addEventListener('click', () => resend(current.channel || 'whatsapp'));

page.phone.addEventListener('input', () => {
  clearPhoneProblem();
  if (!['failed', 'timed-out'].includes(document.body.dataset.state))
    return;
  current = null;
  announce('', '');
  showDefault();
});

/** Learns the delivery timeout the countdown needs; without it the page shows none. */
async function loadSettings() {
  const result = await call('GET', 'api/settings').catch(() => null);
  if (result && result.status === 200 && Number.isFinite(result.data.delivery_timeout_ms))
    deliveryTimeout = result.data.delivery_timeout_ms;
}

showDefault();
loadSettings();
