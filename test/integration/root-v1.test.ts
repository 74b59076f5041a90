/** The unified API at the root: an SDK with `baseURL: http://host:8080/v1` just works. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import OpenAI from 'openai';
import { startInProcess, type InProcessGateway } from '../helpers/in-process.js';
import { startOpenAISimulator, type OpenAISimulator } from '../simulators/openai.js';

const KEY = 'test-openai-key-root-v1-0123456789abcdef';

describe('root /v1', () => {
  let sim: OpenAISimulator;
  let gw: InProcessGateway;
  let client: OpenAI;

  before(async () => {
    sim = await startOpenAISimulator({ apiKey: KEY });
    gw = await startInProcess({
      config: `providers:\n  openai:\n    base-url: "${sim.url}"\n    models: [gpt-4o-mini]\n`,
      env: { OPENAI_API_KEY: KEY },
    });
    client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: 'client-key', maxRetries: 0 });
  });

  after(async () => {
    await gw?.close();
    await sim?.close();
  });

  test('chat with provider/model and with a bare model a provider lists', async () => {
    for (const model of ['openai/gpt-4o-mini', 'gpt-4o-mini']) {
      const { data, response } = await client.chat.completions.create({ model, messages: [{ role: 'user', content: 'hi' }] }).withResponse();
      assert.equal(response.headers.get('x-ai-gateway-provider'), 'openai');
      assert.ok(data.choices[0]?.message.content, model);
    }
    assert.equal(sim.requests.at(-1)?.headers.authorization, `Bearer ${KEY}`);
  });

  test('a stream, embeddings and the model list', async () => {
    const stream = await client.chat.completions.create({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], stream: true });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    assert.ok(text.length > 0);
    const embedded = await client.embeddings.create({ model: 'openai/text-embedding-3-small', input: 'hello' });
    assert.ok(embedded.data[0]?.embedding.length);
    const models = await client.models.list();
    assert.ok(models.data.some((m) => m.id === 'openai/gpt-4o-mini'));
  });

  test('other paths under /v1 are a 404 naming what is served', async () => {
    const res = await fetch(`${gw.url}/v1/no-such-endpoint`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    assert.equal(res.status, 404);
    const body = (await res.json()) as { error: { code: string; message: string } };
    assert.equal(body.error.code, 'not_found');
    assert.match(body.error.message, /chat\/completions/);
  });
});
