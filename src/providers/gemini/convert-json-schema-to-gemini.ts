/**
 * Gemini's `parameters` / `responseSchema` accept an OpenAPI 3.0 subset and reject the rest of
 * JSON Schema with a 400. Annotation and strictness keywords (`$schema`, `additionalProperties`,
 * `examples`, unsupported `format`s…) are stripped: they do not change what a valid value looks
 * like to the model. Structural keywords that cannot be expressed in the subset (`$ref`,
 * `allOf`, `not`, tuples…) make the converter give up, and the caller sends the schema verbatim
 * through the JSON-Schema field (`parametersJsonSchema` / `responseJsonSchema`) instead,
 * so no constraint is lost silently.
 */

type Schema = Record<string, unknown>;

/** Keywords copied as they are. */
const PASSTHROUGH = new Set([
  'title',
  'description',
  'nullable',
  'enum',
  'required',
  'minItems',
  'maxItems',
  'minProperties',
  'maxProperties',
  'minLength',
  'maxLength',
  'pattern',
  'minimum',
  'maximum',
  'default',
  'example',
  'propertyOrdering',
]);

/** Keywords the subset cannot express without changing meaning. */
const UNREPRESENTABLE = new Set([
  '$ref',
  '$defs',
  'definitions',
  'allOf',
  'not',
  'if',
  'then',
  'else',
  'prefixItems',
  'patternProperties',
  'dependentSchemas',
  'dependentRequired',
]);

const FORMATS = new Set(['date-time', 'enum', 'float', 'double', 'int32', 'int64']);

const isSchema = (value: unknown): value is Schema => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Returns the OpenAPI-subset form, or `null` when the schema needs the JSON-Schema field. */
export function convertJsonSchemaToGemini(schema: Schema): Schema | null {
  const out: Schema = {};
  for (const key in schema) {
    const value = schema[key];
    if (UNREPRESENTABLE.has(key)) return null;
    if (PASSTHROUGH.has(key)) {
      out[key] = value;
      continue;
    }
    switch (key) {
      case 'type': {
        if (!applyType(out, value)) return null;
        break;
      }
      case 'const':
        out.enum = [value];
        break;
      case 'format':
        if (typeof value === 'string' && FORMATS.has(value)) out.format = value;
        break;
      case 'properties': {
        if (!isSchema(value)) return null;
        const properties: Schema = {};
        for (const name in value) {
          const child = value[name];
          const converted = isSchema(child) ? convertJsonSchemaToGemini(child) : null;
          if (converted === null) return null;
          properties[name] = converted;
        }
        out.properties = properties;
        break;
      }
      case 'items': {
        // Array-form `items` is a tuple: not expressible.
        const converted = isSchema(value) ? convertJsonSchemaToGemini(value) : null;
        if (converted === null) return null;
        out.items = converted;
        break;
      }
      case 'anyOf':
      case 'oneOf': {
        // Gemini reads `oneOf` as `anyOf` too; the model is asked for one matching shape either way.
        if (!Array.isArray(value)) return null;
        if (!applyUnion(out, value)) return null;
        break;
      }
      case 'additionalProperties':
        // A free-form map (no fixed properties) has no OpenAPI-subset form.
        if (value !== false && !isSchema(schema.properties)) return null;
        break;
      default:
        // Annotations and strictness hints: `$schema`, `$id`, `$comment`, `additionalProperties`,
        // `examples`, `readOnly`, `strict`, …
        break;
    }
  }
  return out;
}

function applyType(out: Schema, value: unknown): boolean {
  if (typeof value === 'string') {
    out.type = value;
    return true;
  }
  if (!Array.isArray(value)) return false;
  const types = value.filter((t) => t !== 'null');
  if (types.length !== value.length) out.nullable = true;
  if (types.length === 1) out.type = types[0];
  else if (types.length > 1) out.anyOf = types.map((type) => ({ type }));
  return true;
}

function applyUnion(out: Schema, members: unknown[]): boolean {
  const converted: Schema[] = [];
  for (const member of members) {
    if (!isSchema(member)) return false;
    if (member.type === 'null') {
      out.nullable = true;
      continue;
    }
    const schema = convertJsonSchemaToGemini(member);
    if (schema === null) return false;
    converted.push(schema);
  }
  if (converted.length === 1) Object.assign(out, converted[0]);
  else if (converted.length > 1) out.anyOf = converted;
  return true;
}

/** An object schema with no properties: Gemini wants `parameters` left out entirely. */
export function isEmptyObjectSchema(schema: Schema): boolean {
  if (schema.type !== 'object' || schema.additionalProperties) return false;
  const properties = schema.properties;
  return !isSchema(properties) || Object.keys(properties).length === 0;
}

/** The JSON-Schema field takes the schema as written, minus the dialect marker. */
export function jsonSchemaForGemini(schema: Schema): Schema {
  if (!('$schema' in schema)) return schema;
  const { $schema: _dialect, ...rest } = schema;
  return rest;
}
