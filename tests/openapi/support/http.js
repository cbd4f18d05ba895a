// Requests to a running verity, each answer checked against docs/openapi.json (document.js),
// and Twilio's X-Twilio-Signature for webhook requests.
import crypto from 'node:crypto';
import { checkAnswer } from './document.js';
import { API_KEY } from './servers.js';

const REQUEST_TIMEOUT_MS = 40_000;

/**
 * Sends `method` to the route `template` ("/v1/verifications/{id}") of the server at `address`
 * with `params` filled in, and checks the answer. Options: query (object), json (a body),
 * form (URLSearchParams), body + type (raw), headers, key (false: no API key). Returns
 * {status, headers, body}.
 */
export async function call(address, method, template, options = {}) {
  const { params = {}, query, json, form, headers = {}, key = true } = options;
  let path = template.replace(/\{(\w+)\}/g, (_, name) => encodeURIComponent(params[name]));
  if (query)
    path += `?${new URLSearchParams(query)}`;
  const sent = { ...headers };
  if (key)
    sent.Authorization = `Bearer ${API_KEY}`;
  let body = options.body;
  if (json !== undefined) {
    body = JSON.stringify(json);
    sent['Content-Type'] ??= 'application/json';
  }
  if (form !== undefined) {
    body = form.toString();
    sent['Content-Type'] ??= 'application/x-www-form-urlencoded';
  }
  const response = await fetch(`${address}${path}`, {
    method, headers: sent, body, redirect: 'manual', signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  const text = await response.text();
  const parsed = checkAnswer(method, template, response.status, response.headers, text);
  return { status: response.status, headers: response.headers, body: parsed };
}

/** Twilio's signature of a form POST to `url`: Base64 HMAC-SHA1 of the URL + sorted name+value. */
export function twilioSignature(token, url, form) {
  const names = [...new Set(form.keys())].sort();
  let data = url;
  for (const name of names)
    for (const value of [...new Set(form.getAll(name))].sort())
      data += name + value;
  return crypto.createHmac('sha1', token).update(data, 'utf8').digest('base64');
}
