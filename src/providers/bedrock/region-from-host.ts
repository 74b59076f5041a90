/**
 * The AWS region named in a Bedrock endpoint host: `bedrock-runtime.us-west-2.amazonaws.com`,
 * `bedrock-runtime-fips.us-east-1.amazonaws.com`, or a VPC endpoint
 * `vpce-….bedrock-runtime.eu-west-1.vpce.amazonaws.com`. SigV4 must sign for that region or
 * AWS rejects the request; a host without one (a proxy, a simulator) yields undefined.
 */
const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;

export function regionFromBedrockHost(baseUrl: string | undefined): string | undefined {
  if (!baseUrl) return undefined;
  let host: string;
  try {
    host = new URL(baseUrl).hostname.toLowerCase();
  } catch {
    return undefined;
  }
  const labels = host.split('.');
  const service = labels.findIndex((l) => l.startsWith('bedrock-runtime') || l === 'bedrock');
  const candidate = service >= 0 ? labels[service + 1] : undefined;
  return candidate !== undefined && REGION.test(candidate) ? candidate : undefined;
}
