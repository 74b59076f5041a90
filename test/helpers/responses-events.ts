/**
 * Reading Responses streams in tests: the events the official SDK parsed, their types with runs
 * of deltas folded, and the checks every stream must pass (sequence numbers 0, 1, 2, … and one
 * terminal event).
 */
import assert from 'node:assert/strict';
import type OpenAI from 'openai';

type Event = OpenAI.Responses.ResponseStreamEvent;

/** The typed sequence of a streamed text answer, each run of deltas written once. */
export const TEXT_SEQUENCE = [
  'response.created',
  'response.in_progress',
  'response.output_item.added',
  'response.content_part.added',
  'response.output_text.delta',
  'response.output_text.done',
  'response.content_part.done',
  'response.output_item.done',
  'response.completed',
];

/** Event types in order, consecutive events of the same delta type folded into one. */
export function folded(events: Event[]): string[] {
  const out: string[] = [];
  for (const e of events) if (!(e.type.endsWith('.delta') && out.at(-1) === e.type)) out.push(e.type);
  return out;
}

/** Sequence numbers count from 0 without gaps; the stream starts with created/in_progress and ends once. */
export function assertWellFormed(events: Event[], label = ''): void {
  assert.deepEqual(events.map((e) => e.sequence_number), events.map((_, i) => i), `${label} sequence_number`);
  assert.equal(events[0]?.type, 'response.created', label);
  assert.equal(events[1]?.type, 'response.in_progress', label);
  const terminal = events.filter((e) => ['response.completed', 'response.incomplete', 'response.failed'].includes(e.type));
  assert.equal(terminal.length, 1, `${label} one terminal event`);
  assert.equal(terminal[0], events.at(-1), `${label} the terminal event is the last`);
  const id = (events[0] as OpenAI.Responses.ResponseCreatedEvent).response.id;
  assert.equal((terminal[0] as OpenAI.Responses.ResponseCompletedEvent).response.id, id, `${label} one response id throughout`);
}

/** Every event of an SDK stream, in order. */
export async function collectEvents(stream: AsyncIterable<Event>): Promise<Event[]> {
  const events: Event[] = [];
  for await (const e of stream) events.push(e);
  return events;
}

/** The text the deltas carry. */
export function deltaText(events: Event[]): string {
  return events.map((e) => (e.type === 'response.output_text.delta' ? e.delta : '')).join('');
}

/** `event:` / `data:` pairs of a raw SSE body. */
export function parseSse(text: string): Array<{ event?: string; data: Record<string, unknown> }> {
  return text
    .split(/\r?\n\r?\n/)
    .filter((block) => block.trim() !== '')
    .map((block) => {
      const lines = block.split(/\r?\n/);
      const event = lines.find((l) => l.startsWith('event:'))?.slice(6).trim();
      const data = lines.filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trimStart()).join('\n');
      return { event, data: JSON.parse(data) as Record<string, unknown> };
    });
}
