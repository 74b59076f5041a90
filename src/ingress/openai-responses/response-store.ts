/**
 * Conversations created through the gateway, so `previous_response_id` and `item_reference`
 * work whatever provider answered. Bounded three ways — entries, bytes, idle time — with O(1)
 * work per operation and no timer: a Map in least-recently-used order (a read moves an entry
 * to the end), so expired and surplus entries are always at the front and are dropped there
 * when a response is saved, or found expired when read.
 *
 * Each entry holds its whole conversation as an array of references to shared item objects,
 * so a follow-up turn costs a few pointers per earlier item, not a copy. Its byte count is the
 * whole conversation's (parent's count + request body + output), which over-counts what is
 * shared between turns: the cap is therefore a true upper bound on what is held.
 */
import { systemClock, type Clock } from '../../core/clock.js';
import type { OutputItem, ResponsesContext, ResponsesHistory, ResponsesItem } from './types.js';

export interface ResponseStoreOptions {
  maxEntries?: number;
  maxBytes?: number;
  /** Milliseconds an entry lives after it was last saved or read. */
  ttlMs?: number;
  clock?: Clock;
}

interface Entry {
  items: readonly ResponsesItem[];
  /** Ids of the output items this response added (indexed for `item_reference`). */
  own: string[];
  bytes: number;
  expiresAt: number;
}

export const RESPONSE_STORE_DEFAULTS = { maxEntries: 10_000, maxBytes: 64 * 1024 * 1024, ttlMs: 60 * 60 * 1000 } as const;

export class ResponseStore implements ResponsesHistory {
  private readonly entries = new Map<string, Entry>();
  /** Output item id → the item and the response that owns it. */
  private readonly items = new Map<string, { item: ResponsesItem; owner: string }>();
  private heldBytes = 0;
  private readonly maxEntries: number;
  private readonly maxBytes: number;
  private readonly ttlMs: number;
  private readonly clock: Clock;

  constructor(options: ResponseStoreOptions = {}) {
    this.maxEntries = options.maxEntries ?? RESPONSE_STORE_DEFAULTS.maxEntries;
    this.maxBytes = options.maxBytes ?? RESPONSE_STORE_DEFAULTS.maxBytes;
    this.ttlMs = options.ttlMs ?? RESPONSE_STORE_DEFAULTS.ttlMs;
    this.clock = options.clock ?? systemClock;
  }

  get size(): number {
    return this.entries.size;
  }

  get bytes(): number {
    return this.heldBytes;
  }

  /**
   * Keeps response `id`: the earlier conversation, this turn's input and its output. Nothing
   * when the request said `store: false`, or when the one conversation alone exceeds the cap.
   */
  save(id: string, context: ResponsesContext, output: readonly OutputItem[], outputBytes: number): void {
    if (!context.store) return;
    const bytes = context.historyBytes + context.inputBytes + outputBytes;
    if (bytes > this.maxBytes || this.maxEntries < 1) return;
    this.remove(id);
    const now = this.clock();
    this.dropExpired(now);
    while (this.entries.size >= this.maxEntries || this.heldBytes + bytes > this.maxBytes) this.dropOldest();
    const items: ResponsesItem[] = [...context.history, ...context.input];
    const own: string[] = [];
    for (const out of output) {
      const item = out as unknown as ResponsesItem;
      items.push(item);
      own.push(out.id);
      this.items.set(out.id, { item, owner: id });
    }
    this.entries.set(id, { items, own, bytes, expiresAt: now + this.ttlMs });
    this.heldBytes += bytes;
  }

  conversation(id: string): { items: readonly ResponsesItem[]; bytes: number } | undefined {
    const entry = this.live(id);
    return entry && { items: entry.items, bytes: entry.bytes };
  }

  item(id: string): ResponsesItem | undefined {
    const found = this.items.get(id);
    return found && this.live(found.owner) ? found.item : undefined;
  }

  /** The entry, moved to the most recently used end; an expired one is dropped. */
  private live(id: string): Entry | undefined {
    const entry = this.entries.get(id);
    if (entry === undefined) return undefined;
    const now = this.clock();
    if (entry.expiresAt <= now) {
      this.remove(id);
      return undefined;
    }
    this.entries.delete(id);
    entry.expiresAt = now + this.ttlMs;
    this.entries.set(id, entry);
    return entry;
  }

  private dropExpired(now: number): void {
    for (const [id, entry] of this.entries) {
      if (entry.expiresAt > now) return;
      this.remove(id);
    }
  }

  private dropOldest(): void {
    const first = this.entries.keys().next();
    if (!first.done) this.remove(first.value);
  }

  private remove(id: string): void {
    const entry = this.entries.get(id);
    if (entry === undefined) return;
    this.entries.delete(id);
    this.heldBytes -= entry.bytes;
    for (const itemId of entry.own) this.items.delete(itemId);
  }
}
