/** The body for a provider that speaks the client's dialect: the client's bytes, unless the model changes. */
export function nativeBody(raw: Buffer, body: Record<string, unknown> & { model: string }, model: string): Buffer | string {
  return model === body.model ? raw : JSON.stringify({ ...body, model });
}
