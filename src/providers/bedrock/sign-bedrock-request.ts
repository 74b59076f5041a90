/**
 * Applies Bedrock credentials to a built request.
 *
 * IAM keys: SigV4 with signing service `bedrock` (not `bedrock-runtime`), region from the
 * credentials, over the exact body bytes that will be sent. Signed headers are `host` (derived
 * from the request origin; the HTTP client sends the same value, so it is not added to
 * `req.headers`) plus every header already on the request. Nothing may change the body or those
 * headers after signing. Bedrock API keys (`api-key` credentials) are sent as a bearer token.
 *
 * Signing is asynchronous (`@smithy/signature-v4`, loaded on first use), so the caller must
 * await the promise.
 */
import type { SignatureV4 } from '@smithy/signature-v4';
import type { Credentials, UpstreamRequest } from '../types.js';
import { loadAwsLibs, type AwsLibs } from './aws-libs.js';

type AwsCredentials = Extract<Credentials, { kind: 'aws' }>;

/** One signer per credentials object: the signer caches derived signing keys per day. */
const signers = new WeakMap<AwsCredentials, SignatureV4>();

function signerFor(credentials: AwsCredentials, aws: AwsLibs): SignatureV4 {
  let signer = signers.get(credentials);
  if (!signer) {
    signer = new aws.SignatureV4({
      service: 'bedrock',
      region: credentials.region,
      sha256: aws.Sha256,
      credentials: {
        accessKeyId: credentials.accessKeyId,
        secretAccessKey: credentials.secretAccessKey,
        ...(credentials.sessionToken ? { sessionToken: credentials.sessionToken } : {}),
      },
    });
    signers.set(credentials, signer);
  }
  return signer;
}

const SIGNATURE_HEADERS = ['authorization', 'x-amz-date', 'x-amz-content-sha256', 'x-amz-security-token'] as const;

export async function signBedrockRequest(req: UpstreamRequest, credentials: Credentials, signingDate?: Date): Promise<void> {
  // Loaded for every credential kind: the response's event-stream decoder needs them too.
  const aws = await loadAwsLibs();
  if (credentials.kind === 'api-key') {
    req.headers.authorization = `Bearer ${credentials.key}`;
    return;
  }
  if (credentials.kind !== 'aws') return;
  const url = new URL(req.origin);
  const query = req.path.indexOf('?');
  const path = query >= 0 ? req.path.slice(0, query) : req.path;
  const signed = await signerFor(credentials, aws).sign(
    {
      method: req.method,
      protocol: url.protocol,
      hostname: url.hostname,
      ...(url.port ? { port: Number(url.port) } : {}),
      path,
      query: query >= 0 ? Object.fromEntries(new URLSearchParams(req.path.slice(query + 1))) : {},
      headers: { ...req.headers, host: url.host },
      body: req.body ?? '',
    },
    signingDate ? { signingDate } : undefined,
  );
  for (const name of SIGNATURE_HEADERS) {
    const value = signed.headers[name];
    if (value !== undefined) req.headers[name] = value;
  }
}
