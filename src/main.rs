//! Entry point of the browser build: mounts [`brokerlab_app::App`] on `<body>` once its first
//! lesson's file has arrived.

// Talc instead of the standard library's dlmalloc: a smaller allocator in the wasm bundle
// and a faster one for the simulation's many small allocations. The page is single-threaded.
#[cfg(all(target_family = "wasm", not(target_feature = "atomics")))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

fn main() {
    brokerlab_app::ui::share::lesson_files::mount();
}
