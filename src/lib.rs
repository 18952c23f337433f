//! # Brokerlab, the app
//!
//! The Yew single-page app: a canvas editor and player for the broker core (compiled to
//! wasm32). People drag producers, exchanges, queues, topics, consumers and dead-letter
//! queues onto the canvas, wire them, set them up in the inspector, press Play and watch
//! every message move, retry, die or get lost, with the outcome told in plain words.
//!
//! ```text
//!   palette / canvas / inspector / transport ──Action──▶ state::AppState::reduce
//!         ▲                                                   │ document (JSON) + undo
//!         │ render (pure views of the state)                  │ doc::check (the core's validator)
//!         │                                                   ▼
//!   outcome, node status ◀── sync ── engine::Engine ◀── player::Player (checkpoints, seek)
//!                                       │ animation::Animator ◀── trace entries
//!                                       └─▶ draw (tokens on a <canvas>, every frame)
//! ```
//!
//! One `AppState: Reducible` holds the document and what the page shows; `reduce` never
//! touches the DOM. The engine (player and animation) is pure computation too; only the
//! frame loop in `app.rs` and the pointer handlers in `canvas.rs` and `palette.rs` touch the
//! browser.

pub mod model;
pub mod play;
pub mod state;
pub mod ui;

pub use ui::app::App;
