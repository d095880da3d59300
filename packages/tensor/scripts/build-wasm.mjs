// Placeholder replaced by the WebAssembly build (see packages/tensor/src/wasm).
