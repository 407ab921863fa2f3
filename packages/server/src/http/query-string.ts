/**
 * Query strings as the servlet API reads them: a repeated parameter keeps its first value
 * (`getParameter`), as form bodies do (parseForm). Fastify's default makes an array of it, and
 * every handler that took a query value for a string then failed with a 500 on `?a=1&a=2`.
 */
export function firstValueQuery(text: string): Record<string, string> {
  const result = Object.create(null) as Record<string, string>;
  for (const [key, value] of new URLSearchParams(text)) if (!(key in result)) result[key] = value;
  return result;
}
