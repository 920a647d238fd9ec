// Rate limits of the web chat (rate-limiter-flexible, in memory): per browser for messages,
// per IP address for every request. Behind a reverse proxy set TRUST_PROXY=on, else every
// resident seems to come from the proxy's address.
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { header } from '../../core/http-body.js';

/** The caller's IP: the proxy's X-Forwarded-For entry when trusted, else the socket's address. */
export function clientIp(c: Context, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = header(c, 'x-forwarded-for');
    // The proxy appends the address it saw: the last entry is the one it vouches for.
    const last = forwarded?.split(',').at(-1)?.trim();
    if (last) return last;
  }
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'local'; // app.request() in tests: no socket
  }
}

export interface Limits {
  perClientPerMinute: number;
  perIpPerMinute: number;
  sessionsPerIpPerHour: number;
}

export class WebLimits {
  private readonly client: RateLimiterMemory;
  private readonly ip: RateLimiterMemory;
  private readonly session: RateLimiterMemory;

  constructor(limits: Limits) {
    this.client = new RateLimiterMemory({ points: limits.perClientPerMinute, duration: 60 });
    this.ip = new RateLimiterMemory({ points: limits.perIpPerMinute, duration: 60 });
    this.session = new RateLimiterMemory({ points: limits.sessionsPerIpPerHour, duration: 3600 });
  }

  /** Resolves with undefined when allowed, or the seconds to wait. */
  async take(kind: 'client' | 'ip' | 'session', key: string): Promise<number | undefined> {
    const limiter = kind === 'client' ? this.client : kind === 'ip' ? this.ip : this.session;
    try {
      await limiter.consume(key);
      return undefined;
    } catch (res) {
      if (res instanceof RateLimiterRes) return Math.max(1, Math.ceil(res.msBeforeNext / 1000));
      throw res;
    }
  }
}
