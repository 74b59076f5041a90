/** `dispatcher.max-response-size`: bytes, 64 MiB by default, settable from YAML or the environment. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseConfigText } from '../../src/config/load.js';

const parse = (yaml: string, env: Record<string, string> = {}) => parseConfigText(yaml, 'test config', env).config;

test('defaults to 64 MiB', () => {
  assert.equal(parse('{}').dispatcher['max-response-size'], 64 * 1024 * 1024);
});

test('set in YAML or by AI_GATEWAY__DISPATCHER__MAX_RESPONSE_SIZE', () => {
  assert.equal(parse('dispatcher:\n  max-response-size: 1048576\n').dispatcher['max-response-size'], 1048576);
  assert.equal(parse('{}', { AI_GATEWAY__DISPATCHER__MAX_RESPONSE_SIZE: '2097152' }).dispatcher['max-response-size'], 2097152);
});

test('must be a positive whole number of bytes', () => {
  for (const bad of ['0', '-1', '1.5', '"64MiB"']) {
    assert.throws(() => parse(`dispatcher:\n  max-response-size: ${bad}\n`), /max-response-size/, bad);
  }
});
