//! # Brokerlab, the app
//!
//! The Yew single-page app: a canvas editor and player for the broker core (compiled to
//! wasm32). People drag producers, exchanges, queues, topics, consumers and dead-letter
//! queues onto the canvas, wire them, set them up in the inspector, press Play and watch
//! every message move, retry, die or get lost, with the outcome told in plain words.
//!
//! ```text
//!   ui/ (editor, player, panels, share) ──Action──▶ state::AppState::reduce
//!         ▲                                           │ model::doc (JSON) + undo
//!         │ render (pure views of the state)          │ model::doc::check (the core's validator)
//!         │                                           ▼
//!   outcome, node status ◀── sync ── play::engine::Engine ◀── play::player::Player (checkpoints, seek)
//!                                       │ play::animation::Animator ◀── trace entries
//!                                       └─▶ ui::editor::draw (tokens on a <canvas>, every frame)
//! ```
//!
//! The folders, from the bottom up, and what each may import besides the core (the core's
//! `layout` test, in `broker/tests/all/layout.rs`, checks it):
//!
//! - `model/`: the document and its edits, the field catalogue, presets and lessons, the share
//!   codec's glue, the seed, number and time formatting. Imports nothing of the app.
//! - `play/`: the player, the journal, the guarantee checks, the fates, events in words,
//!   Compare's second run, the animation and the engine. May import `model/`.
//! - `state/`: `AppState`, the actions (edit, select, transport, view, panel, open) and the
//!   reducer. May import `model/` and `play/`.
//! - `ui/`: the components: app, toolbar, keyboard, frame loop, icons, help; `editor/`,
//!   `player/`, `panels/`, `share/`. May import every folder.
//!
//! Nothing in `model/` or `play/` knows about Yew or the browser. One `AppState: Reducible`
//! holds the document and what the page shows; `reduce` never touches the DOM. The engine
//! (player and animation) is pure computation too; only `ui/` touches the browser (the frame
//! loop, the pointer and keyboard handlers, the address bar, the clipboard and embed mode's
//! messages).

pub mod model;
pub mod play;
pub mod state;
pub mod ui;

pub use ui::app::App;
