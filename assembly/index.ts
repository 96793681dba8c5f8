// Entry of the wasm module: re-exports every kernel family. Built twice (plain and relaxed SIMD)
// into dist/wasm/ by scripts/asbuild.mjs; memory is imported (shared, so threads can use it).
export { gemm, gemmBatched, gemmScratchBytes } from './gemm';
export { binaryF32, unaryF32, rsqrtF32, compareF32, whereF32 } from './elementwise';
export { reduceF32, reduceOuterInnerF32, reduceScratchBytes } from './reduce';
export { adamF32, sgdF32 } from './optim';
export { transcendentalF32 } from './transcendental';
export { unfoldF32, foldF32 } from './window';
export { stridedCopy } from './copy';
export { erfF32 } from './erf';
export { argF32, gather32, scatterAddF32 } from './indexing';
export { attentionF32 } from './attention';
export { nearTablesF32, nearRowsF32, nearRowsScratchBytes, projectRowsF32, projectRowsRangeF32, sharedKeysI32, sharedKeysScratchBytes } from './near-rows';
export { boostU8, boostScratchBytes, forestScoresU8 } from './boost';
export { softmaxRegressionF32 } from './softmax-regression';
export { linearDesignF32 } from './linear-design';
export { math64 } from './math64';
export { columnMinMaxF32, columnSumsF32, sumSquaresF32 } from './column-stats';
export { leakNearestF32, leakNearestScratchBytes } from './leak-nearest';
export { binColumnsF32, binColumnsScratchBytes, binRowsF32 } from './bins';
export { heapBase } from './layout';
