/**
 * Micro-benchmark of the credential scrubber on relayed chunks: `node --import tsx bench/scrub-micro.ts`.
 *
 * For chunk shapes a proxy relays (one SSE event, a 4 KiB and a 64 KiB JSON piece) and key sets
 * (none; the bench's two short keys; key-length fake OpenAI + Anthropic keys; those plus AWS with a
 * session token), prints the cost per chunk of the stream scrubber and of the header scan, next
 * to a plain `Buffer.subarray` as the floor. Single-threaded, so it measures CPU per chunk.
 */
import { Scrubber } from '../src/secrets/scrubber.js';

const KEY_SETS: Record<string, string[]> = {
  'no keys': [],
  'bench keys (2 × 16-19 ch)': ['bench-openai-key', 'bench-anthropic-key'],
  'openai + anthropic (80 + 123 ch)': [
    'test-openai-fake-key-Qm4Xr7Tz2Lp9Wv5Nb8Kc3Hd6Jf1Gs0Ya7Ue4Io2Ph9Ol5Ik3Mj8Nh6Bg1Vf',
    'test-anthropic-fake-key-Zq9Wx8Ec7Rv6Tb5Yn4Um3Ik2Ol1Pz0Aq9Sw8De7Fr6Gt5Hy4Uj3Ki2Lo1Mn0Bv9Cx8Za7-ZyXwVuAA-Pq8Rs7Tu6Vw5Xy4Za3Bc',
  ],
  '+ aws with session token': [
    'test-openai-fake-key-Qm4Xr7Tz2Lp9Wv5Nb8Kc3Hd6Jf1Gs0Ya7Ue4Io2Ph9Ol5Ik3Mj8Nh6Bg1Vf',
    'test-anthropic-fake-key-Zq9Wx8Ec7Rv6Tb5Yn4Um3Ik2Ol1Pz0Aq9Sw8De7Fr6Gt5Hy4Uj3Ki2Lo1Mn0Bv9Cx8Za7-ZyXwVuAA-Pq8Rs7Tu6Vw5Xy4Za3Bc',
    'TESTFAKEACCESSKEY001',
    'test-fake-aws-secret/K7MDENG/bPxRfiFAKEK',
    'test-fake-session-' + 'Ab9Cd8Ef7Gh6Ij5Kl4Mn3Op2Qr1St0Uv/Wx+Yz'.repeat(20),
  ],
};

const event = Buffer.from(
  'data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{"content":" the quick brown fox"},"finish_reason":null}]}\n\n',
);
const json = (size: number): Buffer => {
  let text = '{"choices":[{"message":{"content":"';
  while (text.length < size - 4) text += 'Lorem ipsum dolor sit amet, consectetur adipiscing elit. ';
  return Buffer.from(text.slice(0, size - 4) + '"}]}');
};
const CHUNKS: Record<string, Buffer> = { 'SSE event (197 B)': event, 'JSON 4 KiB': json(4096), 'JSON 64 KiB': json(65536) };

const HEADERS = {
  'content-type': 'application/json',
  'x-request-id': 'req_01HZX9QK4T4A3Q4Z4Y7V2M8N6B',
  'openai-processing-ms': '312',
  'openai-organization': 'org-abc',
  'x-ratelimit-remaining-requests': '9999',
  'x-ratelimit-remaining-tokens': '199000',
  'cf-ray': '8c1e2f3a4b5c6d7e-FRA',
  date: 'Tue, 01 Dec 2026 14:00:00 GMT',
};

function nsPer(fn: () => void, minMs = 300): number {
  for (let i = 0; i < 2000; i++) fn();
  let n = 0;
  const start = process.hrtime.bigint();
  let elapsed = 0n;
  while (elapsed < BigInt(minMs) * 1_000_000n) {
    for (let i = 0; i < 1000; i++) fn();
    n += 1000;
    elapsed = process.hrtime.bigint() - start;
  }
  return Number(elapsed) / n;
}

let sink = 0;
console.log('cost per chunk (ns); floor = Buffer.subarray');
for (const [chunkName, chunk] of Object.entries(CHUNKS)) {
  const floor = nsPer(() => void (sink += chunk.subarray(0).length));
  const cells = Object.entries(KEY_SETS).map(([keysName, keys]) => {
    const scrubber = new Scrubber(keys);
    const stream = scrubber.stream();
    const ns = nsPer(() => void (sink += stream.write(chunk).length));
    return `${keysName}: ${ns.toFixed(0)}`;
  });
  console.log(`${chunkName.padEnd(18)} floor ${floor.toFixed(0)} | ${cells.join(' | ')}`);
}
const headerCells = Object.entries(KEY_SETS).map(([keysName, keys]) => {
  const scrubber = new Scrubber(keys);
  return `${keysName}: ${nsPer(() => scrubber.scrubHeaders({ ...HEADERS })).toFixed(0)}`;
});
console.log(`${'headers (8)'.padEnd(18)} ${headerCells.join(' | ')}  (includes the object copy)`);
if (sink === -1) console.log(sink);
