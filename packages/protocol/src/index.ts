export * from './ids.js';
export * from './errors.js';
export * from './limits.js';
export * from './text.js';
export * from './model.js';
export * from './widget.js';
export * from './agent.js';
export * from './email.js';
