/** The most of a secret that may ever be shown: its last four characters, and only for long secrets. */
export function fingerprint(secret: string): string {
  return secret.length >= 12 ? `…${secret.slice(-4)}` : '…(short)';
}

/**
 * The same four characters for places that take ASCII only (HTTP header values, redaction
 * markers inside JSON strings): empty when the secret is short or its tail has characters that
 * would need escaping there.
 */
export function asciiFingerprint(secret: string): string {
  const tail = secret.slice(-4);
  return secret.length >= 12 && /^[A-Za-z0-9_+=-]{4}$/.test(tail) ? tail : '';
}
