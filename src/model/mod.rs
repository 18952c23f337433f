//! The scenario as the app holds it: the document and its edits (`doc`), the inspector's
//! field catalogue (`fields`), the scenarios shipped with the app (`presets`) and the lessons
//! they make up (`lessons`), the share codec's glue (`share`), the seed a person types
//! (`seed`), a consumer as a service (`service`), numbers and times as the page writes them
//! (`format`), how wide a line of text is drawn (`text_width`), and the texts the app's wasm fetches
//! rather than carries (`texts`). Plain data and
//! functions over JSON: nothing here knows about Yew, the browser, the player or the app's
//! state.

pub mod doc;
pub mod fields;
pub mod format;
pub mod lessons;
pub mod presets;
pub mod seed;
pub mod service;
pub mod share;
pub mod shortcuts;
pub mod text_width;
pub mod texts;
