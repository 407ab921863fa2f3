/**
 * What went wrong, for a log line or a 503 message. A refused connection to a host name with
 * several addresses is an AggregateError whose own message is empty on Node 20: its parts say why.
 */
export function reasonOf(error: unknown): string {
  if (error instanceof AggregateError) return error.errors.map(reasonOf).join('; ') || error.message;
  return error instanceof Error ? error.message || error.name : String(error);
}
