import { projectConfig } from '../../vitest.shared.ts';

// The whole suite (gradient checks included) once per kernel set: their numbers differ in the
// last bits, and each must train and differentiate correctly.
export default projectConfig('layers', undefined, ['native', 'wasm', 'reference']);
