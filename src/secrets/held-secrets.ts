/** Every secret value the credential store holds: what the scrubber keeps out of responses. */
import type { OAuthCredentials } from '../providers/types.js';
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

/** Credentials whose secret changes at run time (OAuth access tokens): the scrubber follows them. */
export function tokenSources(store: CredentialStore): OAuthCredentials[] {
  const sources: OAuthCredentials[] = [];
  for (const [, status] of store.entries()) {
    if (status.found && status.credentials.kind === 'oauth') sources.push(status.credentials);
  }
  return sources;
}
