// Security headers without a web `Headers` per request. hono's secureHeaders sets its dozen
// headers one by one on the response's `Headers` after every request, which makes
// @hono/node-server turn the answer's plain header object into undici's `Headers` (validating
// every name and value) and back. The headers do not depend on the request: they are computed
// once, here, by running hono's own secureHeaders with the app's options, and the web chat's
// JSON answers carry them from the start (`securedJson`), so nothing is set on them afterwards.
import { Hono, type MiddlewareHandler } from 'hono';
import { secureHeaders } from 'hono/secure-headers';

/** nosniff, no framing, no referrer everywhere; the web chat page adds its own CSP. */
export const securityEverywhere = secureHeaders({ xFrameOptions: 'DENY', crossOriginResourcePolicy: 'same-origin', crossOriginOpenerPolicy: 'same-origin' });
/** The JSON API loads nothing and is framed by nobody. */
export const securityApi = secureHeaders({ contentSecurityPolicy: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } });

/** The headers these middlewares (outermost first, as registered) leave on an answer to `path`. */
async function headersSetBy(middlewares: Array<[string, MiddlewareHandler]>, path: string): Promise<Array<[string, string]>> {
  const probe = new Hono();
  for (const [at, middleware] of middlewares) probe.use(at, middleware);
  probe.all('*', (c) => c.body(null, 204));
  const res = await probe.request(path);
  return [...res.headers];
}

const EVERYWHERE = await headersSetBy([['*', securityEverywhere]], '/');
const API_ONLY = await headersSetBy([['*', securityApi]], '/api/');
/** What an /api/ JSON answer carries after both middlewares (the outer one last, overwriting). */
const API_JSON: Record<string, string> = { ...Object.fromEntries([...API_ONLY, ...EVERYWHERE]), 'content-type': 'application/json' };

/** Marks answers built with their security headers already in place (a WeakSet costs ~3 µs an answer). */
const SECURED = Symbol('secured');

/**
 * A JSON answer under /api/ with the security headers both middlewares below would set (and
 * `extra`, e.g. Retry-After), as one plain object @hono/node-server writes as it is.
 */
export function securedJson(body: unknown, status = 200, extra?: Record<string, string>): Response {
  return securedJsonText(JSON.stringify(body), status, extra);
}

/** As securedJson, for a body that is JSON text already. */
export function securedJsonText(json: string, status = 200, extra?: Record<string, string>): Response {
  // A copy per answer (node-server adds Content-Length to it). A plain clone is V8's fast path
  // (~0.05 µs); a spread that adds keys to the copy, as `{ ...headers, 'content-type': … }`, ~2 µs.
  const res = new Response(json, { status, headers: extra ? { ...API_JSON, ...extra } : { ...API_JSON } });
  (res as Response & { [SECURED]?: true })[SECURED] = true;
  return res;
}

/**
 * hono's secureHeaders (overwriting, as it does by default) from headers computed once; an
 * answer built by `securedJson` has them already and is left alone. Register where the
 * middleware itself was registered: `scope` 'everywhere' on '*', 'api' on '/api/*'.
 */
export function securityHeaders(scope: 'everywhere' | 'api'): MiddlewareHandler {
  const headers = scope === 'api' ? API_ONLY : EVERYWHERE;
  return async (c, next) => {
    await next();
    if ((c.res as Response & { [SECURED]?: true })[SECURED]) return;
    for (const [name, value] of headers) c.res.headers.set(name, value);
    c.res.headers.delete('x-powered-by'); // secureHeaders' removePoweredBy
  };
}
