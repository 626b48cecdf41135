// The engine's WebAssembly modules, each beside the JS code it accelerates (src/linalg/wasmKernels.ts owns
// the memory they all import): AssemblyScript source and committed binary, in build order. Read by
// scripts/build-wasm.mjs (`npm run build:wasm`) and scripts/copy-assets.mjs (dist/).
export const WASM_MODULES = [
  { source: 'src/linalg/wasm/linalg.as.ts', binary: 'src/linalg/wasm/linalg.wasm' },
  { source: 'src/random/wasm/sampling.as.ts', binary: 'src/random/wasm/sampling.wasm' },
  { source: 'src/ntk/wasm/network.as.ts', binary: 'src/ntk/wasm/network.wasm' },
];

// 128-bit SIMD, no runtime (the kernels allocate nothing), and the memory imported as env.memory and
// not exported: every module runs on the workspace memory created by src/linalg/wasmKernels.ts.
export const ASC_FLAGS = ['-O3', '--enable', 'simd', '--runtime', 'stub', '--importMemory', '--noExportMemory'];
