import type { FeatureFactory } from '../../core/feature.js';

// Placeholder until the whatsapp feature lands.
export const whatsappFeature: FeatureFactory = () => ({ name: 'whatsapp' });
