// Request bodies on the hot routes without a web `Request` per message. @hono/node-server
// builds a web Request (an AbortController and a web stream over Node's request) the first
// time anything touches `c.req.raw.body`; hono's bodyLimit does so on every POST, even when
// the declared length already settles it. Measured on the web chat send path: ~10 % of CPU.
import type { IncomingMessage } from 'node:http';
import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';

type BodyLimitOptions = Parameters<typeof bodyLimit>[0];

/**
 * hono's bodyLimit, deciding from the headers alone when they settle it (a declared
 * Content-Length and no Transfer-Encoding, as its own fast path does), so the body is not
 * wrapped in a web stream; a chunked body goes through hono's bodyLimit, which counts it.
 */
export function declaredBodyLimit(options: BodyLimitOptions): MiddlewareHandler {
  const full = bodyLimit(options);
  const onError = options.onError;
  return async (c, next) => {
    const method = c.req.method;
    // No body to limit (hono's bodyLimit: `if (!c.req.raw.body) return next()`).
    if (method === 'GET' || method === 'HEAD') return next();
    const length = header(c, 'content-length');
    if (length !== undefined && header(c, 'transfer-encoding') === undefined && onError) {
      return parseInt(length || '0', 10) > options.maxSize ? onError(c) : next();
    }
    return full(c, next);
  };
}

/**
 * A request header (`name` in lower case) read from Node's own parsed headers when the request
 * came through the Node server: `c.req.header()` makes @hono/node-server build a web `Headers`
 * of every header on first use (undici's validation of each one: ~3 % of a web-chat message's
 * CPU). Repeated headers are joined with ", " as `Headers.get` does (Node keeps the first of
 * the headers it allows once, such as Content-Type). In `app.request()` (tests), `c.req.header`.
 */
export function header(c: Context, name: string): string | undefined {
  const headers = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming?.headers;
  if (!headers) return c.req.header(name);
  const value = headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

/**
 * The body parsed as JSON, or null when it is not JSON (as `c.req.json().catch(() => null)`).
 * Read straight from Node's request when nothing has started reading it; the body limits
 * above have checked its declared length, and `maxBytes` bounds what is read regardless.
 */
export async function readJson(c: Context, maxBytes: number): Promise<unknown> {
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  if (!incoming || typeof incoming.on !== 'function' || incoming.readableDidRead || incoming.headers['content-length'] === undefined) {
    return c.req.json().catch(() => null);
  }
  const raw = await new Promise<Buffer | null>((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    incoming.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        resolve(null);
        incoming.pause();
        return;
      }
      chunks.push(chunk);
    });
    incoming.once('end', () => resolve(Buffer.concat(chunks, size)));
    incoming.once('error', () => resolve(null));
    incoming.once('aborted', () => resolve(null));
  });
  if (!raw) return null;
  try {
    // TextDecoder drops a UTF-8 BOM, as Request.json() does.
    return JSON.parse(decoder.decode(raw));
  } catch {
    return null;
  }
}

const decoder = new TextDecoder();
