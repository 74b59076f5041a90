export { createVertexAdapter, VERTEX_ANTHROPIC_VERSION } from './adapter.js';
