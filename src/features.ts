// Every feature the app runs, in start order. Channels come last: they start taking
// messages once the flows they lead to are registered.
import { applicationsFeature } from './applications/feature.js';
import { bookingFeature } from './booking/feature.js';
import { telegramFeature } from './channels/telegram/feature.js';
import { webChatFeature } from './channels/web/feature.js';
import { whatsappFeature } from './channels/whatsapp/feature.js';
import type { FeatureFactory } from './core/feature.js';
import { dashboardFeature } from './dashboard/feature.js';
import { handoffFeature } from './handoff/feature.js';

export const features: FeatureFactory[] = [bookingFeature, applicationsFeature, handoffFeature, webChatFeature, telegramFeature, whatsappFeature, dashboardFeature];
