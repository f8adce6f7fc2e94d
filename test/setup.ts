// Shared by every suite: initialise the module once per test file.
import { beforeAll } from 'vitest';
import { init } from '../src/index.js';

beforeAll(async () => {
  await init();
});
