export * from './types.js';
export * from './fields.js';
export * from './fold.js';
export * from './facts.js';
export * from './validate.js';
export * from './evaluate.js';
export * from './schedule.js';
export * from './regex.js';
