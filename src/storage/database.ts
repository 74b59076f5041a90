/**
 * The embedded database: one SQLite file under `storage.path`, shared by the gateway's workers
 * (each writes through its own connection) and read by the CLI while they serve. WAL lets readers
 * and the writer work at once; busy_timeout makes a writer wait its turn instead of failing when
 * another process holds the write lock. better-sqlite3 is native and only loaded when a feature
 * that stores something is enabled.
 */
import { closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';

export type Database = BetterSqlite3.Database;
export type Statement = BetterSqlite3.Statement;

/** The one file the gateway keeps under `storage.path`. */
export const DATABASE_FILE = 'ai-gateway.db';

/** `storage.path` (a directory; relative paths resolve against the working directory) → the database file. */
export function databasePath(storagePath: string, cwd = process.cwd()): string {
  return join(isAbsolute(storagePath) ? storagePath : resolve(cwd, storagePath), DATABASE_FILE);
}

export interface OpenOptions {
  /** How long a statement waits for another process's write lock before failing (SQLITE_BUSY). */
  busyTimeoutMs: number;
  /** Open an existing file to read only (the CLI): never created, never written. */
  readOnly?: boolean;
}

/** Thrown when `mustExist` is set and there is no database yet. */
export class NoDatabaseError extends Error {
  constructor(readonly path: string) {
    super(`no database at ${path}`);
  }
}

let driver: Promise<typeof BetterSqlite3> | undefined;

function loadDriver(): Promise<typeof BetterSqlite3> {
  driver ??= import('better-sqlite3').then(
    (m) => m.default,
    (err: unknown) => {
      driver = undefined;
      throw new Error(`the SQLite driver (better-sqlite3, a native module) did not load: ${(err as Error).message} — reinstall ai-gateway where it can build native modules (python3, make, a C++ compiler), or set audit.enabled: false`);
    },
  );
  return driver;
}

export async function openDatabase(file: string, options: OpenOptions): Promise<Database> {
  if (options.readOnly && !existsSync(file)) throw new NoDatabaseError(file);
  const Sqlite = await loadDriver();
  if (!options.readOnly) createPrivately(file);
  const db = new Sqlite(file, { fileMustExist: true, readonly: options.readOnly === true });
  try {
    db.pragma(`busy_timeout = ${Math.max(0, Math.round(options.busyTimeoutMs))}`);
    if (!options.readOnly) {
      // WAL (kept in the file once set): readers never block the writer. NORMAL: a commit
      // survives a crash of the process (not of the machine) without an fsync per transaction.
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      // A writer appends: SQLite's own 2 MB page cache does as well as better-sqlite3's 16 MB
      // default, which would be ~14 MB more resident in every gateway process.
      db.pragma('cache_size = -2000');
    }
  } catch (err) {
    db.close();
    throw err;
  }
  return db;
}

/**
 * The directory (0700) and the file (0600) are created before SQLite opens the file, so records
 * are never readable by other users, not even for a moment; SQLite gives its -wal and -shm files
 * the database file's mode. Existing ones are left as the operator set them.
 */
function createPrivately(file: string): void {
  mkdirSync(resolve(file, '..'), { recursive: true, mode: 0o700 });
  closeSync(openSync(file, 'a', 0o600));
}
