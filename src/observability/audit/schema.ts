/**
 * The audit log's tables. Migrations are frozen once shipped: a change is a new entry.
 *
 * `requests` holds one row per RequestRecord, its columns named as the record's fields, with
 * `time_ms` (epoch milliseconds) beside the ISO `time` for range queries. `request_id` is unique:
 * a client may send its own `x-request-id`, so the writer makes a repeated one unique (see
 * rows.ts) rather than lose the record. `attempts` holds each upstream attempt, keyed by its
 * request's row (`id`, AUTOINCREMENT so it only grows: `logs --follow` reads past the last one
 * it saw). No column holds a secret: credentials are stored as `env:NAME …abcd`.
 */
export const AUDIT_COMPONENT = 'audit';

export const AUDIT_MIGRATIONS: readonly string[] = [
  `CREATE TABLE requests (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     time TEXT NOT NULL,
     time_ms INTEGER NOT NULL,
     request_id TEXT NOT NULL UNIQUE,
     gateway_key TEXT,
     router TEXT,
     endpoint TEXT NOT NULL,
     dialect TEXT NOT NULL,
     stream INTEGER NOT NULL,
     model_requested TEXT,
     provider TEXT,
     model TEXT,
     provider_key TEXT,
     status INTEGER NOT NULL,
     outcome TEXT NOT NULL,
     error_code TEXT,
     input_tokens INTEGER,
     output_tokens INTEGER,
     cached_tokens INTEGER,
     cache_write_tokens INTEGER,
     reasoning_tokens INTEGER,
     incomplete INTEGER NOT NULL,
     cost_usd REAL,
     price_source TEXT,
     latency_ms REAL NOT NULL,
     first_byte_ms REAL,
     overhead_ms REAL,
     cache TEXT,
     request_body TEXT,
     response_body TEXT
   ) STRICT;
   CREATE INDEX requests_time ON requests (time_ms);
   CREATE INDEX requests_provider ON requests (provider, time_ms);
   CREATE INDEX requests_router ON requests (router, time_ms);
   CREATE INDEX requests_gateway_key ON requests (gateway_key, time_ms);
   CREATE INDEX requests_status ON requests (status, time_ms);
   CREATE TABLE attempts (
     request_row INTEGER NOT NULL,
     request_id TEXT NOT NULL,
     attempt INTEGER NOT NULL,
     provider TEXT NOT NULL,
     provider_key TEXT NOT NULL,
     model TEXT NOT NULL,
     status INTEGER,
     ok INTEGER NOT NULL,
     error_code TEXT,
     error TEXT,
     upstream_ms REAL NOT NULL,
     PRIMARY KEY (request_row, attempt)
   ) STRICT, WITHOUT ROWID;`,
];
