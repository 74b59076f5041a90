/** The access line is byte-for-byte what pino writes for the same fields (apart from the time). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pino } from 'pino';
import { AccessLog, type AccessEntry } from '../../src/observability/access-log.js';

const withoutTime = (line: string) => line.replace(/"time":\d+,/, '"time":0,');

test('same line as pino for full, sparse and awkward entries', () => {
  const entries: AccessEntry[] = [
    { requestId: 'req-1', method: 'POST', path: '/router/pass/chat/completions', status: 200, provider: 'openai', attempts: 1, ms: 0.4, outcome: 'ok' },
    { requestId: 'r', method: undefined, path: undefined, status: 404, provider: undefined, attempts: undefined, ms: 12, outcome: 'error' },
    { requestId: 's', method: 'POST', path: '/ai/chat/completions', status: 200, provider: 'gemini', attempts: 2, ms: 9, outcome: 'interrupted' },
    { requestId: 'quote"back\\slash\nnewline é 😀', method: 'GET', path: '/a"b/\u2028', status: 499, provider: 'anthropic', attempts: 3, ms: 1234.5, outcome: 'client_gone' },
  ];
  for (const entry of entries) {
    const ours: string[] = [];
    const theirs: string[] = [];
    const logger = pino({ base: undefined }, { write: (l: string) => theirs.push(l) });
    new AccessLog({ write: (l: string) => ours.push(l) }, logger).write(entry);
    logger.info({ ...entry }, 'request');
    assert.equal(ours.length, 1);
    assert.equal(withoutTime(ours[0]!), withoutTime(theirs[0]!));
    assert.ok(Math.abs((JSON.parse(ours[0]!) as { time: number }).time - Date.now()) < 5000);
  }
});

test('follows the logger level', () => {
  const logger = pino({ level: 'warn' }, { write: () => undefined });
  assert.equal(new AccessLog({ write: () => undefined }, logger).enabled, false);
  logger.level = 'info';
  assert.equal(new AccessLog({ write: () => undefined }, logger).enabled, true);
});
