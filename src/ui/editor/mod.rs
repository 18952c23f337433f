//! The editor: the canvas where the topology is drawn and wired, the palette of node kinds,
//! the inspector of the selected node or wire, and the animation's tokens drawn over the
//! canvas every frame.

pub mod canvas;
pub mod draw;
pub mod inspector;
pub mod label_place;
pub mod palette;
