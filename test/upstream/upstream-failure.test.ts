/** Upstream network failures say what really happened. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { deadlineError, formatMs, upstreamFailure, withTimeoutLimit } from '../../src/upstream/upstream-failure.js';
import { PoolExhaustedError, DEFAULT_POOL_LIMITS } from '../../src/upstream/pool-gate.js';

const TIMEOUTS = { connectMs: 10_000, firstByteMs: 60_000, totalMs: 900_000 };
const undiciError = (code: string, message = code) => Object.assign(new Error(message), { code });

describe('upstream failure messages', () => {
  test('a connect timeout says it could not connect, with the limit — never that the model is slow', () => {
    const e = upstreamFailure(withTimeoutLimit(undiciError('UND_ERR_CONNECT_TIMEOUT'), TIMEOUTS), 'openai', false);
    assert.equal(e.status, 504);
    assert.equal(e.code, 'upstream_connect_timeout');
    assert.match(e.message, /^openai: could not open a connection within 10s \(connect timeout\)/);
    assert.doesNotMatch(e.message, /slow|model/);
    assert.equal(e.reason, 'connect timeout (10s)');
  });

  test('a first-byte timeout says the provider connected but did not answer', () => {
    const e = upstreamFailure(withTimeoutLimit(undiciError('UND_ERR_HEADERS_TIMEOUT'), TIMEOUTS), 'anthropic', false);
    assert.equal(e.code, 'upstream_timeout');
    assert.match(e.message, /anthropic: connected, but sent no response within 1m \(first-byte timeout\)/);
    assert.equal(e.reason, 'no response within 1m (first-byte timeout)');
  });

  test('network errors in words, with a short reason', () => {
    const refused = upstreamFailure(undiciError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:9'), 'openai', false);
    assert.equal(refused.status, 502);
    assert.equal(refused.code, 'upstream_unreachable');
    assert.equal(refused.reason, 'connect ECONNREFUSED');
    assert.match(refused.message, /the connection was refused/);
    assert.equal(upstreamFailure(undiciError('ENOTFOUND'), 'x', false).reason, 'DNS ENOTFOUND');
    assert.equal(upstreamFailure(undiciError('UND_ERR_SOCKET', 'other side closed'), 'x', false).reason, 'connection closed');
    const tls = upstreamFailure(undiciError('CERT_HAS_EXPIRED', 'certificate has expired'), 'x', false);
    assert.equal(tls.reason, 'TLS CERT_HAS_EXPIRED');
    assert.match(tls.message, /TLS handshake failed \(certificate has expired\)/);
  });

  test('the request deadline names dispatcher.timeout', () => {
    const e = upstreamFailure(new Error('deadline'), 'openai', true, 300_000);
    assert.equal(e.status, 504);
    assert.match(e.message, /within the gateway's timeout \(5m\)\. Raise dispatcher\.timeout/);
    assert.match(deadlineError('openai', 1_500, true).message, /did not finish within the gateway's timeout \(1\.5s\); it is incomplete/);
  });

  test("a full pool is the gateway's own limit: 503 upstream_pool_exhausted with retry-after", () => {
    const full = upstreamFailure(new PoolExhaustedError('full', DEFAULT_POOL_LIMITS), 'openai', false);
    assert.equal(full.status, 503);
    assert.equal(full.code, 'upstream_pool_exhausted');
    assert.equal(full.retryAfter, 1);
    assert.match(full.message, /all 256 gateway connections to this provider are busy and 1024 requests are already waiting/);
    const waited = upstreamFailure(new PoolExhaustedError('waited', DEFAULT_POOL_LIMITS), 'openai', false);
    assert.match(waited.message, /stayed busy for 10s/);
  });

  test('durations read naturally', () => {
    assert.deepEqual([formatMs(300), formatMs(1_500), formatMs(10_000), formatMs(60_000), formatMs(900_000)], ['300ms', '1.5s', '10s', '1m', '15m']);
  });
});
