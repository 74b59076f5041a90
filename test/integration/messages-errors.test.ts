/**
 * Errors of the Messages ingress come in Anthropic's shape and statuses, so the Anthropic SDK
 * raises its own classes: the gateway's 400 (BadRequestError, invalid_request_error), an
 * overloaded upstream — Anthropic's 529 or another provider's 503 — as 529 overloaded_error
 * (the SDK's OverloadedError, an InternalServerError), 429 (RateLimitError), an unknown router
 * (NotFoundError), a model no provider serves (400/404). Each router here has one provider, so
 * no fallback can hide the error.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import Anthropic, { APIError } from '@anthropic-ai/sdk';
import { startInProcess, type InProcessGateway } from '../helpers/in-process.js';
import { anthropicClient, assertAnthropicErrorBody, rejectionOf } from '../helpers/messages-sdk.js';
import { startFleet, type Fleet } from '../helpers/messages-providers.js';
import { googleError } from '../simulators/gemini.js';

let fleet: Fleet;
let gw: InProcessGateway;

before(async () => {
  fleet = await startFleet();
  gw = await startInProcess({ config: fleet.config(), env: fleet.env });
});

after(async () => {
  await gw?.close();
  await fleet?.close();
});

const client = (router: string): Anthropic => anthropicClient(`${gw.url}/router/${router}`);
const hello = { max_tokens: 64, messages: [{ role: 'user' as const, content: 'hello' }] };

/** The error the SDK raised: an APIError of `cls`, with this status and Anthropic error type. */
function assertSdkError(err: unknown, cls: new (...args: never[]) => APIError, status: number, type: string): APIError {
  assert.ok(err instanceof cls, `expected ${cls.name}, got ${String((err as Error)?.constructor?.name)}: ${String(err)}`);
  assert.equal(err.status, status, String(err));
  assert.equal(err.type, type, String(err));
  assertAnthropicErrorBody(err.error, type);
  return err;
}

describe('the gateway refuses a bad request with a 400', () => {
  test('missing max_tokens → BadRequestError invalid_request_error, nothing sent upstream', async () => {
    const before = fleet.openai.requests.length;
    const err = await rejectionOf(client('r-openai').messages.create({ model: 'gpt-4o-mini', messages: hello.messages } as unknown as Anthropic.MessageCreateParamsNonStreaming));
    const e = assertSdkError(err, Anthropic.BadRequestError, 400, 'invalid_request_error');
    assert.match(String(e.apiMessage), /max_tokens/);
    assert.equal(fleet.openai.requests.length, before);
  });

  test('a field of the wrong type, and an unknown field → 400 naming it', async () => {
    const hot = await rejectionOf(client('r-gemini').messages.create({ model: 'gemini-2.5-flash', ...hello, temperature: 'hot' } as unknown as Anthropic.MessageCreateParamsNonStreaming));
    assert.match(String(assertSdkError(hot, Anthropic.BadRequestError, 400, 'invalid_request_error').apiMessage), /temperature/);
    const extra = await rejectionOf(client('r-bedrock').messages.create({ model: 'us.anthropic.claude-haiku-4-5-20251001-v1:0', ...hello, frobnicate: true } as unknown as Anthropic.MessageCreateParamsNonStreaming));
    assert.match(String(assertSdkError(extra, Anthropic.BadRequestError, 400, 'invalid_request_error').apiMessage), /frobnicate/);
  });

  test('a streamed request that is refused is a plain HTTP 400, not a broken stream', async () => {
    const err = await rejectionOf(client('r-mistral').messages.stream({ model: 'mistral-small-latest', messages: hello.messages } as unknown as Anthropic.MessageStreamParams).finalMessage());
    assertSdkError(err, Anthropic.BadRequestError, 400, 'invalid_request_error');
  });

  test("to Anthropic, Anthropic's own 400 comes back as it sent it", async () => {
    const err = await rejectionOf(client('r-anthropic').messages.create({ model: 'claude-haiku-4-5', messages: hello.messages } as unknown as Anthropic.MessageCreateParamsNonStreaming));
    assertSdkError(err, Anthropic.BadRequestError, 400, 'invalid_request_error');
    assert.equal(fleet.anthropic.requests.at(-1)?.answer?.status, 400, 'the simulator refused it');
  });
});

