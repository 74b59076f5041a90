#!/usr/bin/env node
/**
 * The `ai-gateway` command. A plain `node` shebang: BusyBox's `env` (Alpine) has no `-S`, so the
 * V8 flags cannot ride on it — they are applied here, before anything else is loaded, unless
 * node was started with them (cli/v8-flags.ts).
 */
import { applyNodeFlags } from './cli/v8-flags.js';

const nodeFlags = applyNodeFlags();
const { run } = await import('./cli/main.js');
run(nodeFlags);
