/**
 * Query strings as the servlet API reads them: a repeated parameter keeps its first value
 * (`getParameter`), as form bodies do (parseForm). Fastify's default makes an array of it, and
 * every handler that took a query value for a string then failed with a 500 on `?a=1&a=2`.
 */
export function firstValueQuery(text: string): Record<string, string> {
  return firstValues(text, Object.create(null) as Record<string, string>);
}

const NON_ASCII = /[\u0080-\uffff]/;
const PLUS = /\+/g;

/**
 * Adds each name of url-encoded `text` with its first value to `into`, decoded exactly as
 * URLSearchParams decodes them. Every request's query (and every form body) passes here, so the
 * common case is done with indexOf and the engine's decodeURIComponent; text that needs
 * URLSearchParams's leniency (malformed `%`, bytes that are not UTF-8, non-ASCII characters) is
 * read by URLSearchParams itself.
 */
export function firstValues(text: string, into: Record<string, string>): Record<string, string> {
  if (NON_ASCII.test(text)) return slowFirstValues(text, into);
  const end = text.length;
  let start = text.charCodeAt(0) === 0x3f /* ? */ ? 1 : 0;
  while (start < end) {
    let amp = text.indexOf('&', start);
    if (amp < 0) amp = end;
    if (amp > start) {
      const eq = text.indexOf('=', start);
      const name = decode(text.slice(start, eq >= 0 && eq < amp ? eq : amp));
      const value = eq >= 0 && eq < amp ? decode(text.slice(eq + 1, amp)) : '';
      // What was read so far was read as URLSearchParams reads it: the slow path keeps it.
      if (name === undefined || value === undefined) return slowFirstValues(text, into);
      if (!(name in into)) into[name] = value;
    }
    start = amp + 1;
  }
  return into;
}

function slowFirstValues(text: string, into: Record<string, string>): Record<string, string> {
  for (const [name, value] of new URLSearchParams(text)) if (!(name in into)) into[name] = value;
  return into;
}

/** `+` is a space, then percent-decoding; undefined when decodeURIComponent refuses it. */
function decode(part: string): string | undefined {
  const spaced = part.indexOf('+') < 0 ? part : part.replace(PLUS, ' ');
  if (spaced.indexOf('%') < 0) return spaced;
  try {
    return decodeURIComponent(spaced);
  } catch {
    return undefined;
  }
}
