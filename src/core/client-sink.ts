/**
 * Where an egress commits the answer for the client. The server's implementation writes to the
 * HTTP response (server/response-sink.ts); tests may collect into memory. Nothing past the
 * egress touches the transport, so a new transport (HTTP/2, a test harness) is one new sink.
 */
export type SinkHeaders = Record<string, string | number | readonly string[] | undefined>;

export interface ClientSink {
  /** True once the client went away before the answer was complete. */
  readonly gone: boolean;
  /** True once the status line was sent: nothing can be retried after that. */
  readonly committed: boolean;
  /** Sends the status line and headers; once. */
  head(status: number, headers: SinkHeaders): void;
  /** False when the client is not keeping up: pause the upstream until `onDrain`. */
  write(chunk: string | Buffer): boolean;
  end(chunk?: string | Buffer): void;
  /** Breaks the answer off (a non-streamed body that cannot be finished). */
  destroy(): void;
  /** Called each time the client catches up after `write` returned false. */
  onDrain(listener: () => void): void;
}
