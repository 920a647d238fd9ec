import type { FeatureFactory } from '../core/feature.js';

// Placeholder until the booking feature lands.
export const bookingFeature: FeatureFactory = () => ({ name: 'booking' });
