//! The side panel: its tabs (`tabs`) and what each one shows: the lesson's narration
//! (`lesson`), the event log (`log`), the message passport (`passport`), the flow view of its
//! whole flow (`flow`), the charts
//! (`charts`) and the checks (`monitor`); `markup` writes the views that are lists of
//! buttons as text. The inspector, also a tab, lives with the editor.

pub mod charts;
pub mod flow;
pub mod lesson;
pub mod log;
pub mod markup;
pub mod monitor;
pub mod passport;
pub mod tabs;
