/**
 * Azure OpenAI simulator for tests (node:http on 127.0.0.1, random port), in Azure's wire format.
 *
 *   const sim = await startAzureSimulator({ apiKey: 'test-key', deployments: ['my-mini', 'gpt-4o-mini'] });
 *   sim.url        base URL as a resource URL (`http://127.0.0.1:PORT/`)
 *   sim.requests   every request received: { method, path, headers, body } (body parsed JSON or raw text)
 *   sim.setNext(b) the next request gets { status, body, headers? } instead of the normal answer
 *   await sim.close()
 *
 * Routes (both of Azure's surfaces):
 * - POST /openai/v1/chat/completions, /openai/v1/embeddings, /openai/v1/responses — the deployment
 *   is the body's `model`. Responses are OpenAI's (JSON or the typed event stream; see
 *   responses-wire.ts), deterministic for the same body.
 * - POST /openai/deployments/{deployment}/chat/completions?api-version=…, …/embeddings?api-version=…
 *   — without `api-version`, 404 `{"error":{"code":"404","message":"Resource not found"}}`, as Azure does.
 * An unknown deployment is 404 `DeploymentNotFound`. The key must come in `api-key` (401
 * `{"error":{"code":"401",…}}` otherwise, also when only `Authorization` is sent).
 *
 * Chat answers carry Azure's extras: `prompt_filter_results` and per-choice
 * `content_filter_results`. A stream starts with Azure's chunk that has `choices: []`, empty
 * `id`/`model` and only `prompt_filter_results`; a usage chunk follows when
 * `stream_options.include_usage` is set. `tools` → one `get_weather` call. Triggers in the last
 * user message: `BLOCK_ME` → 400 `content_filter` with `innererror.content_filter_result`
 * (violence: high, jailbreak detected); `CUT_ME` → the answer cut with `finish_reason:
 * "content_filter"`; `SLOW_DOWN` → 429 with `retry-after: 7` and `retry-after-ms: 6500`.
 */
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import { listenLocally } from '../helpers/listen.js';
import { onBody } from './read-body.js';
import { responsesAnswer, responsesStreamEvents, type ResponsesBody } from './responses-wire.js';

export interface AzureRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: unknown;
}

export interface AzureSimulator {
  url: string;
  requests: AzureRequest[];
  setNext(behaviour: { status: number; body: unknown; headers?: Record<string, string> }): void;
  close(): Promise<void>;
}

interface ChatBody {
  model?: string;
  stream?: boolean;
  stream_options?: { include_usage?: boolean };
  tools?: unknown[];
  messages?: Array<{ role?: string; content?: unknown }>;
  input?: unknown;
}

const SAFE = { filtered: false, severity: 'safe' };
const CHOICE_FILTERS = { hate: SAFE, self_harm: SAFE, sexual: SAFE, violence: SAFE };
const PROMPT_FILTERS = [{ prompt_index: 0, content_filter_results: { ...CHOICE_FILTERS, jailbreak: { filtered: false, detected: false } } }];
const CUT_FILTERS = { ...CHOICE_FILTERS, sexual: { filtered: true, severity: 'medium' } };
const USAGE = { completion_tokens: 9, prompt_tokens: 14, total_tokens: 23, completion_tokens_details: { reasoning_tokens: 0 }, prompt_tokens_details: { cached_tokens: 0 } };

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', 'apim-request-id': '6c1f2b0e-4d7a-4a8e-9b1c-2f3e4d5a6b7c', ...headers });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
}

function lastUserText(body: ChatBody): string {
  const user = [...(body.messages ?? [])].reverse().find((m) => m.role === 'user');
  return typeof user?.content === 'string' ? user.content : JSON.stringify(user?.content ?? '');
}

