import { projectConfig } from '../../vitest.shared.ts';

export default projectConfig('cli', 60_000);
