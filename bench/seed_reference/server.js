// The seed application's design, rebuilt for bench/run.sh as the reference it measures Verity
// against (bench/README.md, "The seed design reference"): Node/Express, every piece of state in
// process memory (Maps), no signature check on status callbacks, nothing written to disk. It
// serves the three routes the benchmark drives, with the seed's shapes: send-verification
// answers after Twilio's create response, the status callback updates a Map, the delivery
// status reads it. Written for the benchmark from the seed documents' description; not the seed.
//
//   node server.js --port 18483 --twilio http://127.0.0.1:18481 --account-sid AC... \
//     --auth-token T --from +15005550006 --public-url http://127.0.0.1:18483
'use strict';

const crypto = require('node:crypto');
const http = require('node:http');
const express = require('express');

/** The command line as an object: `--name value` pairs. */
function options(argv) {
  const found = {};
  for (let i = 0; i + 1 < argv.length; i += 2) found[argv[i].replace(/^--/, '')] = argv[i + 1];
  for (const name of ['port', 'twilio', 'account-sid', 'auth-token', 'from', 'public-url']) {
    if (!found[name]) throw new Error(`missing --${name}`);
  }
  return found;
}

const config = options(process.argv.slice(2));
const codeTtlMs = 15 * 60 * 1000;    // codes expire after 15 minutes, as in the seed
const statusTtlMs = 60 * 60 * 1000;  // delivery statuses are dropped after an hour
const verificationCodes = new Map(); // phone -> {hash, expiresAt}
const deliveryStatuses = new Map();  // message SID -> {status, method, errorCode, ..., updatedAt}
const twilioAgent = new http.Agent({ keepAlive: true, maxSockets: 256 });
const twilio = new URL(config.twilio);
const basicAuth = 'Basic ' + Buffer.from(`${config['account-sid']}:${config['auth-token']}`).toString('base64');

/** Creates a message through Twilio's REST API; resolves with {status, body}. */
function createMessage(to, text, method) {
  const prefix = method === 'whatsapp' ? 'whatsapp:' : '';
  const form = new URLSearchParams({
    To: prefix + to, From: prefix + config.from, Body: text,
    StatusCallback: `${config['public-url']}/api/referrals/sms-status-callback`,
  }).toString();
  return new Promise((resolve, reject) => {
    const request = http.request({
      host: twilio.hostname, port: twilio.port, method: 'POST', agent: twilioAgent,
      path: `/2010-04-01/Accounts/${config['account-sid']}/Messages.json`,
      headers: { Authorization: basicAuth, 'Content-Type': 'application/x-www-form-urlencoded',
                 'Content-Length': Buffer.byteLength(form) },
    }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk) => { body += chunk; });
      response.on('end', () => {
        try { resolve({ status: response.statusCode, body: JSON.parse(body) }); }
        catch (error) { reject(error); }
      });
    });
    request.setTimeout(10000, () => request.destroy(new Error('Twilio timed out')));
    request.on('error', reject);
    request.end(form);
  });
}

const app = express();
app.use(express.json());
app.use(express.urlencoded({ extended: false }));

app.post('/api/referrals/send-verification', async (req, res) => {
  const phone = typeof req.body.phone === 'string' ? req.body.phone.trim() : '';
  const method = req.body.method || 'whatsapp';
  if (!/^\+[1-9]\d{7,14}$/.test(phone) || !['whatsapp', 'sms'].includes(method)) {
    return res.status(400).json({ success: false, error: 'Invalid phone number or method' });
  }
  const code = String(crypto.randomInt(0, 1000000)).padStart(6, '0');
  verificationCodes.set(phone, {
    hash: crypto.createHash('sha256').update(code).digest('hex'),
    expiresAt: Date.now() + codeTtlMs,
  });
  try {
    const created = await createMessage(phone, `Your verification code is ${code}`, method);
    if (created.status !== 201) {
      return res.json({ success: false, channel: method, reason: 'NOT_DELIVERED',
                        errorCode: created.body.code, message: created.body.message,
                        suggestion: 'Try SMS instead' });
    }
    const sid = created.body.sid;
    deliveryStatuses.set(sid, { status: created.body.status, method, errorCode: null,
                                errorMessage: null, updatedAt: Date.now() });
    res.json({ success: true, channelUsed: method, messageSid: sid,
               message: `Verification code sent via ${method}`,
               pollUrl: `/api/referrals/delivery-status/${sid}` });
  } catch (error) {
    res.status(500).json({ success: false, reason: 'DELIVERY_FAILED', error: error.message });
  }
});

app.post('/api/referrals/sms-status-callback', (req, res) => {
  const sid = req.body.MessageSid;
  if (sid) {
    const known = deliveryStatuses.get(sid) || { method: 'sms' };
    deliveryStatuses.set(sid, { ...known, status: req.body.MessageStatus,
                                errorCode: req.body.ErrorCode || null,
                                errorMessage: req.body.ErrorMessage || null,
                                updatedAt: Date.now() });
  }
  res.sendStatus(200);
});

app.get('/api/referrals/delivery-status/:messageSid', (req, res) => {
  const sid = req.params.messageSid;
  const entry = deliveryStatuses.get(sid);
  if (!entry) return res.status(404).json({ ok: false, error: 'Delivery status not found', messageSid: sid });
  res.json({ ok: true, messageSid: sid, status: entry.status, method: entry.method,
             isDelivered: entry.status === 'delivered' || entry.status === 'read',
             isFailed: entry.status === 'failed' || entry.status === 'undelivered',
             isPending: ['queued', 'accepted', 'sending', 'sent'].includes(entry.status),
             errorCode: entry.errorCode, errorMessage: entry.errorMessage,
             timestamp: new Date(entry.updatedAt).toISOString() });
});

app.get('/healthz', (req, res) => res.json({ ok: true }));

// The seed's periodic cleanup: expired codes and old statuses.
setInterval(() => {
  const now = Date.now();
  for (const [phone, entry] of verificationCodes) if (entry.expiresAt < now) verificationCodes.delete(phone);
  for (const [sid, entry] of deliveryStatuses) if (entry.updatedAt + statusTtlMs < now) deliveryStatuses.delete(sid);
}, 60 * 1000).unref();

app.listen(Number(config.port), '127.0.0.1');
