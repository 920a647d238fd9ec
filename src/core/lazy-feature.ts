// A channel whose library is big (Baileys ~40 MiB, grammY) is imported only when the channel
// is switched on, and then only at start-up (a dynamic import). Routes the channel adds to the
// public HTTP app or the admin API are served through a forwarding hop registered now, because
// both routers are fixed before start-up.
import { Hono, type Context, type Next } from 'hono';
import type { AppContext, Feature, FeatureFactory } from './feature.js';

export interface LazyChannel {
  name: string;
  /** Whether the channel is on, from the environment; cheap, and it must not import the library. */
  isOn(ctx: AppContext): boolean;
  /** Imports the channel's module and hands back its factory. */
  load(): Promise<FeatureFactory>;
}

/** Serves the routes `sub` got once loaded; anything else goes on to the routes after it. */
function forwardTo(getSub: () => Hono | undefined) {
  return async (c: Context, next: Next) => {
    const sub = getSub();
    if (!sub) return next();
    // The part of the path below where this middleware is mounted ('/api/admin/*' → '/whatsapp/qr').
    const base = c.req.routePath.replace(/\/?\*$/, '');
    const rest = c.req.path.slice(base.length) || '/';
    const first = `/${rest.split('/')[1] ?? ''}`;
    if (!sub.routes.some((r) => r.path === first || r.path.startsWith(`${first}/`))) return next();
    const url = new URL(c.req.url);
    url.pathname = rest;
    return sub.fetch(new Request(url, c.req.raw));
  };
}

export function lazyChannel(channel: LazyChannel): FeatureFactory {
  return (ctx) => {
    if (!channel.isOn(ctx)) return { name: channel.name };
    let http: Hono | undefined;
    let admin: Hono | undefined;
    ctx.http.use('*', forwardTo(() => http));
    ctx.admin?.use('*', forwardTo(() => admin));
    let real: Feature | undefined;
    return {
      name: channel.name,
      async start() {
        const factory = await channel.load();
        const subHttp = new Hono();
        const subAdmin = ctx.admin ? new Hono() : undefined;
        real = factory({ ...ctx, http: subHttp, admin: subAdmin });
        http = subHttp;
        admin = subAdmin;
        await real.start?.();
      },
      housekeeping: (now) => real?.housekeeping?.(now),
      health: () => real?.health?.() ?? { name: channel.name, state: 'starting', ok: false },
      stop: () => real?.stop?.(),
    };
  };
}
