//! Running the scenario: the player (the simulation at the playhead, with checkpoints for
//! instant seeking), the journal the panels read, the delivery-guarantee checks, events in
//! words, Compare's second run, the animation of the tokens and the engine that moves them
//! frame by frame. Pure computation over the core and `model/`: nothing here knows about
//! Yew, the browser or the app's state.

pub mod animation;
pub mod by_copy;
pub mod checks;
pub mod compare;
pub mod engine;
pub mod fates;
pub mod flow;
pub mod journal;
pub mod player;
pub mod words;
