/**
 * OAuth access tokens for Google Cloud (Vertex AI), from a service-account key file
 * (`GOOGLE_APPLICATION_CREDENTIALS`) or Application Default Credentials.
 *
 * google-auth-library does the signing and the exchange; it is imported on the first token, so a
 * gateway without Vertex never loads it. The token is cached here: requests take it
 * synchronously while it is fresh, a refresh starts in the background once most of its life has
 * passed (requests keep the old, still valid token meanwhile), and only a token close to expiry
 * makes requests wait. Concurrent requests share one refresh; a failed refresh is remembered for
 * a second so a broken token endpoint is not hit by every request.
 *
 * Errors name the key file's path, never its contents.
 */
import { readFile } from 'node:fs/promises';
import type { AuthClient, JWTInput } from 'google-auth-library';
import { GatewayError } from '../core/gateway-error.js';
import type { OAuthCredentials } from '../providers/types.js';

export const CLOUD_PLATFORM_SCOPE = 'https://www.googleapis.com/auth/cloud-platform';

/** The endpoint google-auth-library sends service-account assertions to. */
const GOOGLE_TOKEN_URL = 'https://oauth2.googleapis.com/token';

/** Refresh this long before expiry at most (half the lifetime for short-lived tokens). */
const REFRESH_EARLY_MS = 5 * 60_000;
/** Stop handing out a token this long before it expires at most (a tenth of its lifetime). */
const EXPIRY_MARGIN_MS = 30_000;
/** A failed refresh is answered from memory for this long. */
const FAILURE_HOLD_MS = 1_000;
/** Larger than any token's lifetime: the library refreshes whenever asked; this module caches. */
const LIBRARY_REFRESH_THRESHOLD_MS = 24 * 3_600_000;
/** Used when a token arrives without an expiry (Google's are valid for an hour). */
const DEFAULT_LIFETIME_MS = 3_600_000;

export interface GoogleTokenOptions {
  provider: string;
  /** A key file (`GOOGLE_APPLICATION_CREDENTIALS`); absent: Application Default Credentials. */
  keyFile?: string;
  /** Wall clock (token expiry is wall-clock time); injectable for tests. */
  now?: () => number;
}

interface CachedToken {
  token: string;
  refreshAt: number;
  usableUntil: number;
}

/** A failure to load credentials or to get a token, before it becomes a GatewayError. */
class TokenFailure extends Error {
  constructor(
    message: string,
    readonly rejected: boolean,
  ) {
    super(message);
  }
}

export class GoogleTokenSource implements OAuthCredentials {
  readonly kind = 'oauth';
  private readonly provider: string;
  private readonly keyFile: string | undefined;
  private readonly now: () => number;
  private client: Promise<AuthClient> | undefined;
  private current: CachedToken | undefined;
  private refreshing: Promise<string> | undefined;
  private failure: { error: GatewayError; until: number } | undefined;
  private readonly listeners: ((token: string) => void)[] = [];

  constructor(options: GoogleTokenOptions) {
    this.provider = options.provider;
    this.keyFile = options.keyFile;
    this.now = options.now ?? Date.now;
  }

  /** Where the credentials come from, for messages (a path, never contents). */
  get source(): string {
    return this.keyFile ? `the key file in GOOGLE_APPLICATION_CREDENTIALS (${this.keyFile})` : 'Application Default Credentials';
  }

  onToken(listener: (token: string) => void): void {
    this.listeners.push(listener);
  }

  token(): string | Promise<string> {
    const now = this.now();
    const current = this.current;
    if (current && now < current.refreshAt) return current.token;
    const refresh = this.refresh(now);
    if (current && now < current.usableUntil) {
      // Refreshing ahead of expiry: this request need not wait. A failure is kept in `failure`.
      refresh.catch(() => {});
      return current.token;
    }
    return refresh;
  }

  private refresh(now: number): Promise<string> {
    if (this.refreshing) return this.refreshing;
    if (this.failure && now < this.failure.until) return Promise.reject(this.failure.error);
    this.refreshing = this.fetchToken()
      .then(
        (token) => {
          this.failure = undefined;
          return token;
        },
        (err: unknown) => {
          const error = this.describe(err);
          this.failure = { error, until: this.now() + FAILURE_HOLD_MS };
          throw error;
        },
      )
      .finally(() => {
        this.refreshing = undefined;
      });
    return this.refreshing;
  }

