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

use yew::prelude::*;

/// "true" or "false", for an ARIA state: a static text, where `bool::to_string` would
/// allocate a string (and carry the code for it) at each attribute.
pub fn true_false(b: bool) -> &'static str {
    if b {
        "true"
    } else {
        "false"
    }
}

/// One `<option>` of a `<select>`: every list of choices shares this one `html!` element
/// rather than carrying its own copy of the code that builds it.
pub fn option(value: AttrValue, label: AttrValue, selected: bool) -> Html {
    html! { <option value={value} selected={selected}>{ label }</option> }
}

/// Class names joined by spaces, the empty ones left out: what Yew's `classes!` makes,
/// without the index set it builds (whose hashing code the wasm would carry for it).
pub fn class_list(parts: &[&str]) -> String {
    let mut out = String::new();
    for p in parts.iter().filter(|p| !p.is_empty()) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(p);
    }
    out
}

/// What a component does once it is mounted (start a loop, listen to the window), returning
/// what undoes it when the component goes.
pub type MountEffect = Box<dyn FnOnce() -> Box<dyn FnOnce()>>;

/// Runs `effect` once, after the first render. Every mount-only effect goes through this one
/// hook, boxed: each `use_effect_with` of a closure type of its own is another copy of Yew's
/// effect code in the wasm.
#[hook]
pub fn use_on_mount(effect: MountEffect) {
    use_effect_with((), move |_| effect());
}

/// Runs `effect` after the first render and after every render whose `deps` changed, as
/// `use_effect_with` does, with nothing to undo. Boxed for the same reason as
/// [`use_on_mount`]: one copy of Yew's effect code for each type of `deps`, not for each
/// closure.
#[hook]
pub fn use_effect_on<D: PartialEq + 'static>(deps: D, effect: Box<dyn FnOnce(&D)>) {
    use_effect_with(deps, move |deps| effect(deps));
}
