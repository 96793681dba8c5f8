// Where the module's own static data ends: the JS allocator must hand out memory only above it
// (a kernel that pulls in a lookup table, e.g. Mathf.exp's, puts it at the start of memory).

/** First byte after the module's static data (AssemblyScript's __heap_base). */
export function heapBase(): usize {
  return __heap_base;
}
