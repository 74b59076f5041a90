export { createAzureAdapter } from './adapter.js';
export { azurePath, DEFAULT_AZURE_API_VERSION } from './azure-paths.js';
