//! The side panel: its tabs and what each one shows (the lesson's narration, the event log,
//! the message passport, the charts and the checks; the inspector lives with the editor).

pub mod charts;
pub mod lesson;
pub mod log;
pub mod monitor;
pub mod passport;
pub mod tabs;
