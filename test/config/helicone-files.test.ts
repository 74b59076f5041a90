/**
 * Every Helicone config in test/fixtures/helicone-configs (Helicone's repository, docs and tests)
 * goes through the gateway's loader and compiler: each loads, with no unknown-key warnings, and
 * every key the gateway does not act on is named.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseConfigText } from '../../src/config/load.js';
import { compileGateway } from '../../src/config/compile.js';

const ROOT = fileURLToPath(new URL('../fixtures/helicone-configs/', import.meta.url));
const ENV = { OPENAI_API_KEY: 'sk-openai-fixture-key', ANTHROPIC_API_KEY: 'sk-ant-fixture-key', GEMINI_API_KEY: 'gemini-fixture-key' };

const files = readdirSync(ROOT, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .flatMap((d) => readdirSync(join(ROOT, d.name)).map((f) => join(d.name, f)));

test('the fixture set is all there', () => {
  assert.ok(files.length >= 40, `${files.length} files`);
});

for (const file of files) {
  test(`loads unchanged: ${file}`, () => {
    const text = readFileSync(join(ROOT, file), 'utf8');
    const { config, unknownKeys } = parseConfigText(text, file, ENV);
    assert.deepEqual(unknownKeys, []);
    const compiled = compileGateway(config, ENV, { embedded: false, source: file });
    for (const id of Object.keys(config.routers)) assert.ok(compiled.routers.has(id), `router ${id}`);
    // Sections the gateway accepts without acting on are named, never dropped silently.
    if (config['cache-store']) assert.ok(compiled.notImplemented.includes('cache-store'));
    if (config.helicone) assert.ok(compiled.notImplemented.includes('helicone'));
    if (config.telemetry.level.includes(',')) assert.ok(compiled.notImplemented.some((k) => k.startsWith('telemetry.level module directives')));
  });
}

test("Helicone's own spelling of the latency strategy loads as latency", () => {
  const text = readFileSync(join(ROOT, 'repo-tests-derived/load_balance.rs__p2c.yaml'), 'utf8');
  const compiled = compileGateway(parseConfigText(text, 'p2c', ENV).config, ENV, { embedded: false, source: 'p2c' });
  assert.equal(compiled.routers.get('my-router')?.strategy.name, 'latency');
});
