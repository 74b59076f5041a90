/**
 * The request pipeline, in process against src: the typed events every endpoint emits, in
 * order, with provider and credential; the policy hooks before and after; and that an observer's
 * failure never reaches the request it observes.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { GatewayError } from '../../src/core/gateway-error.js';
import type { PipelineEvent, RequestDone } from '../../src/core/pipeline-events.js';
import type { Policy, PolicyRequest } from '../../src/policies/policy.js';
import { startInProcess, type InProcessGateway } from '../helpers/in-process.js';
import { openaiAndAnthropicAt } from '../helpers/gateway-with-simulator.js';
import { startAnthropicSimulator, type AnthropicSimulator } from '../simulators/anthropic.js';
import { startOpenAISimulator, type OpenAISimulator } from '../simulators/openai.js';

const OPENAI_KEY = 'test-openai-key-pipeline-0123456789';
const ANTHROPIC_KEY = 'test-anthropic-key-pipeline-0123456789';

describe('pipeline events and policies', () => {
  let openai: OpenAISimulator;
  let anthropic: AnthropicSimulator;
  let gw: InProcessGateway;
  let events: PipelineEvent[] = [];
  let oa: OpenAI;

  before(async () => {
    openai = await startOpenAISimulator({ apiKey: OPENAI_KEY });
    anthropic = await startAnthropicSimulator({ apiKey: ANTHROPIC_KEY });
    gw = await startInProcess({
      config: openaiAndAnthropicAt(openai.url, '', { anthropicUrl: anthropic.url, openaiModels: ['gpt-4o-mini', 'shared-model'], anthropicModels: ['claude-3-5-haiku-latest', 'shared-model'] }),
      env: { OPENAI_API_KEY: OPENAI_KEY, ANTHROPIC_API_KEY: ANTHROPIC_KEY },
    });
    gw.gateway.bus.subscribe((e) => events.push(e));
    oa = new OpenAI({ baseURL: `${gw.url}/router/oa/v1`, apiKey: 'client-key', maxRetries: 0 });
  });

  after(async () => {
    await gw?.close();
    await openai?.close();
    await anthropic?.close();
  });

  /** The done event comes when the response closes, a moment after the client has its answer. */
  async function settled(): Promise<PipelineEvent[]> {
    for (let i = 0; i < 100 && !events.some((e) => e.type === 'done'); i++) await new Promise((r) => setTimeout(r, 10));
    const out = events;
    events = [];
    return out;
  }

  test('a piped chat request: request → attempt_start → first_byte → usage → attempt_end → done, naming provider and credential', async () => {
    events = [];
    await oa.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
    const seen = await settled();
    // A piped JSON answer is committed at its first byte (the attempt ends there); its usage is
    // read as the rest is relayed, so it may come before or after attempt_end.
    const types = seen.map((e) => e.type);
    assert.deepEqual(types.filter((t) => t !== 'usage'), ['request', 'attempt_start', 'first_byte', 'attempt_end', 'done']);
    assert.ok(types.indexOf('usage') > types.indexOf('first_byte') && types.indexOf('usage') < types.indexOf('done'), types.join());
    const [request, start, , end, done] = seen.filter((e) => e.type !== 'usage') as [Extract<PipelineEvent, { type: 'request' }>, Extract<PipelineEvent, { type: 'attempt_start' }>, PipelineEvent, Extract<PipelineEvent, { type: 'attempt_end' }>, RequestDone];
    assert.equal(request.endpoint, 'chat');
    assert.equal(request.route, 'oa');
    assert.equal(request.dialect, 'openai-chat');
    assert.equal(request.model, 'gpt-4o-mini');
    assert.equal(start.provider, 'openai');
    assert.equal(start.credential, `env:OPENAI_API_KEY …${OPENAI_KEY.slice(-4)}`);
    assert.equal(start.mode, 'piped');
    assert.equal(end.ok, true);
    assert.equal(done.status, 200);
    assert.equal(done.outcome, 'ok');
    assert.equal(done.attempts, 1);
    // No event carries the secret.
    assert.ok(!JSON.stringify(seen).includes(OPENAI_KEY));
  });

  test('a translated stream reports usage, from the Messages endpoint too', async () => {
    events = [];
    const an = new OpenAI({ baseURL: `${gw.url}/router/an/v1`, apiKey: 'client-key', maxRetries: 0 });
    const stream = await an.chat.completions.create({ model: 'claude-3-5-haiku-latest', messages: [{ role: 'user', content: 'hi' }], stream: true });
    for await (const _ of stream) void _;
    let seen = await settled();
    const start = seen.find((e) => e.type === 'attempt_start');
    assert.equal(start?.type === 'attempt_start' && start.mode, 'translated');
    const usage = seen.find((e) => e.type === 'usage');
    assert.ok(usage && usage.type === 'usage' && usage.usage.prompt_tokens > 0, JSON.stringify(seen));

    const client = new Anthropic({ baseURL: `${gw.url}/router/oa`, apiKey: 'client-key', maxRetries: 0 });
    await client.messages.create({ model: 'gpt-4o-mini', max_tokens: 20, messages: [{ role: 'user', content: 'hi' }] });
    seen = await settled();
    const request = seen.find((e) => e.type === 'request');
    assert.equal(request?.type === 'request' && request.endpoint, 'messages');
    assert.ok(seen.some((e) => e.type === 'usage'));
  });

  test('a fallback: one failed attempt with its error, then the one that answered', async () => {
    events = [];
    // A bare model both list: /ai tries them in configuration order; the first one fails.
    const [first, second] = [...gw.compiled.providers.keys()].filter((n) => n === 'openai' || n === 'anthropic');
    if (first === 'anthropic') anthropic.setNext({ kind: 'error', status: 500, type: 'api_error', message: 'boom' });
    else openai.setNext({ status: 500 });
    const res = await fetch(`${gw.url}/ai/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'shared-model', messages: [{ role: 'user', content: 'hi' }] }),
    });
    assert.equal(res.status, 200);
    await res.text();
    const seen = (await settled()).filter((e) => e.type === 'attempt_start' || e.type === 'attempt_end');
    assert.deepEqual(
      seen.map((e) => `${e.type}:${e.provider}${e.type === 'attempt_end' ? `:${e.ok}` : ''}`),
      [`attempt_start:${first}`, `attempt_end:${first}:false`, `attempt_start:${second}`, `attempt_end:${second}:true`],
    );
    const failed = seen[1];
    assert.equal(failed.type === 'attempt_end' && failed.error?.status, 500);
  });

  test('an observer that throws does not disturb the request', async () => {
    const unsubscribe = gw.gateway.bus.subscribe(() => {
      throw new Error('observer bug');
    });
    try {
      const done = await oa.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
      assert.ok(done.choices[0]?.message.content);
    } finally {
      unsubscribe();
    }
  });

  test('a policy refuses before any provider is tried, in the client’s dialect; after-hooks see the outcome', async () => {
    const before: PolicyRequest[] = [];
    const afterDone: RequestDone[] = [];
    const policy: Policy = {
      name: 'test-deny',
      before(request) {
        before.push(request);
        return request.headers['x-deny'] === 'yes' ? new GatewayError({ status: 403, type: 'permission_error', code: 'denied', message: 'Denied by test policy.' }) : undefined;
      },
      after: (_request, done) => afterDone.push(done),
    };
    gw.gateway.policies.push(policy);
    const seenBefore = openai.requests.length;
    try {
      const denied = await fetch(`${gw.url}/router/oa/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-deny': 'yes' },
        body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }),
      });
      assert.equal(denied.status, 403);
      assert.deepEqual(await denied.json(), { error: { message: 'Denied by test policy.', type: 'permission_error', param: null, code: 'denied' } });

      const client = new Anthropic({ baseURL: `${gw.url}/router/oa`, apiKey: 'client-key', maxRetries: 0, defaultHeaders: { 'x-deny': 'yes' } });
      await assert.rejects(client.messages.create({ model: 'gpt-4o-mini', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] }), (err: unknown) => {
        assert.ok(err instanceof Anthropic.PermissionDeniedError);
        assert.deepEqual((err as { error: unknown }).error, { type: 'error', error: { type: 'permission_error', message: 'Denied by test policy.' } });
        return true;
      });
      assert.equal(openai.requests.length, seenBefore, 'no provider was tried');

      const ok = await oa.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
      assert.ok(ok.choices[0]);
      for (let i = 0; i < 100 && afterDone.length < 3; i++) await new Promise((r) => setTimeout(r, 10));
      assert.deepEqual(afterDone.map((d) => d.status), [403, 403, 200]);
      assert.deepEqual(before.map((r) => r.endpoint), ['chat', 'messages', 'chat']);
    } finally {
      gw.gateway.policies.length = 0;
    }
  });
});
