/**
 * The attribute names and values the spans use are OpenTelemetry's, as of the pinned semantic
 * conventions (v1.45.0): each copy in semconv.ts is checked against that package.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import * as stable from '@opentelemetry/semantic-conventions';
import * as incubating from '@opentelemetry/semantic-conventions/incubating';
import { ERROR_TYPE, GEN_AI, HTTP_RESPONSE_STATUS_CODE, SEMCONV_VERSION, SERVER_ADDRESS, SERVER_PORT, SERVICE_NAME, operationName, providerName, spanName } from '../../../src/observability/tracing/semconv.js';

test('the pinned version is the installed one', () => {
  // The package exports no package.json: read the one beside its entry point.
  const entry = createRequire(import.meta.url).resolve('@opentelemetry/semantic-conventions');
  const pkg = JSON.parse(readFileSync(join(dirname(entry), '..', 'package.json'), 'utf8')) as { version: string };
  assert.equal(pkg.version, SEMCONV_VERSION);
});

test('GenAI attribute names', () => {
  assert.deepEqual(GEN_AI, {
    operationName: incubating.ATTR_GEN_AI_OPERATION_NAME,
    providerName: incubating.ATTR_GEN_AI_PROVIDER_NAME,
    requestModel: incubating.ATTR_GEN_AI_REQUEST_MODEL,
    requestStream: incubating.ATTR_GEN_AI_REQUEST_STREAM,
    responseModel: incubating.ATTR_GEN_AI_RESPONSE_MODEL,
    responseTimeToFirstChunk: incubating.ATTR_GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK,
    inputTokens: incubating.ATTR_GEN_AI_USAGE_INPUT_TOKENS,
    outputTokens: incubating.ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
    cacheReadInputTokens: incubating.ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS,
    cacheCreationInputTokens: incubating.ATTR_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS,
    reasoningOutputTokens: incubating.ATTR_GEN_AI_USAGE_REASONING_OUTPUT_TOKENS,
  });
  // The names the issue lists, spelled out.
  assert.equal(GEN_AI.operationName, 'gen_ai.operation.name');
  assert.equal(GEN_AI.providerName, 'gen_ai.provider.name');
  assert.equal(GEN_AI.requestModel, 'gen_ai.request.model');
  assert.equal(GEN_AI.responseModel, 'gen_ai.response.model');
  assert.equal(GEN_AI.inputTokens, 'gen_ai.usage.input_tokens');
  assert.equal(GEN_AI.outputTokens, 'gen_ai.usage.output_tokens');
});

test('stable HTTP, server and resource names', () => {
  assert.equal(HTTP_RESPONSE_STATUS_CODE, stable.ATTR_HTTP_RESPONSE_STATUS_CODE);
  assert.equal(ERROR_TYPE, stable.ATTR_ERROR_TYPE);
  assert.equal(SERVER_ADDRESS, stable.ATTR_SERVER_ADDRESS);
  assert.equal(SERVER_PORT, stable.ATTR_SERVER_PORT);
  assert.equal(SERVICE_NAME, stable.ATTR_SERVICE_NAME);
});

test('gen_ai.provider.name: OTel’s well-known values, the config’s name otherwise', () => {
  assert.deepEqual(
    ['openai', 'anthropic', 'gemini', 'vertex', 'bedrock', 'azure', 'mistral', 'groq', 'deepseek', 'xai'].map(providerName),
    [
      incubating.GEN_AI_PROVIDER_NAME_VALUE_OPENAI,
      incubating.GEN_AI_PROVIDER_NAME_VALUE_ANTHROPIC,
      incubating.GEN_AI_PROVIDER_NAME_VALUE_GCP_GEMINI,
      incubating.GEN_AI_PROVIDER_NAME_VALUE_GCP_VERTEX_AI,
      incubating.GEN_AI_PROVIDER_NAME_VALUE_AWS_BEDROCK,
      incubating.GEN_AI_PROVIDER_NAME_VALUE_AZURE_AI_OPENAI,
      incubating.GEN_AI_PROVIDER_NAME_VALUE_MISTRAL_AI,
      incubating.GEN_AI_PROVIDER_NAME_VALUE_GROQ,
      incubating.GEN_AI_PROVIDER_NAME_VALUE_DEEPSEEK,
      incubating.GEN_AI_PROVIDER_NAME_VALUE_X_AI,
    ],
  );
  assert.deepEqual(['gcp.gemini', 'gcp.vertex_ai', 'aws.bedrock', 'azure.ai.openai', 'mistral_ai'], ['gemini', 'vertex', 'bedrock', 'azure', 'mistral'].map(providerName));
  assert.equal(providerName('ollama'), 'ollama');
  assert.equal(providerName('my-llm'), 'my-llm');
});

test('gen_ai.operation.name per endpoint, and span names', () => {
  assert.equal(operationName('chat'), incubating.GEN_AI_OPERATION_NAME_VALUE_CHAT);
  assert.equal(operationName('messages'), incubating.GEN_AI_OPERATION_NAME_VALUE_CHAT);
  assert.equal(operationName('responses'), incubating.GEN_AI_OPERATION_NAME_VALUE_CHAT);
  assert.equal(operationName('embeddings'), incubating.GEN_AI_OPERATION_NAME_VALUE_EMBEDDINGS);
  assert.equal(operationName('count_tokens'), 'count_tokens');
  assert.equal(spanName('chat', 'gpt-4o-mini'), 'chat gpt-4o-mini');
  assert.equal(spanName('chat', ''), 'chat');
});
