import { defineConfig } from 'vitest/config';

// Unit tests need nothing outside the process. Integration tests start the real lab (dockerd, HAProxy,
// nginx, Redis); they run one file at a time because the machine has two cores and the lab's ports and
// containers are shared resources.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: ['test/**/*.int.test.ts'],
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/**/*.int.test.ts'],
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
