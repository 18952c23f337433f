//! The page: the root component and the views it is made of. Views render the state they are
//! given and turn gestures into actions; only this folder touches Yew and the browser.
//!
//! - `app`, `toolbar`, `keyboard`, `frame_loop`: the root component and its page layout, the
//!   toolbar along the top, the keyboard shortcuts and the animation-frame loop.
//! - `icons`, `help`: the inline icons and the help overlay.
//! - `editor/`: the canvas, the palette, the inspector and the tokens drawn over the canvas.
//! - `player/`: the transport, the Outcome region and Compare's pane.
//! - `panels/`: the side panel's tabs (lesson, event log, passport, charts, checks).
//! - `share/`: the share tools and the address bar, embed mode and the lesson gallery.

pub mod app;
pub mod editor;
pub mod frame_loop;
pub mod help;
pub mod icons;
pub mod keyboard;
pub mod panels;
pub mod player;
pub mod share;
pub mod toolbar;
