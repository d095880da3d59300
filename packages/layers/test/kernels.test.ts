// The suite runs once per kernel set (vitest.config.ts): this checks it runs on the one named.
import { kernels } from '@ablate/tensor';
import { expect, it } from 'vitest';

it('trains on the kernel set ABLATE_KERNELS names', () => {
  expect(kernels().name.startsWith(process.env.ABLATE_KERNELS ?? '')).toBe(true);
});
