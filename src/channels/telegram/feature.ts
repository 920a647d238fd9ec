import type { FeatureFactory } from '../../core/feature.js';

// Placeholder until the telegram feature lands.
export const telegramFeature: FeatureFactory = () => ({ name: 'telegram' });
