//! Entry point of the browser build: mounts [`brokerlab_app::App`] on `<body>`.

fn main() {
    yew::Renderer::<brokerlab_app::App>::new().render();
}
