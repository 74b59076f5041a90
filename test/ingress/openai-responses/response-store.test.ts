import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ResponseStore } from '../../../src/ingress/openai-responses/response-store.js';
import type { MessageOutputItem, ResponsesContext } from '../../../src/ingress/openai-responses/types.js';

const echo = {} as ResponsesContext['echo'];
const ctx = (text: string, over: Partial<ResponsesContext> = {}): ResponsesContext => ({
  store: true, previousResponseId: null, history: [], historyBytes: 0, input: [{ type: 'message', role: 'user', content: text }], inputBytes: 10, echo, ...over,
});
const reply = (id: string, text: string): MessageOutputItem => ({ type: 'message', id, status: 'completed', role: 'assistant', content: [{ type: 'output_text', text, annotations: [] }] });

function manualClock() {
  let now = 0;
  return { clock: () => now, advance: (ms: number) => { now += ms; } };
}

describe('ResponseStore', () => {
  test('keeps the whole conversation per response; a follow-up shares the earlier items', () => {
    const store = new ResponseStore();
    store.save('resp_a', ctx('hi'), [reply('msg_a', 'hello')], 20);
    const a = store.conversation('resp_a')!;
    assert.equal(a.items.length, 2);
    assert.equal(a.bytes, 30);
    store.save('resp_b', ctx('again', { previousResponseId: 'resp_a', history: a.items, historyBytes: a.bytes }), [reply('msg_b', 'yes')], 20);
    const b = store.conversation('resp_b')!;
    assert.equal(b.items.length, 4);
    assert.equal(b.items[0], a.items[0], 'earlier items are shared, not copied');
    assert.equal(b.bytes, 60);
    assert.equal(store.bytes, 90);
    assert.equal(store.item('msg_b'), b.items[3]);
  });

  test('store: false keeps nothing', () => {
    const store = new ResponseStore();
    store.save('resp_a', ctx('hi', { store: false }), [reply('msg_a', 'x')], 5);
    assert.equal(store.size, 0);
    assert.equal(store.item('msg_a'), undefined);
  });

  test('at most maxEntries: the least recently used goes first, and its items with it', () => {
    const store = new ResponseStore({ maxEntries: 2 });
    store.save('r1', ctx('1'), [reply('m1', '1')], 1);
    store.save('r2', ctx('2'), [reply('m2', '2')], 1);
    assert.ok(store.conversation('r1'), 'reading r1 makes r2 the oldest');
    store.save('r3', ctx('3'), [reply('m3', '3')], 1);
    assert.equal(store.size, 2);
    assert.equal(store.conversation('r2'), undefined);
    assert.equal(store.item('m2'), undefined);
    assert.ok(store.conversation('r1'));
    assert.ok(store.item('m3'));
  });

  test('at most maxBytes; a conversation larger than the cap alone is not kept', () => {
    const store = new ResponseStore({ maxBytes: 100 });
    store.save('r1', ctx('1'), [], 30); // 40
    store.save('r2', ctx('2'), [], 30); // 80
    store.save('r3', ctx('3'), [], 30); // 120 > 100: r1 goes
    assert.equal(store.conversation('r1'), undefined);
    assert.equal(store.bytes, 80);
    store.save('big', ctx('b'), [], 200);
    assert.equal(store.conversation('big'), undefined);
    assert.equal(store.size, 2, 'a refused entry evicts nothing');
  });

  test('entries expire after ttlMs without use (lazily on read, swept on save)', () => {
    const { clock, advance } = manualClock();
    const store = new ResponseStore({ ttlMs: 1000, clock });
    store.save('r1', ctx('1'), [reply('m1', '1')], 1);
    store.save('r2', ctx('2'), [], 1);
    advance(600);
    assert.ok(store.conversation('r2'), 'a read renews r2');
    advance(600);
    assert.equal(store.conversation('r1'), undefined, 'expired on read');
    assert.equal(store.item('m1'), undefined);
    assert.ok(store.conversation('r2'));
    advance(1000);
    store.save('r3', ctx('3'), [], 1);
    assert.equal(store.size, 1, 'the sweep on save dropped r2');
    assert.equal(store.bytes, 11);
  });

  test('defaults: 10,000 entries', () => {
    const store = new ResponseStore();
    for (let i = 0; i < 10_005; i++) store.save(`r${i}`, ctx('x'), [], 1);
    assert.equal(store.size, 10_000);
    assert.equal(store.conversation('r4'), undefined);
    assert.ok(store.conversation('r5'));
  });
});
