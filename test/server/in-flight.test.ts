/** The in-flight registry: an intrusive list, so order of removal and double removal matter. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { InFlight } from '../../src/server/in-flight.js';
import { RequestContext } from '../../src/server/context.js';

function context(): RequestContext {
  const res = { on: () => res, shouldKeepAlive: true, headersSent: false } as unknown as ServerResponse;
  return new RequestContext({ headers: {} } as IncomingMessage, res);
}

describe('in-flight registry', () => {
  test('counts, iterates and unlinks from the head, the middle and the tail', () => {
    const registry = new InFlight();
    const [a, b, c, d] = [context(), context(), context(), context()];
    for (const ctx of [a, b, c, d]) registry.add(ctx);
    assert.equal(registry.size, 4);
    registry.remove(b);
    registry.remove(d);
    assert.deepEqual([...registry], [c, a]);
    registry.remove(a);
    assert.deepEqual([...registry], [c]);
    registry.remove(c);
    assert.equal(registry.size, 0);
    assert.deepEqual([...registry], []);
  });

  test('a second removal of the same request changes nothing and is not reported', () => {
    const registry = new InFlight();
    const [a, b] = [context(), context()];
    registry.add(a);
    registry.add(b);
    let changes = 0;
    registry.drain(() => changes++);
    registry.remove(a);
    registry.remove(a);
    assert.equal(registry.size, 1);
    assert.equal(changes, 1);
    assert.deepEqual([...registry], [b]);
  });

  test('while draining, a new request is served with connection: close', () => {
    const registry = new InFlight();
    registry.drain(() => undefined);
    const late = context();
    registry.add(late);
    assert.equal(late.res.shouldKeepAlive, false);
  });
});
