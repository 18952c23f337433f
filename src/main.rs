//! Entry point of the browser build: mounts [`brokerlab_app::App`] on `<body>` once its first
//! lesson's file has arrived.

fn main() {
    brokerlab_app::ui::share::lesson_files::mount();
}
