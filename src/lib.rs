//! # Brokerlab's app shell
//!
//! The Yew single-page app that drives the broker core in the browser. This first shell
//! lists the preset scenarios, runs the chosen one to its end in the core (compiled to
//! wasm32) and shows the outcome in plain words.
//!
//! ```text
//!   <select Scenario> ─┐
//!   <input Seed>  ─────┼─ Action ──▶ AppState::reduce ──run──▶ broker::Simulation
//!   <button Run>  ─────┘                  │                        │
//!                                         ◀──── broker::Outcome ───┘
//!   view components (pure functions of props) ◀── AppState
//! ```
//!
//! One `AppState: Reducible` holds everything; `reduce` runs the (pure, sans-IO) core and
//! never touches the DOM. The view components only render their props.

pub mod animation;
pub mod app;
pub mod controls;
pub mod doc;
pub mod draw;
pub mod fields;
pub mod outcome_view;
pub mod player;
pub mod presets;
pub mod runner;
pub mod state;

pub use app::App;
