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

pub mod animation;
pub mod app;
pub mod canvas;
pub mod charts;
pub mod checks;
pub mod compare;
pub mod doc;
pub mod draw;
pub mod embed;
pub mod engine;
pub mod fields;
pub mod gallery;
pub mod help;
pub mod icons;
pub mod inspector;
pub mod journal;
pub mod lesson_view;
pub mod log_view;
pub mod monitor;
pub mod outcome_view;
pub mod palette;
pub mod panels;
pub mod passport;
pub mod player;
pub mod presets;
pub mod seed;
pub mod share;
pub mod share_view;
pub mod state;
pub mod transport;
pub mod words;

pub use app::App;
