/**
 * Schema versions, one per component that keeps tables in the database (`audit`, later others):
 * each component lists its migrations, oldest first, and never edits one that shipped — a change
 * is a new migration. Applied under BEGIN IMMEDIATE, so workers starting together apply each once.
 */
import type { Database } from './database.js';

export class SchemaTooNewError extends Error {}

/** Brings `component`'s tables to the last of `migrations` (SQL scripts); returns the version. */
export function migrate(db: Database, file: string, component: string, migrations: readonly string[]): number {
  const apply = db.transaction(() => {
    db.exec('CREATE TABLE IF NOT EXISTS schema_version (component TEXT PRIMARY KEY, version INTEGER NOT NULL) STRICT');
    const row = db.prepare('SELECT version FROM schema_version WHERE component = ?').get(component) as { version: number } | undefined;
    const current = row?.version ?? 0;
    if (current > migrations.length) {
      throw new SchemaTooNewError(`${file}: its ${component} tables are at schema version ${current}, newer than this ai-gateway knows (${migrations.length}); upgrade ai-gateway or use another storage.path`);
    }
    for (let v = current; v < migrations.length; v++) db.exec(migrations[v]);
    db.prepare('INSERT INTO schema_version (component, version) VALUES (?, ?) ON CONFLICT (component) DO UPDATE SET version = excluded.version').run(component, migrations.length);
    return migrations.length;
  });
  return apply.immediate();
}

/** The version `component`'s tables are at, 0 when it has none (readers that must not create tables). */
export function schemaVersion(db: Database, component: string): number {
  const table = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'").get();
  if (!table) return 0;
  const row = db.prepare('SELECT version FROM schema_version WHERE component = ?').get(component) as { version: number } | undefined;
  return row?.version ?? 0;
}
