//! The scenario as the app holds it: the document and its edits, the inspector's field
//! catalogue, the lessons shipped with the app, the share codec's glue and the seed a person
//! types. Plain data and functions over JSON: nothing here knows about Yew, the browser, the
//! player or the app's state.

pub mod doc;
pub mod fields;
pub mod format;
pub mod lessons;
pub mod presets;
pub mod seed;
pub mod share;
