import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import Anthropic from '@anthropic-ai/sdk';
import { GatewayError, invalidRequest } from '../../../src/core/gateway-error.js';
import { messagesErrorResponse } from '../../../src/ingress/anthropic-messages/index.js';
import { listenLocally } from '../../helpers/listen.js';

const CASES: Array<[GatewayError, number, string, new (...args: never[]) => Error]> = [
  [invalidRequest("Invalid type for 'max_tokens'", 'max_tokens'), 400, 'invalid_request_error', Anthropic.BadRequestError],
  [new GatewayError({ status: 401, message: 'bad key' }), 401, 'authentication_error', Anthropic.AuthenticationError],
  [new GatewayError({ status: 403, message: 'no' }), 403, 'permission_error', Anthropic.PermissionDeniedError],
  [new GatewayError({ status: 404, message: 'unknown router' }), 404, 'not_found_error', Anthropic.NotFoundError],
  [new GatewayError({ status: 413, message: 'too big' }), 413, 'request_too_large', Anthropic.APIError],
  [new GatewayError({ status: 429, message: 'slow down', retryAfter: 7 }), 429, 'rate_limit_error', Anthropic.RateLimitError],
  [new GatewayError({ status: 500, message: 'boom' }), 500, 'api_error', Anthropic.InternalServerError],
  [new GatewayError({ status: 502, message: 'upstream closed' }), 502, 'api_error', Anthropic.InternalServerError],
  [new GatewayError({ status: 503, message: 'gemini: overloaded', code: 'overloaded_error' }), 529, 'overloaded_error', Anthropic.InternalServerError],
  [new GatewayError({ status: 504, message: 'deadline' }), 504, 'timeout_error', Anthropic.InternalServerError],
];

describe('Anthropic Messages error responses', () => {
  test("statuses and types are Anthropic's", () => {
    for (const [error, status, type] of CASES) {
      const response = messagesErrorResponse(error);
      assert.equal(response.status, status, error.message);
      assert.deepEqual(response.body, { type: 'error', error: { type, message: error.message } });
    }
    assert.deepEqual(messagesErrorResponse(CASES[5]![0]).headers, { 'retry-after': '7' });
    assert.equal(messagesErrorResponse(CASES[0]![0]).headers, undefined);
  });

  test('the Anthropic SDK raises its own error classes for them', async () => {
    let current = CASES[0]![0];
    const server = createServer((req, res) => {
      req.resume();
      const { status, body, headers } = messagesErrorResponse(current);
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(body));
    });
    const upstream = await listenLocally(server);
    try {
      const client = new Anthropic({ apiKey: 'k', baseURL: upstream.url, maxRetries: 0 });
      for (const [error, status, type, errorClass] of CASES) {
        current = error;
        await assert.rejects(client.messages.create({ model: 'claude-haiku-4-5', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] }), (err: unknown) => {
          assert.ok(err instanceof errorClass, `${status}: ${String(err)}`);
          assert.ok(err instanceof Anthropic.APIError);
          assert.equal(err.status, status);
          assert.equal((err.error as { error: { type: string } }).error.type, type);
          assert.match(err.message, new RegExp(error.message.replace(/[()']/g, '.')));
          return true;
        });
      }
    } finally {
      await upstream.close();
    }
  });
});
