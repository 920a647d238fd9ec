// The Telegram channel as a feature: on when TELEGRAM_BOT_TOKEN is set.
import type { Feature, FeatureFactory } from '../../core/feature.js';
import { TelegramChannel, type TelegramChannelOptions } from './channel.js';
import { loadTelegramConfig } from './config.js';

export interface TelegramFeature extends Feature {
  /** The running channel (tests and the benchmark reach the bot through it); undefined when off. */
  channel?: TelegramChannel;
}

/** The factory with test/benchmark options (a fake Bot API transport, known bot info). */
export function createTelegramFeature(options: TelegramChannelOptions = {}): FeatureFactory {
  return (ctx): TelegramFeature => {
    const config = loadTelegramConfig(ctx.env);
    if (!config) {
      ctx.log.info('Telegram is off: set TELEGRAM_BOT_TOKEN (from @BotFather) to turn it on');
      return { name: 'telegram' };
    }
    const channel = new TelegramChannel(ctx, config, options);
    // Registered now, so replies queued before start-up go out once the dispatcher runs.
    ctx.dispatcher.register('telegram', channel.sender);
    return {
      name: 'telegram',
      channel,
      start: () => channel.start(),
      health: () => channel.health(),
      stop: () => channel.stop(),
    };
  };
}

export const telegramFeature: FeatureFactory = createTelegramFeature();
