export * from './schema.js';
export * from './ranks.js';
export * from './board.js';
export * from './commands.js';
export * from './validate.js';
export * from './fields.js';
export * from './stage-rules.js';
