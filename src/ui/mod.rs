//! The page: the root component and the views it is made of. Views render the state they are
//! given and turn gestures into actions; only this folder touches Yew and the browser.
//!
//! - `app`, `icons`, `help`: the root component, the inline icons and the help overlay.
//! - `editor/`: the canvas, the palette, the inspector and the tokens drawn over the canvas.
//! - `player/`: the transport, the Outcome region and Compare's pane.
//! - `panels/`: the side panel's tabs (lesson, event log, passport, charts, checks).
//! - `share/`: the share toolbar and address bar, embed mode and the lesson gallery.

pub mod app;
pub mod editor;
pub mod help;
pub mod icons;
pub mod panels;
pub mod player;
pub mod share;
