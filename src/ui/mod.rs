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

use std::any::Any;
use std::cell::RefCell;
use std::rc::Rc;

use yew::functional::{Hook, UseForceUpdateHandle};
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

/// Fixed markup (a heading, a label, a line of help) as it is written, not an element and
/// its text built at every render: each `html!` element is code in the wasm, a static
/// string is not (see `panels::markup`). Nothing in it is escaped, so only text written here
/// goes in, never a name from the scenario.
#[inline(never)]
pub fn raw(markup: &'static str) -> Html {
    Html::from_html_unchecked(AttrValue::Static(markup))
}

/// An element whose one child is a text of the page's own or from the scenario (a title, a
/// node's name), as markup: `open`, the text escaped, `close`. Not an element and a text
/// node built at each call site (see [`raw`]).
#[inline(never)]
pub fn text_in(open: &'static str, text: &str, close: &'static str) -> Html {
    Html::from_html_unchecked(format!("{open}{}{close}", panels::markup::esc(text)).into())
}

/// Class names joined by spaces, the empty ones left out, for [`with_class`].
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

/// `node`, an element of `html!` written with a placeholder `class="…"`, with the class
/// `class` worked out as it renders. `html!` turns a class that is not a literal into Yew's
/// `Classes`, an index set that hashes each name, and the code of that set and its hash
/// table was 1.8 KB of the gzip'd wasm for a dozen elements; this puts the text in the
/// class's place among the element's attributes, which `html!` keeps as a list of names
/// and a list of values when one of them is not a literal. So the element has another
/// attribute that is not a literal, or no other attribute at all: a list of literal
/// attributes only has no value to change.
#[inline(never)]
pub fn with_class(mut node: Html, class: AttrValue) -> Html {
    use yew::virtual_dom::{AttributeOrProperty, Attributes};
    let class = Some(AttributeOrProperty::Attribute(class));
    // A tag just built by `html!` has no other owner.
    if let Some(tag) = match &mut node {
        Html::VTag(tag) => std::rc::Rc::get_mut(tag),
        _ => None,
    } {
        match &mut tag.attributes {
            Attributes::Dynamic { keys, values } => {
                let at = keys.iter().position(|k| *k == "class");
                debug_assert!(at.is_some(), "with_class: no class in its html!");
                if let Some(v) = at.and_then(|i| values.get_mut(i)) {
                    *v = class;
                }
            }
            attributes => {
                debug_assert!(
                    matches!(attributes, Attributes::Static([("class", _)])),
                    "with_class: literal attributes"
                );
                *attributes = Attributes::Dynamic { keys: &["class"], values: Box::new([class]) };
            }
        }
    }
    node
}

/// What a component does once it is mounted (start a loop, listen to the window), returning
/// what undoes it when the component goes.
pub type MountEffect = Box<dyn FnOnce() -> Box<dyn FnOnce()>>;

/// What an effect depends on, of whatever type, with the comparison of that type: every
/// effect of the page goes through one `use_effect_with` of this ([`use_changed`]). Each
/// `use_effect_with` of a dependency type of its own was another copy of Yew's effect code
/// in the wasm (half a kilobyte or more each).
pub struct Deps(Box<dyn Same>);

/// A dependency compared with another of any type (which is never another when the same
/// call of a hook renders again). One downcast per type: every `TypeId` the wasm compares
/// against is 16 bytes gzip cannot shrink (measured: a downcast in the effect as well made
/// the page's wasm larger, not smaller).
trait Same {
    fn same(&self, other: &dyn Any) -> bool;
    fn any(&self) -> &dyn Any;
}

impl<D: PartialEq + 'static> Same for D {
    fn same(&self, other: &dyn Any) -> bool {
        other.downcast_ref::<D>() == Some(self)
    }

    fn any(&self) -> &dyn Any {
        self
    }
}

impl PartialEq for Deps {
    fn eq(&self, o: &Deps) -> bool {
        self.0.same(o.0.any())
    }
}

