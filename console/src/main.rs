#[cfg(target_arch = "wasm32")]
fn main() {
    leptos::mount::mount_to_body(baton_console::App);
}

// The console only runs in a browser; natively the crate is its tested view-model.
#[cfg(not(target_arch = "wasm32"))]
fn main() {}
