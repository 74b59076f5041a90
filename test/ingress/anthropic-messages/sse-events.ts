/** Parses the SSE text a MessagesStreamEncoder wrote into `{event, data}` pairs, checking the framing. */
import assert from 'node:assert/strict';

export interface ParsedEvent {
  event: string;
  data: Record<string, unknown>;
}

export function parseEvents(sse: string): ParsedEvent[] {
  assert.ok(sse.endsWith('\n\n'), 'every event ends with a blank line');
  return sse
    .trim()
    .split('\n\n')
    .map((frame) => {
      const match = /^event: ([a-z_]+)\ndata: (.*)$/s.exec(frame);
      assert.ok(match, `not an SSE event: ${JSON.stringify(frame)}`);
      const data = JSON.parse(match[2]!) as Record<string, unknown>;
      assert.equal(data.type, match[1], 'the event name is the data type');
      return { event: match[1]!, data };
    });
}
