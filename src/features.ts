// Every feature the app runs, in start order. Channels come last: they start taking
// messages once the flows they lead to are registered. Telegram and WhatsApp are imported
// only when switched on (their libraries cost tens of MiB).
import { applicationsFeature } from './applications/feature.js';
import { bookingFeature } from './booking/feature.js';
import { loadTelegramConfig } from './channels/telegram/config.js';
import { webChatFeature } from './channels/web/feature.js';
import { WhatsAppConfig } from './channels/whatsapp/config.js';
import { parseEnv } from './config.js';
import type { FeatureFactory } from './core/feature.js';
import { dashboardFeature } from './dashboard/feature.js';
import { handoffFeature } from './handoff/feature.js';
import { lazyChannel } from './core/lazy-feature.js';

const telegramFeature = lazyChannel({
  name: 'telegram',
  isOn: (ctx) => {
    if (loadTelegramConfig(ctx.env)) return true;
    ctx.log.info('Telegram is off: set TELEGRAM_BOT_TOKEN (from @BotFather) to turn it on');
    return false;
  },
  load: async () => (await import('./channels/telegram/feature.js')).telegramFeature,
});

const whatsappFeature = lazyChannel({
  name: 'whatsapp',
  isOn: (ctx) => parseEnv(WhatsAppConfig, ctx.env).WHATSAPP,
  load: async () => (await import('./channels/whatsapp/feature.js')).whatsappFeature,
});

export const features: FeatureFactory[] = [bookingFeature, applicationsFeature, handoffFeature, webChatFeature, telegramFeature, whatsappFeature, dashboardFeature];