/// What an effect does, returning what undoes it.
type Changed = Box<dyn FnOnce() -> Box<dyn FnOnce()>>;

/// Runs `effect` after the first render and after every render whose `deps` changed, as
/// `use_effect_with` does; what it returns is run before the next time and when the
/// component goes.
#[hook]
fn use_changed(deps: Deps, effect: Changed) {
    use_effect_with(deps, move |_| effect());
}

/// A value of a component's that renders the component again when it is set, as Yew's
/// `use_state` does ([`use_value`]). A render sees the value as it was when the render began,
/// as with `use_state`. Without `use_state`'s reducer, whose code the wasm carried once for
/// each type of value (close to a kilobyte each).
pub struct State<T> {
    seen: Rc<T>,
    now: Rc<RefCell<Rc<T>>>,
    render: UseForceUpdateHandle,
}

impl<T> Clone for State<T> {
    fn clone(&self) -> Self {
        State { seen: self.seen.clone(), now: self.now.clone(), render: self.render.clone() }
    }
}

impl<T> std::ops::Deref for State<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.seen
    }
}

impl<T> State<T> {
    /// Sets the value and renders the component again.
    pub fn set(&self, value: T) {
        *self.now.borrow_mut() = Rc::new(value);
        self.render.force_update();
    }
}

/// A [`State`] that starts as `init()`.
#[hook]
pub fn use_value<T: 'static, F: FnOnce() -> T>(init: F) -> State<T> {
    let now = use_mut_ref(|| Rc::new(init()));
    let render = use_force_update();
    let seen = now.borrow().clone();
    State { seen, now, render }
}

/// A reference to an element, the same one for the component's life. Yew's `use_node_ref`
/// keeps it in a `use_state`, and so carries the state hook's code for one more type of
/// state (a kilobyte of the wasm) for a value that is never set again; this keeps it as
/// `use_mut_ref` does.
#[hook]
pub fn use_element_ref() -> NodeRef {
    use_mut_ref(NodeRef::default).borrow().clone()
}

/// The ref of a dialog's Close button (the help's, the lesson gallery's): it takes the focus
/// when the dialog opens, and the control that had the focus gets it back when it closes.
#[hook]
pub fn use_dialog_close(open: bool) -> NodeRef {
    let close_ref = use_element_ref();
    let opener = use_mut_ref(|| None::<web_sys::HtmlElement>);
    {
        let close_ref = close_ref.clone();
        use_effect_on(
            open,
            Box::new(move |open| {
                use wasm_bindgen::JsCast;
                if *open {
                    let active = web_sys::window().and_then(|w| w.document()).and_then(|d| d.active_element());
                    // Unchecked: an SVG node (a canvas node has the focus) has `focus()` too.
                    *opener.borrow_mut() = active.map(|a| a.unchecked_into());
                    if let Some(b) = close_ref.cast::<web_sys::HtmlElement>() {
                        let _ = b.focus();
                    }
                } else if let Some(el) = opener.borrow_mut().take() {
                    let _ = el.focus();
                }
            }),
        );
    }
    close_ref
}

/// Runs `effect` once, after the first render. Like [`use_effect_on`], a plain function that
/// returns the hook (a hook's body calls it as any other `use_` function), so it is no
/// hook of its own in the wasm.
pub fn use_on_mount(effect: MountEffect) -> impl Hook<Output = ()> {
    use_changed(Deps(Box::new(())), effect)
}

/// Runs `effect` after the first render and after every render whose `deps` changed, as
/// `use_effect_with` does, with nothing to undo. Not a hook of its own for each type of
/// `deps`: it hands them to [`use_changed`].
pub fn use_effect_on<D: PartialEq + Clone + 'static>(deps: D, effect: Box<dyn FnOnce(&D)>) -> impl Hook<Output = ()> {
    let seen = deps.clone();
    use_changed(
        Deps(Box::new(deps)),
        Box::new(move || {
            effect(&seen);
            Box::new(|| ())
        }),
    )
}
