/** Where traces go: Helicone's otlp-endpoint, then the standard OpenTelemetry variables. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_TRACES_ENDPOINT, loggableEndpoint, tracesEndpoint } from '../../../src/observability/tracing/endpoint.js';

test('an otlp-endpoint ending in /v1/traces is used as is', () => {
  assert.equal(tracesEndpoint('https://collector.example:4318/v1/traces', {}), 'https://collector.example:4318/v1/traces');
  assert.equal(tracesEndpoint('https://collector.example/tenant/v1/traces', {}), 'https://collector.example/tenant/v1/traces');
  assert.equal(tracesEndpoint('https://collector.example/v1/traces/', {}), 'https://collector.example/v1/traces/');
});

test('any other otlp-endpoint gets /v1/traces on its origin (Helicone’s default names the metrics one)', () => {
  assert.equal(tracesEndpoint('http://localhost:4317/v1/metrics', {}), 'http://localhost:4317/v1/traces');
  assert.equal(tracesEndpoint('http://collector:4318', {}), 'http://collector:4318/v1/traces');
  assert.equal(tracesEndpoint('http://collector:4318/some/prefix?x=1', {}), 'http://collector:4318/v1/traces');
});

test('the config wins over the environment', () => {
  assert.equal(tracesEndpoint('http://a:1/v1/traces', { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://b:2', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://c:3/x' }), 'http://a:1/v1/traces');
});

test('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT is used as is; OTEL_EXPORTER_OTLP_ENDPOINT is a base for /v1/traces', () => {
  assert.equal(tracesEndpoint(undefined, { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://c:3/custom/path' }), 'http://c:3/custom/path');
  assert.equal(tracesEndpoint(undefined, { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://c:3/x', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://b:2' }), 'http://c:3/x');
  assert.equal(tracesEndpoint(undefined, { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://b:4318' }), 'http://b:4318/v1/traces');
  assert.equal(tracesEndpoint(undefined, { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://b:4318/otlp/' }), 'http://b:4318/otlp/v1/traces');
  assert.equal(tracesEndpoint(undefined, { OTEL_EXPORTER_OTLP_ENDPOINT: '  ' }), DEFAULT_TRACES_ENDPOINT);
});

test('nothing set: the OTLP/HTTP default', () => {
  assert.equal(tracesEndpoint(undefined, {}), 'http://localhost:4318/v1/traces');
});

test('a value that is not an http(s) URL throws', () => {
  assert.throws(() => tracesEndpoint('not a url', {}));
  assert.throws(() => tracesEndpoint('collector:4318', {}), /http:\/\/ or https:\/\//);
  assert.throws(() => tracesEndpoint(undefined, { OTEL_EXPORTER_OTLP_ENDPOINT: 'grpc://collector:4317' }));
});

test('the endpoint is logged without credentials, query or fragment', () => {
  assert.equal(loggableEndpoint('https://user:secret-token-0123456789@collector.example/v1/traces?api-key=abc#x'), 'https://collector.example/v1/traces');
});
