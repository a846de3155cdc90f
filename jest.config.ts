import type { Config } from 'jest';

const config: Config = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  restoreMocks: true,
  testTimeout: 20_000,
  // Examples import the package by name, as users do; here the name means the sources.
  moduleNameMapper: { '^qui-actors$': '<rootDir>/src/index.ts' },
  // Probes Redis once: the files that need it fail at once, in one line, when it is down.
  globalSetup: '<rootDir>/test/setup/global-setup.ts',
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  collectCoverageFrom: ['src/**/*.ts'],
  // `npm run coverage` fails below these (measured: 95% statements, 91% branches, 91% functions).
  coverageThreshold: { global: { statements: 90, branches: 88, functions: 88, lines: 90 } },
};

export default config;
