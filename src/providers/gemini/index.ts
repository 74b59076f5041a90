export { createGeminiAdapter } from './adapter.js';
