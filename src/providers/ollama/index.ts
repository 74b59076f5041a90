export { createOllamaAdapter } from './adapter.js';
