/** Loads the working directory's `.env` without overriding variables that are already set. */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parse } from 'dotenv';

/** Returns the names (never the values) of the variables taken from the file. */
export async function loadDotEnv(cwd: string, env: NodeJS.ProcessEnv): Promise<string[]> {
  let text: string;
  try {
    text = await readFile(resolve(cwd, '.env'), 'utf8');
  } catch {
    return [];
  }
  const loaded: string[] = [];
  for (const [name, value] of Object.entries(parse(text))) {
    if (env[name] !== undefined) continue;
    env[name] = value;
    loaded.push(name);
  }
  return loaded;
}
