// The integer op codes the kernels take as their `op` (or mode) argument: the one list shared by
// the AssemblyScript kernels (imported from assembly/*.ts) and the TypeScript fast paths (imported
// by src/backend/wasm/codes.ts, which keys them by primitive name). Plain `export const` lines
// only, so the file is valid in both languages; AssemblyScript inlines them as i32 constants.

// binaryF32 (assembly/elementwise.ts)
export const ADD = 0;
export const SUB = 1;
export const MUL = 2;
export const DIV = 3;
export const MAXIMUM = 4;
export const MINIMUM = 5;

// compareF32 (assembly/elementwise.ts): f32 operands, bool (u8 0/1) output
export const EQ = 0;
export const NE = 1;
export const LT = 2;
export const LE = 3;
export const GT = 4;
export const GE = 5;

// unaryF32 (assembly/elementwise.ts)
export const NEG = 0;
export const ABS = 1;
export const RELU = 2;
export const SQRT = 3;
export const COPY = 4;

// transcendentalF32 (assembly/transcendental.ts)
export const EXP = 0;
export const EXPM1 = 1;
export const LOG = 2;
export const TANH = 3;
export const SIGMOID = 4;

// reduceF32, reduceOuterInnerF32 (assembly/reduce.ts)
export const REDUCE_SUM = 0;
export const REDUCE_MAX = 1;
export const REDUCE_MIN = 2;

// attentionF32's maskKind (assembly/attention.ts)
export const MASK_NONE = 0;
export const MASK_BOOL = 1;
export const MASK_ADD = 2;
