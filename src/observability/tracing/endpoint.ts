/**
 * Where spans go: Helicone's `telemetry.otlp-endpoint` first, then the standard OpenTelemetry
 * variables, then the OTLP/HTTP default.
 */

const TRACES_PATH = '/v1/traces';
/** The collector's OTLP/HTTP port (4317 is OTLP/gRPC, which this exporter does not speak). */
export const DEFAULT_TRACES_ENDPOINT = `http://localhost:4318${TRACES_PATH}`;

/**
 * `telemetry.otlp-endpoint` names one OTLP endpoint for every signal (Helicone's default is
 * `http://localhost:4317/v1/metrics`): one that ends in `/v1/traces` is used as is, any other
 * gets `/v1/traces` on its origin. Without it, `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` is used as is
 * and `OTEL_EXPORTER_OTLP_ENDPOINT` is a base URL that `/v1/traces` is appended to, as the
 * OpenTelemetry exporter specification says.
 */
export function tracesEndpoint(configured: string | undefined, env: NodeJS.ProcessEnv): string {
  if (configured) {
    const url = httpUrl(configured);
    if (url.pathname.replace(/\/+$/, '').endsWith(TRACES_PATH)) return url.href;
    return `${url.origin}${TRACES_PATH}`;
  }
  const signal = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim();
  if (signal) return httpUrl(signal).href;
  const base = env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim();
  if (base) {
    const url = httpUrl(base);
    url.pathname = `${url.pathname.replace(/\/+$/, '')}${TRACES_PATH}`;
    return url.href;
  }
  return DEFAULT_TRACES_ENDPOINT;
}

/** OTLP/HTTP needs an http(s) URL (`collector:4318`, without a scheme, parses as another one). */
function httpUrl(text: string): URL {
  const url = new URL(text);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TypeError('an OTLP/HTTP endpoint is an http:// or https:// URL');
  return url;
}

/** The endpoint as it may be logged: no user, password, query or fragment (they may hold a token). */
export function loggableEndpoint(endpoint: string): string {
  const url = new URL(endpoint);
  return `${url.origin}${url.pathname}`;
}