/** Azure's answer to a prompt its content filter blocks. */
export const CONTENT_FILTER_ERROR = {
  error: {
    message:
      "The response was filtered due to the prompt triggering Azure OpenAI's content management policy. Please modify your prompt and retry. To learn more about our content filtering policies please read our documentation: https://go.microsoft.com/fwlink/?linkid=2198766",
    type: null,
    param: 'prompt',
    code: 'content_filter',
    status: 400,
    innererror: {
      code: 'ResponsibleAIPolicyViolation',
      content_filter_result: {
        hate: SAFE,
        jailbreak: { filtered: true, detected: true },
        self_harm: SAFE,
        sexual: SAFE,
        violence: { filtered: true, severity: 'high' },
      },
    },
  },
};

const RATE_LIMITED = {
  error: {
    code: '429',
    message:
      'Requests to the ChatCompletions_Create Operation under Azure OpenAI API version 2024-10-21 have exceeded token rate limit of your current AIServices S0 pricing tier. Please retry after 7 seconds.',
  },
};

const TOOL_CALL = { id: 'call_Rk3XgA1o0mXcZl0VwJ4p2nQe', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } };

function completion(body: ChatBody, cut: boolean): unknown {
  const tools = (body.tools?.length ?? 0) > 0;
  const message = tools
    ? { role: 'assistant', content: null, refusal: null, annotations: [], tool_calls: [TOOL_CALL] }
    : { role: 'assistant', content: cut ? 'Once upon' : 'Bonjour from Azure ✓', refusal: null, annotations: [] };
  return {
    choices: [
      {
        content_filter_results: cut ? CUT_FILTERS : CHOICE_FILTERS,
        finish_reason: tools ? 'tool_calls' : cut ? 'content_filter' : 'stop',
        index: 0,
        logprobs: null,
        message,
      },
    ],
    created: 1764590400,
    id: 'chatcmpl-CHd0q9Xo1mJ8zT0b7QeA2sLk4pNv',
    model: 'gpt-4o-mini-2024-07-18',
    object: 'chat.completion',
    prompt_filter_results: PROMPT_FILTERS,
    system_fingerprint: 'fp_efad92c60b',
    usage: USAGE,
  };
}

function streamEvents(body: ChatBody, cut: boolean): unknown[] {
  const base = { created: 1764590400, id: 'chatcmpl-CHd0q9Xo1mJ8zT0b7QeA2sLk4pNv', model: 'gpt-4o-mini-2024-07-18', object: 'chat.completion.chunk', system_fingerprint: 'fp_efad92c60b' };
  const usage = body.stream_options?.include_usage === true;
  const choice = (delta: object, finish: string | null, filters: object = CHOICE_FILTERS) => ({
    ...base,
    choices: [{ content_filter_results: finish === null && Object.keys(delta).includes('role') ? {} : filters, delta, finish_reason: finish, index: 0, logprobs: null }],
    ...(usage ? { usage: null } : {}),
  });
  const events: unknown[] = [{ choices: [], created: 0, id: '', model: '', object: '', prompt_filter_results: PROMPT_FILTERS }];
  if ((body.tools?.length ?? 0) > 0) {
    events.push(
      choice({ role: 'assistant', content: null, refusal: null, tool_calls: [{ index: 0, ...TOOL_CALL, function: { name: 'get_weather', arguments: '' } }] }, null),
      choice({ tool_calls: [{ index: 0, function: { arguments: '{"city":' } }] }, null),
      choice({ tool_calls: [{ index: 0, function: { arguments: '"Paris"}' } }] }, null),
      choice({}, 'tool_calls'),
    );
  } else {
    events.push(choice({ role: 'assistant', content: '', refusal: null }, null));
    const pieces = cut ? ['Once', ' upon'] : ['Bonjour', ' from', ' Azure ✓'];
    for (const content of pieces) events.push(choice({ content }, null));
    events.push(cut ? choice({}, 'content_filter', CUT_FILTERS) : choice({}, 'stop'));
  }
  if (usage) events.push({ ...base, choices: [], usage: USAGE });
  return events;
}