describe('overloaded upstreams are 529 overloaded_error', () => {
  test("Anthropic's 529 → the SDK's OverloadedError (an InternalServerError) with status 529", async () => {
    fleet.anthropic.setNext({ kind: 'error', status: 529, message: 'Overloaded' });
    const err = await rejectionOf(client('r-anthropic').messages.create({ model: 'claude-haiku-4-5', ...hello }));
    assertSdkError(err, Anthropic.OverloadedError, 529, 'overloaded_error');
    assert.ok(err instanceof Anthropic.InternalServerError);
  });

  test("Gemini's 503 UNAVAILABLE (model overloaded) → 529 overloaded_error", async () => {
    fleet.gemini.setNext({ kind: 'error', status: 503, body: googleError(503, 'UNAVAILABLE', 'The model is overloaded. Please try again later.') });
    const err = await rejectionOf(client('r-gemini').messages.create({ model: 'gemini-2.5-flash', ...hello }));
    assertSdkError(err, Anthropic.OverloadedError, 529, 'overloaded_error');
  });

  test("OpenAI's 503 (server overloaded), on a stream before its first byte → 529 overloaded_error", async () => {
    fleet.openai.setNext({ status: 503, body: { error: { message: 'The server is overloaded or not ready yet.', type: 'server_error', param: null, code: null } } });
    const err = await rejectionOf(client('r-openai').messages.stream({ model: 'gpt-4o-mini', ...hello }).finalMessage());
    assertSdkError(err, Anthropic.OverloadedError, 529, 'overloaded_error');
  });
});

describe('other statuses', () => {
  test('429 → RateLimitError rate_limit_error, retry-after kept', async () => {
    fleet.mistral.setNext({ status: 429, body: { message: 'Requests rate limit exceeded', request_id: 'r' }, headers: { 'retry-after': '3' } });
    const err = await rejectionOf(client('r-mistral').messages.create({ model: 'mistral-small-latest', ...hello }));
    const e = assertSdkError(err, Anthropic.RateLimitError, 429, 'rate_limit_error');
    assert.equal(e.headers?.get('retry-after'), '3');
  });

  test('Azure 429 → RateLimitError', async () => {
    const err = await rejectionOf(client('r-azure').messages.create({ model: 'gpt-4o-mini', max_tokens: 64, messages: [{ role: 'user', content: 'SLOW_DOWN please' }] }));
    assertSdkError(err, Anthropic.RateLimitError, 429, 'rate_limit_error');
  });

  test('an unknown router → NotFoundError not_found_error', async () => {
    const err = await rejectionOf(client('no-such-router').messages.create({ model: 'claude-haiku-4-5', ...hello }));
    const e = assertSdkError(err, Anthropic.NotFoundError, 404, 'not_found_error');
    assert.match(String(e.apiMessage), /no-such-router/);
  });

  test('a model no provider serves → 400 or 404 in Anthropic shape, on the root and on /ai', async () => {
    for (const [base, model] of [
      [gw.url, 'no-such-model-anywhere-7b'],
      [`${gw.url}/ai`, 'no-such-provider/some-model'],
    ]) {
      const err = await rejectionOf(anthropicClient(base).messages.create({ model, ...hello }));
      assert.ok(err instanceof Anthropic.BadRequestError || err instanceof Anthropic.NotFoundError, `${model}: ${String(err)}`);
      assertAnthropicErrorBody(err.error, err.status === 404 ? 'not_found_error' : 'invalid_request_error');
      assert.ok(String(err.apiMessage).includes(model.split('/')[0]), String(err.apiMessage));
    }
  });

  test('a provider error after the stream started ends it with an error event the SDK raises', async () => {
    fleet.anthropic.setNext({ kind: 'stream-error', afterEvents: 3, type: 'overloaded_error', message: 'Overloaded mid-stream' });
    const err = await rejectionOf(client('r-anthropic').messages.stream({ model: 'claude-haiku-4-5', ...hello }).finalMessage());
    assert.ok(err instanceof Anthropic.APIError, String(err));
    assert.equal(err.type, 'overloaded_error');
    fleet.gemini.setNext({ kind: 'stream-error', afterEvents: 1, error: googleError(500, 'INTERNAL', 'An internal error has occurred.') });
    const translated = await rejectionOf(client('r-gemini').messages.stream({ model: 'gemini-2.5-flash', ...hello }).finalMessage());
    assert.ok(translated instanceof Anthropic.APIError, String(translated));
    assert.match(String(translated.type), /_error$/);
  });
});
