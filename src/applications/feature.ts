import type { FeatureFactory } from '../core/feature.js';

// Placeholder until the applications feature lands.
export const applicationsFeature: FeatureFactory = () => ({ name: 'applications' });