/** `/openai/deployments/{d}/{endpoint}` or `/openai/v1/{endpoint}` → the deployment and endpoint. */
function route(url: URL, body: ChatBody): { deployment: string | undefined; endpoint: string; versionMissing: boolean } | undefined {
  const v1 = /^\/openai\/v1\/(chat\/completions|embeddings|responses)$/.exec(url.pathname);
  if (v1) return { deployment: body.model, endpoint: v1[1], versionMissing: false };
  const deployed = /^\/openai\/deployments\/([^/]+)\/(chat\/completions|embeddings)$/.exec(url.pathname);
  if (deployed) return { deployment: decodeURIComponent(deployed[1]), endpoint: deployed[2], versionMissing: !url.searchParams.get('api-version') };
  return undefined;
}

export async function startAzureSimulator(opts: { apiKey: string; deployments: string[] }): Promise<AzureSimulator> {
  const requests: AzureRequest[] = [];
  const deployments = new Set(opts.deployments);
  let next: { status: number; body: unknown; headers?: Record<string, string> } | undefined;

  const server = createServer((req, res) => {
    onBody(req, (body) => {
      const path = req.url ?? '/';
      requests.push({ method: req.method ?? '', path, headers: req.headers, body });
      if (req.headers['api-key'] !== opts.apiKey) {
        sendJson(res, 401, {
          error: {
            code: '401',
            message:
              'Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.',
          },
        });
        return;
      }
      const behaviour = next;
      next = undefined;
      if (behaviour) {
        sendJson(res, behaviour.status, behaviour.body, behaviour.headers);
        return;
      }
      const chat = (typeof body === 'object' && body !== null ? body : {}) as ChatBody;
      const found = req.method === 'POST' ? route(new URL(path, 'http://sim'), chat) : undefined;
      if (!found || found.versionMissing) {
        sendJson(res, 404, { error: { code: '404', message: 'Resource not found' } });
        return;
      }
      if (found.deployment === undefined || !deployments.has(found.deployment)) {
        sendJson(res, 404, {
          error: {
            code: 'DeploymentNotFound',
            message: 'The API deployment for this resource does not exist. If you created the deployment within the last 5 minutes, please wait a moment and try again.',
          },
        });
        return;
      }
      if (found.endpoint === 'embeddings') {
        const inputs = Array.isArray(chat.input) ? chat.input : [chat.input];
        sendJson(res, 200, {
          object: 'list',
          data: inputs.map((_, index) => ({ object: 'embedding', index, embedding: [0.125, -0.25 + index] })),
          model: 'text-embedding-3-small',
          usage: { prompt_tokens: inputs.length * 2, total_tokens: inputs.length * 2 },
        });
        return;
      }
      if (found.endpoint === 'responses') {
        const ask = chat as ResponsesBody;
        if (!ask.stream) return sendJson(res, 200, responsesAnswer(ask));
        res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'apim-request-id': '6c1f2b0e-4d7a-4a8e-9b1c-2f3e4d5a6b7c' });
        for (const event of responsesStreamEvents(ask)) res.write(event);
        res.end();
        return;
      }
      const said = lastUserText(chat);
      if (said.includes('BLOCK_ME')) return sendJson(res, 400, CONTENT_FILTER_ERROR);
      if (said.includes('SLOW_DOWN')) return sendJson(res, 429, RATE_LIMITED, { 'retry-after': '7', 'retry-after-ms': '6500' });
      const cut = said.includes('CUT_ME');
      if (!chat.stream) return sendJson(res, 200, completion(chat, cut));
      res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'apim-request-id': '6c1f2b0e-4d7a-4a8e-9b1c-2f3e4d5a6b7c' });
      for (const event of streamEvents(chat, cut)) res.write(`data: ${JSON.stringify(event)}\n\n`);
      res.end('data: [DONE]\n\n');
    });
  });

  const listening = await listenLocally(server);
  return {
    url: listening.url,
    requests,
    setNext(behaviour) {
      next = behaviour;
    },
    close: listening.close,
  };
}
