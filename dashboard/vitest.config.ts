import { mergeConfig } from 'vitest/config';
import { projectConfig } from '../vitest.shared.ts';

export default mergeConfig(projectConfig('dashboard'), { test: { globalSetup: ['test/global-setup.ts'] } });
