export { createMistralAdapter } from './adapter.js';
