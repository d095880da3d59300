// `npx nx run data:bench`: the benchmarks of @ablate/data.
import { memoryBench } from './memory.ts';

await memoryBench();
