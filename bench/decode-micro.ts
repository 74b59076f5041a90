/**
 * Micro-benchmark of request decoding (`node --import tsx bench/decode-micro.ts`): the decoder
 * against bare JSON.parse of the same bytes, for a bench-sized request, a tool conversation, a
 * long history and one large message. Prints ns per decode and the ratio to JSON.parse.
 */
import { decodeChatRequest } from '../src/ingress/openai-chat/decode.js';

const tools = Array.from({ length: 8 }, (_, i) => ({
  type: 'function',
  function: { name: `tool_${i}`, description: 'does a thing', parameters: { type: 'object', properties: { city: { type: 'string' }, days: { type: 'integer' } }, required: ['city'] } },
}));
const turn = (i: number) => [
  { role: 'user', content: `question ${i}: what is the weather like in Paris this week?` },
  { role: 'assistant', content: null, tool_calls: [{ id: `call_${i}`, type: 'function', function: { name: 'tool_1', arguments: '{"city":"Paris"}' } }] },
  { role: 'tool', tool_call_id: `call_${i}`, content: 'sunny, 21°C' },
  { role: 'assistant', content: `It is sunny, 21°C (answer ${i}).` },
];

const BODIES: Record<string, unknown> = {
  'bench request': { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Say hello in five words.' }], max_tokens: 64 },
  'tools, 5 turns': { model: 'gpt-4o-mini', messages: [{ role: 'system', content: 'Be brief.' }, ...Array.from({ length: 5 }, (_, i) => turn(i)).flat()], tools, temperature: 0.2, stream: true },
  'history, 200 turns': { model: 'gpt-4o-mini', messages: Array.from({ length: 200 }, (_, i) => turn(i)).flat(), tools },
  'one 1 MiB message': { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'lorem ipsum '.repeat(87_382) }] },
};

/** ns of CPU time per call (CPU time, not wall time: a busy machine steals the latter). */
function time(fn: () => unknown, minMs = 400): number {
  for (let i = 0; i < 50; i++) fn();
  let n = 0;
  const start = process.cpuUsage();
  let elapsedUs = 0;
  while (elapsedUs < minMs * 1e3) {
    for (let i = 0; i < 20; i++) fn();
    n += 20;
    const used = process.cpuUsage(start);
    elapsedUs = used.user + used.system;
  }
  return (elapsedUs * 1e3) / n;
}

for (const [name, body] of Object.entries(BODIES)) {
  const bytes = Buffer.from(JSON.stringify(body));
  const parse = time(() => JSON.parse(bytes.toString('utf8')));
  const decode = time(() => decodeChatRequest(bytes));
  console.log(`${name.padEnd(20)} ${String(bytes.length).padStart(8)} B   JSON.parse ${(parse / 1000).toFixed(1).padStart(8)} µs   decode ${(decode / 1000).toFixed(1).padStart(8)} µs   ×${(decode / parse).toFixed(2)}`);
}
