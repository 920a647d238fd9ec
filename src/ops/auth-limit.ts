// Guessing officers' tokens: every 401 under /api/admin counts against the caller's address;
// past the limit the address gets 429 (with Retry-After) before any token is even compared,
// and each refusal is logged (the token itself never is).
import type { MiddlewareHandler } from 'hono';
import type { Logger } from 'pino';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import { clientIp } from '../channels/web/limits.js';

export function adminFailureLimit(opts: { log: Logger; trustProxy: boolean; failuresPerMinute?: number }): MiddlewareHandler {
  const limiter = new RateLimiterMemory({ points: opts.failuresPerMinute ?? 10, duration: 60, blockDuration: 300 });
  return async (c, next) => {
    const ip = clientIp(c, opts.trustProxy);
    const state = await limiter.get(ip);
    if (state && state.consumedPoints >= (opts.failuresPerMinute ?? 10)) {
      const wait = Math.max(1, Math.ceil(state.msBeforeNext / 1000));
      c.header('Retry-After', String(wait));
      return c.json({ error: `Too many wrong tokens from this address: wait ${wait} s` }, 429);
    }
    await next();
    if (c.res.status === 401) {
      const res = await limiter.consume(ip).catch((r: { consumedPoints: number }) => r);
      opts.log.warn({ ip, failures: res.consumedPoints, path: c.req.path }, 'admin API: wrong or missing token');
    }
  };
}
