/** Every secret value the credential store holds: what the scrubber keeps out of responses. */
import type { CredentialStore } from './credential-store.js';

export function heldSecrets(store: CredentialStore): string[] {
  const secrets: string[] = [];
  for (const [, status] of store.entries()) {
    if (!status.found) continue;
    const credentials = status.credentials;
    if (credentials.kind === 'api-key') secrets.push(credentials.key);
    else if (credentials.kind === 'aws') {
      secrets.push(credentials.accessKeyId, credentials.secretAccessKey);
      if (credentials.sessionToken) secrets.push(credentials.sessionToken);
    }
  }
  return secrets;
}