  private async fetchToken(): Promise<string> {
    this.client ??= this.createClient();
    let client: AuthClient;
    try {
      client = await this.client;
    } catch (err) {
      this.client = undefined; // a key file fixed later is read again
      throw err;
    }
    const { token } = await client.getAccessToken();
    if (!token) throw new TokenFailure('the token endpoint answered without an access token', false);
    const obtained = this.now();
    const expiry = client.credentials.expiry_date;
    const expiresAt = typeof expiry === 'number' && expiry > obtained ? expiry : obtained + DEFAULT_LIFETIME_MS;
    const lifetime = expiresAt - obtained;
    this.current = {
      token,
      refreshAt: expiresAt - Math.min(REFRESH_EARLY_MS, lifetime / 2),
      usableUntil: expiresAt - Math.min(EXPIRY_MARGIN_MS, lifetime / 10),
    };
    for (const listener of this.listeners) listener(token);
    return token;
  }

  private async createClient(): Promise<AuthClient> {
    const { GoogleAuth } = await import('google-auth-library');
    const clientOptions = { eagerRefreshThresholdMillis: LIBRARY_REFRESH_THRESHOLD_MS };
    if (!this.keyFile) return new GoogleAuth({ scopes: [CLOUD_PLATFORM_SCOPE], clientOptions }).getClient();
    const key = await readKeyFile(this.keyFile);
    const auth = new GoogleAuth({ scopes: [CLOUD_PLATFORM_SCOPE], clientOptions, credentials: key as JWTInput });
    const client = await auth.getClient();
    if (typeof key.token_uri === 'string' && key.token_uri !== GOOGLE_TOKEN_URL) sendTokenRequestsTo(client, key.token_uri);
    return client;
  }

  private describe(err: unknown): GatewayError {
    const failure = err instanceof TokenFailure ? err : fromLibraryError(err);
    return new GatewayError({
      status: failure.rejected ? 401 : 502,
      message: `${this.provider}: could not get an access token with ${this.source}: ${failure.message}`,
      code: failure.rejected ? 'provider_credentials_rejected' : 'provider_token_unavailable',
      provider: this.provider,
    });
  }
}

interface KeyFile {
  type?: unknown;
  token_uri?: unknown;
  [field: string]: unknown;
}

/** Read and parse here, not in the library: JSON.parse's messages quote the text they fail on. */
async function readKeyFile(path: string): Promise<KeyFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new TokenFailure(code === 'ENOENT' ? 'the file does not exist' : `the file cannot be read (${code ?? 'error'})`, true);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new TokenFailure('the file is not JSON (expected a service-account key file)', true);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new TokenFailure('the file is not a JSON object (expected a service-account key file)', true);
  }
  const key = parsed as KeyFile;
  if (key.type === 'service_account' && (typeof key.client_email !== 'string' || typeof key.private_key !== 'string')) {
    throw new TokenFailure('the service-account key has no client_email or private_key', true);
  }
  return key;
}

/**
 * The library posts service-account assertions to Google's endpoint whatever the file says;
 * a key whose `token_uri` names another endpoint (a private or regional one) is exchanged there.
 */
function sendTokenRequestsTo(client: AuthClient, tokenUri: string): void {
  const target = new URL(tokenUri);
  client.transporter.interceptors.request.add({
    resolved: (options) => {
      if (String(options.url) === GOOGLE_TOKEN_URL) options.url = target;
      return Promise.resolve(options);
    },
  });
}

interface LibraryError {
  message?: unknown;
  code?: unknown;
  status?: unknown;
  response?: { status?: unknown };
}

/**
 * The token endpoint's 4xx (`invalid_grant`, `unauthorized_client`) means the credentials were
 * refused; anything else (no answer, 5xx, no ADC) means no token could be had right now.
 */
function fromLibraryError(err: unknown): TokenFailure {
  const e = (typeof err === 'object' && err !== null ? err : {}) as LibraryError;
  const status = typeof e.response?.status === 'number' ? e.response.status : typeof e.status === 'number' ? e.status : undefined;
  const rejected = status !== undefined && status >= 400 && status < 500;
  const raw = typeof e.message === 'string' ? e.message : String(err);
  // First line only, bounded: library messages can carry request details after it.
  const message = raw.split('\n', 1)[0].slice(0, 300);
  return new TokenFailure(status !== undefined && !rejected ? `${message} (HTTP ${status})` : message, rejected);
}
