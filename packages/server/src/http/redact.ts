/** Parameters whose values must never reach a log line. */
const SECRET_PARAMS = /([?&;](?:accessToken|password|newPassword|token|secret)=)[^&;#]*/gi;

/**
 * A URL fit for logs: values of secret-bearing parameters (in the query or as `;` path parameters)
 * become `***`. Every log line that mentions a request URL goes through this.
 */
export function redactUrl(url: string): string {
  return url.replace(SECRET_PARAMS, '$1***');
}
