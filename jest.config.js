// Jest runs the TypeScript sources through swc (fast, no type-checking: `tsc` in `npm test` does that).
/** @type {import('jest').Config} */
module.exports = {
  roots: ['<rootDir>/tests'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs', ignoreDynamic: true } }],
  },
  testEnvironment: 'node',
  testTimeout: 30000,
};
