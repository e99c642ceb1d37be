// Replaced at build time by webpack's DefinePlugin (see webpack.config.js); absent under ts-jest.
declare const __LSP_VERSION__: string | undefined;

export const WORKERS_VERSION: string = typeof __LSP_VERSION__ === 'string' ? __LSP_VERSION__ : 'dev';
