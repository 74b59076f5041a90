/** The most of a secret that may ever be shown: its last four characters, and only for long secrets. */
export function fingerprint(secret: string): string {
  return secret.length >= 12 ? `…${secret.slice(-4)}` : '…(short)';
}
