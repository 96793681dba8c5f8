// Entry of the wasm module: re-exports every kernel family. Built twice (plain and relaxed SIMD)
// into dist/wasm/ by scripts/asbuild.mjs; memory is imported (shared, so threads can use it).
export { gemm, gemmBatched, gemmBatchedPacked, gemmScratchBytes, gemmSpareBytes, packPanelsA, packPanelsB } from './gemm';
export { binaryF32, unaryF32, rsqrtF32, compareF32, whereF32 } from './elementwise';
export { reduceF32, reduceOuterInnerF32, reduceScratchBytes, sumColumnsF32 } from './reduce';
export { adamF32 } from './optim';
export { transcendentalF32 } from './transcendental';
export { unfoldF32, foldF32, maxPoolIndexF32 } from './window';
export { stridedCopy, zeroFill, copyBytes } from './copy';
export { erfF32 } from './erf';
export { argF32, gather32, scatterAddF32, indexSelect32, indexAddF32 } from './indexing';
export { attentionF32 } from './attention';
export { heapBase } from './layout';
export { simdMaddProbe, simdMaddProbeFlops } from './roofline';
export { lstmCellF32, lstmCellGradF32, lstmSequenceF32, lstmSequenceGradF32 } from './lstm';
export { gruSequenceF32, gruSequenceGradF32, rnnSequenceF32, rnnSequenceGradF32 } from './gru';
export { geluF32 } from './gelu';
export { layerNormF32, layerNormGradRowsF32, layerNormGradColumnsF32 } from './layer-norm';
export { softmaxF32, softmaxGradF32 } from './softmax';
