//! The inspector: every setting of the selected node or wire, labelled in the field's words
//! with units, from the field catalogue (`model::fields`). What the user types is kept: text that
//! is not even a number stays in the field with its reason, and a value the core refuses
//! stays in the document with the core's own message next to it; neither reaches the player.
//! With nothing selected it shows the scenario's own settings and its action script.

use broker::scenario::json::object;
use serde_json::Value;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::model::fields::{self, Field, Input};
use crate::model::format::format_time;
use crate::model::{doc, service};
use crate::state::{AppState, EditAction, FieldOwner, ScenarioField, Sel};
use crate::ui::{icons, option};
use crate::ui::{raw, text_in, use_value, with_class, State};

/// The target chosen in "Wire to" (none: the first one offered). `wire_to` is the app's hook
/// rather than a component's state (each component costs the wasm its own copy of Yew's
/// lifecycle code), so it is kept as that component kept it: while the inspector shows the
/// settings of a node, from one node to the next, and forgotten when it shows anything else.
#[hook]
pub fn use_wire_to_choice(state: &UseReducerHandle<AppState>, inspector_shown: bool) -> State<Option<String>> {
    let chosen = use_value(|| None::<String>);
    let on_a_node = inspector_shown
        && matches!(state.selection.as_slice(), [Sel::Node(id)] if doc::find_node(&state.doc, id).is_some());
    {
        let chosen = chosen.clone();
        crate::ui::use_effect_on(
            on_a_node,
            Box::new(move |on_a_node| {
                if !*on_a_node && chosen.is_some() {
                    chosen.set(None);
                }
            }),
        );
    }
    chosen
}

pub fn inspector(state: &UseReducerHandle<AppState>, wire_to: &State<Option<String>>) -> Html {
    let body = match state.selection.as_slice() {
        [] => scenario_settings(state),
        [Sel::Node(id)] => match doc::find_node(&state.doc, id) {
            Some((_, node)) => node_settings(state, id, node, wire_to),
            None => html! {},
        },
        [Sel::Wire(i)] => match doc::wires(&state.doc).get(*i) {
            Some(w) => wire_settings(state, *i, w),
            None => html! {},
        },
        many => html! {
            <>
                { text_in("<h3>", &format!("{} selected", many.len()), "</h3>") }
                { raw(r#"<p class="hint">Drag one of them to move them all, or use the arrow keys.</p>"#) }
                { delete_button(state, None, "Delete selected".into()) }
            </>
        },
    };
    let problems = (!state.problems.is_empty()).then(|| {
        html! {
            <div class="problems" role="alert">
                <p>{ format!("The scenario has {} problem{} (shown next to the fields). Play runs the last version that worked.",
                    state.problems.len(), if state.problems.len() == 1 { "" } else { "s" }) }</p>
                <ul>{ for state.problems.iter().take(8).map(|p| html! { <li>{ p.to_string() }</li> }) }</ul>
            </div>
        }
    });
    html! {
        <section class="inspector" aria-labelledby="inspector-heading">
            { raw(r#"<h2 id="inspector-heading">Inspector</h2>"#) }
            { for problems }
            { body }
        </section>
    }
}

fn scenario_settings(state: &UseReducerHandle<AppState>) -> Html {
    let field = |f: ScenarioField, label: &str, unit: &str, value: String, help: &str| {
        let key = format!("scenario:{}", f.slug());
        let draft = state.drafts.get(&key);
        let text = draft.map_or(value, |d| d.text.clone());
        // The core's own problem with the setting (e.g. a duration of 10^12 ms) if it has one.
        let path = match f {
            ScenarioField::Title => "title",
            ScenarioField::Duration => "duration_ms",
            _ => "seed",
        };
        let problem = state.problems.iter().find(|p| p.path == path).map(|p| p.message.clone());
        let error = draft.map(|d| d.error.clone()).filter(|e| !e.is_empty()).or(problem);
        let d = state.dispatcher();
        let oninput = Callback::from(move |e: InputEvent| {
            d.dispatch(
                EditAction::EditScenario { field: f, text: e.target_unchecked_into::<HtmlInputElement>().value() }
                    .into(),
            )
        });
        let id = format!("scenario-{}", f.slug());
        text_field(&id, label, unit, help, text, error, oninput, "text")
    };
    let doc = &state.doc;
    let actions = doc.get("actions").and_then(Value::as_array).cloned().unwrap_or_default();
    html! {
        <>
            { raw(r#"<h3>Scenario</h3><p class="hint">Select a node or a wire to change its settings. Tab moves between nodes.</p>"#) }
            { field(ScenarioField::Title, "Title", "", doc.get("title").and_then(Value::as_str).unwrap_or("").to_owned(), "Shown above the outcome.") }
            { field(ScenarioField::Duration, "Duration", "ms", doc.get("duration_ms").map(fields::json_text).unwrap_or_default(),
                "How long the run lasts in virtual time, 1 to 86,400,000 ms.") }
            { field(ScenarioField::Seed, "Seed", "", doc.get("seed").map(fields::json_text).unwrap_or_else(|| "1".into()),
                "The same scenario and seed always give the same run.") }
            { schema_settings(state) }
            { raw("<h3>Action script</h3>") }
            if actions.is_empty() {
                { raw(r#"<p class="hint">No actions. Select a consumer during play and press "Crash this consumer now" to record one.</p>"#) }
            } else {
                <ol class="actions">
                    { for actions.iter().enumerate().map(|(i, a)| {
                        let d = state.dispatcher();
                        let text = doc::describe_action(a);
                        html! {
                            <li>
                                { text_in("<span>", &text, "</span>") }
                                <button type="button" class="small" aria-label={format!("Remove action: {text}")}
                                        onclick={Callback::from(move |_| d.dispatch(EditAction::RemoveAction(i).into()))}>{ "Remove" }</button>
                            </li>
                        }
                    }) }
                </ol>
            }
        </>
    }
}

/// The schema registry's mode, and the event types' schema versions as Avro JSON.
fn schema_settings(state: &UseReducerHandle<AppState>) -> Html {
    let doc = &state.doc;
    let draft = |f: ScenarioField| state.drafts.get(&format!("scenario:{}", f.slug()));
    let problem = |prefix: &str| {
        state
            .problems
            .iter()
            .find(|p| p.path == prefix || p.path.starts_with(&format!("{prefix}.")))
            .map(|p| p.to_string())
    };
    let mode = doc.get("registry").map(|r| r.get("compatibility").and_then(Value::as_str).unwrap_or("BACKWARD"));
    let d = state.dispatcher();
    let onchange = Callback::from(move |e: Event| {
        let text = e.target_unchecked_into::<web_sys::HtmlSelectElement>().value();
        d.dispatch(EditAction::EditScenario { field: ScenarioField::Registry, text }.into())
    });
    let text = draft(ScenarioField::Schemas).map_or_else(
        || doc.get("schemas").map_or(String::new(), |s| broker::link::write_json(s, true)),
        |d| d.text.clone(),
    );
    let error =
        draft(ScenarioField::Schemas).map(|d| d.error.clone()).filter(|e| !e.is_empty()).or_else(|| problem("schemas"));
    let d = state.dispatcher();
    let oninput = Callback::from(move |e: InputEvent| {
        let text = e.target_unchecked_into::<web_sys::HtmlTextAreaElement>().value();
        d.dispatch(EditAction::EditScenario { field: ScenarioField::Schemas, text }.into())
    });
    let invalid = error.is_some();
    html! {
        <>
            { raw("<h3>Event schemas</h3>") }
            <div class="field">
                { raw(r#"<label for="scenario-registry">Schema registry</label>"#) }
                <select id="scenario-registry" {onchange} aria-describedby="scenario-registry-help">
                    { option("".into(), "None: every deploy goes through".into(), mode.is_none()) }
                    { for broker::schema::Mode::NAMES.iter().map(|m| option((*m).into(), (*m).into(), mode == Some(*m))) }
                </select>
                { raw(r#"<p class="field-help" id="scenario-registry-help">Holds each producer's deploy of a new version to its event type's compatibility mode, as Confluent Schema Registry does: BACKWARD means consumers upgrade first, FORWARD producers first.</p>"#) }
            </div>
            { with_class(html! {
                <div class="field">
                    { raw(r#"<label for="scenario-schemas">Schemas by event type (Avro)</label>"#) }
                    <textarea id="scenario-schemas" rows="8" spellcheck="false" value={text} {oninput}
                              aria-invalid={crate::ui::true_false(invalid)} aria-describedby="scenario-schemas-help" />
                    { field_note("scenario-schemas-help".into(), error, "{\"OrderPlaced\": {\"versions\": [{\"fields\": [{\"name\": \"order_id\", \"type\": \"string\"}]}]}}: version 1 first, each an Avro record; a field may have a default and aliases.".into()) }
                </div>
            }, field_class(invalid)) }
        </>
    }
}

#[allow(clippy::too_many_arguments)]
fn text_field(
    id: &str,
    label: &str,
    unit: &str,
    help: &str,
    text: String,
    error: Option<String>,
    oninput: Callback<InputEvent>,
    mode: &str,
) -> Html {
    let invalid = error.is_some();
    let field = html! {
        <div class="field">
            <label for={id.to_owned()}>{ label }{ unit_suffix(label, unit) }</label>
            <input id={id.to_owned()} type="text" inputmode={mode.to_owned()} autocomplete="off" spellcheck="false" value={text} {oninput}
                   aria-invalid={crate::ui::true_false(invalid)} aria-describedby={format!("{id}-help")} />
            { field_note(format!("{id}-help").into(), error, help.to_owned()) }
        </div>
    };
    with_class(field, field_class(invalid))
}

/// A field's class: "field", and "invalid" while its value has a problem.
fn field_class(invalid: bool) -> AttrValue {
    AttrValue::Static(if invalid { "field invalid" } else { "field" })
}

/// A field's help line, or in its place the problem with it (an alert): one `<p>`, which a
/// fix turns back into the help.
fn field_note(id: AttrValue, error: Option<String>, help: String) -> Html {
    let invalid = error.is_some();
    let note = html! { <p class="field-help" role={invalid.then_some("alert")} id={id}>{ error.unwrap_or(help) }</p> };
    with_class(note, AttrValue::Static(if invalid { "field-error" } else { "field-help" }))
}

/// " (ms)" after a label, unless the label already says it ("Partitions" in partitions).
fn unit_suffix(label: &str, unit: &str) -> String {
    if unit.is_empty() || label.to_ascii_lowercase().contains(unit) || label.ends_with(')') {
        String::new()
    } else {
        format!(" ({unit})")
    }
}

/// Whether every projection of read model `id` reads a topic (none when it has none).
fn projections_read(d: &Value, id: &str) -> Option<bool> {
    let sources: Vec<Option<String>> = doc::wires(d)
        .iter()
        .filter(|w| doc::wire_ends(w).1 == id)
        .map(|w| consumer_source(d, doc::wire_ends(w).0))
        .collect();
    (!sources.is_empty()).then(|| sources.iter().all(|s| s.as_deref() == Some("topic")))
}

/// The kind of node a consumer reads from ("queue" or "topic"), if it is wired.
fn consumer_source(d: &Value, id: &str) -> Option<String> {
    let w = doc::wires(d).iter().find(|w| doc::wire_ends(w).1 == id)?;
    doc::find_node(d, doc::wire_ends(w).0).map(|(_, n)| doc::node_kind(n).to_owned())
}

fn node_settings(state: &UseReducerHandle<AppState>, id: &str, node: &Value, chosen: &State<Option<String>>) -> Html {
    let kind = doc::node_kind(node).to_owned();
    let owner = FieldOwner::Node(id.to_owned());
    let source = if kind == "consumer" { consumer_source(&state.doc, id) } else { None };
    let projects = doc::wires(&state.doc).iter().any(|w| {
        let (from, to) = doc::wire_ends(w);
        from == id && doc::find_node(&state.doc, to).is_some_and(|(_, n)| doc::node_kind(n) == "read_model")
    });
    // A projection publishes nothing and sends no requests: those settings would make it
    // something else.
    let other_output =
        |f: &Field| projects && ["/publish", "/requests", "/orchestrates"].iter().any(|p| f.path.starts_with(p));
    let applies = |f: &Field| match (f.applies, source.as_deref()) {
        _ if other_output(f) => false,
        ("any", _) => true,
        ("projection", _) => projects,
        (want, Some(src)) => want == src,
        // Unwired consumer: the queue settings, which are the commoner case.
        (want, None) => want == "queue",
    };
    let fields: Vec<&'static Field> =
        fields::fields_for(&kind).iter().filter(|f| applies(f) && fields::visible(node, f)).collect();
    let sections = group_by_section(&fields);

    let rename = {
        let key = format!("rename:{id}");
        let draft = state.drafts.get(&key);
        let d = state.dispatcher();
        let from = id.to_owned();
        let oninput = Callback::from(move |e: InputEvent| {
            d.dispatch(
                EditAction::Rename { id: from.clone(), text: e.target_unchecked_into::<HtmlInputElement>().value() }
                    .into(),
            )
        });
        text_field(
            "node-name",
            "Name",
            "",
            "Wires, actions and dead-letter settings follow a rename.",
            draft.map_or(id.to_owned(), |d| d.text.clone()),
            draft.map(|d| d.error.clone()),
            oninput,
            "text",
        )
    };

    let now = node_now_controls(state, id, &kind);
    let wire_to = wire_to(state, id, &kind, chosen);
    let steps = node.get("orchestrates").map(saga_steps);
    let shown_kind = service::shown_kind(node);
    let rules = (matches!(shown_kind, "consumer" | "service") && !projects).then(|| add_rule(state, id, node));
    let shown = doc::kind_label(shown_kind);
    html! {
        <>
            { text_in("<h3>", &format!("{shown} {id}"), "</h3>") }
            { rename }
            { for sections.into_iter().map(|(section, fs)| {
                let remove = fs.first().and_then(|f| rule_slot(f.path)).map(|k| rule_button(state, id, Some(k)));
                html! {
                    <fieldset class="section">
                        { text_in("<legend>", section, "</legend>") }
                        { for fs.into_iter().map(|f| field_control(state, &owner, node, f)) }
                        { for remove }
                    </fieldset>
                }
            }) }
            { for steps }
            { for rules }
            { now }
            { wire_to }
            { delete_button(state, None, format!("Delete {}", shown.to_ascii_lowercase())) }
        </>
    }
}

/// "Delete selected", "Delete queue", "Delete wire": the wire `wire`, or with none the
/// selection. One `html!` for the three.
fn delete_button(state: &UseReducerHandle<AppState>, wire: Option<usize>, label: String) -> Html {
    let d = state.dispatcher();
    let onclick =
        Callback::from(move |_| d.dispatch(wire.map_or(EditAction::DeleteSelection, EditAction::DeleteWire).into()));
    html! {
        <button type="button" class="danger" {onclick}>
            { icons::button_icon("trash") }{ text_in("<span>", &label, "</span>") }
        </button>
    }
}

/// The rule a field belongs to: 1 for `/publishes/1/on`.
fn rule_slot(path: &str) -> Option<usize> {
    path.strip_prefix("/publishes/")?.split('/').next()?.parse().ok()
}

/// "Add rule" (`remove` none) or "Remove rule 2" (`remove` 1).
fn rule_button(state: &UseReducerHandle<AppState>, id: &str, remove: Option<usize>) -> Html {
    let d = state.dispatcher();
    let id = id.to_owned();
    let label = remove.map_or_else(|| "Add rule".to_owned(), |k| format!("Remove rule {}", k + 1));
    html! {
        <button type="button" onclick={Callback::from(move |_| d.dispatch(EditAction::Rule { id: id.clone(), remove }.into()))}>
            { label }
        </button>
    }
}

/// An orchestrator's saga, step by step, as markup text: the command and the queue it goes
/// to, the replies it waits for, the timeout and retries, and the undo. Edited in the file.
fn saga_steps(saga: &Value) -> Html {
    use crate::ui::panels::markup::esc;
    use std::fmt::Write;
    let text = |v: &Value, k: &str| esc(v.get(k).and_then(Value::as_str).unwrap_or(""));
    let num = |v: &Value, k: &str, or: i64| v.get(k).and_then(Value::as_i64).unwrap_or(or);
    let mut out = format!("<fieldset class=\"section\"><legend>Saga</legend><p>Starts on {}. Steps, in order:</p><ol class=\"saga-steps\">", text(saga, "start"));
    for s in saga.get("steps").and_then(Value::as_array).map_or(&[][..], Vec::as_slice) {
        let name =
            s.get("name").and_then(Value::as_str).or_else(|| s.get("command").and_then(Value::as_str)).unwrap_or("");
        let _ = write!(
            out,
            "<li><b>{}</b>: sends {} to {}, waits {} ms for {}",
            esc(name),
            text(s, "command"),
            text(s, "to"),
            num(s, "timeout_ms", 1000),
            text(s, "success")
        );
        if s.get("failure").is_some() {
            let _ = write!(out, " or {}", text(s, "failure"));
        }
        let _ = write!(out, ", {} retries.", num(s, "retries", 0));
        match s.get("compensate") {
            Some(_) => {
                let _ = write!(out, " Undone by {}, confirmed by {}.", text(s, "compensate"), text(s, "compensated"));
            }
            None => out.push_str(" Not undone."),
        }
        out.push_str("</li>");
    }
    out.push_str(
        "</ol><p class=\"field-help\">Each step's timeout and retries are under Saga timing; edit the rest in the scenario file (Export, then Import).</p></fieldset>",
    );
    Html::from_html_unchecked(out.into())
}

/// "Add rule", under a consumer's rules: its first makes it a service.
fn add_rule(state: &UseReducerHandle<AppState>, id: &str, node: &Value) -> Html {
    let n = service::rules(node).len();
    html! {
        <div class="now">
            if n < service::RULE_SLOTS {
                { rule_button(state, id, None) }
            }
            if n == 0 {
                { raw(r#"<p class="field-help">A rule makes it a service: it publishes events down one outgoing wire.</p>"#) }
            }
        </div>
    }
}

fn group_by_section(fields: &[&'static Field]) -> Vec<(&'static str, Vec<&'static Field>)> {
    let mut out: Vec<(&'static str, Vec<&'static Field>)> = Vec::new();
    for f in fields {
        match out.iter_mut().find(|(s, _)| *s == f.section) {
            Some((_, v)) => v.push(f),
            None => out.push((f.section, vec![f])),
        }
    }
    out
}

/// "Crash this consumer now", "Outage now": recorded into the action script at the playhead.
/// Every case is buttons and a help line in one `<div class="now">` ([`now_box`]), each button
/// an action for the script, so the wasm holds that `html!` once rather than once a case.
fn node_now_controls(state: &UseReducerHandle<AppState>, id: &str, kind: &str) -> Html {
    let at = format_time(state.t_us);
    let on = |what: &str, body: Value| object([(what, body)]);
    let here = |key: &str| object([(key, Value::from(id))]);
    // A deploy, where the node's event types have schema versions to deploy.
    let deploy = match doc::schema_versions(&state.doc, id) {
        Some(n) if n > 1 => {
            let what = if kind == "producer" { "writes" } else { "reads with" };
            let buttons = (1..=n)
                .map(|v| {
                    let mut body = here("node");
                    body["version"] = Value::from(v);
                    (format!("Deploy version {v} now"), on("deploy", body))
                })
                .collect();
            now_box(state, buttons, format!("From then on it {what} that version; recorded in the action script at {at}. With a schema registry, a producer's version that breaks the compatibility mode is refused."), Html::default())
        }
        _ => Html::default(),
    };
    let (buttons, help) = match kind {
        "consumer" => {
            let mut crash = here("consumer");
            crash["recover_after_ms"] = Value::from(2_000);
            let mut buttons = vec![("Crash this consumer now".to_owned(), on("crash", crash))];
            // A consumer in a group (it reads a topic) can also leave it and join again.
            if consumer_source(&state.doc, id).as_deref() == Some("topic") {
                let away = state.status.iter().any(|s| s.id == id && s.state == "away");
                let (label, what) = if away { ("Join its group now", "join") } else { ("Leave its group now", "leave") };
                buttons.push((label.to_owned(), on(what, here("consumer"))));
            }
            (buttons, format!("Recorded in the action script at {at}; a crash recovers 2 s later."))
        }
        "producer" => {
            let mut crash = here("producer");
            crash["recover_after_ms"] = Value::from(2_000);
            let mut buttons = vec![("Crash this producer now".to_owned(), on("crash_producer", crash))];
            // A transactional producer's open transaction can be aborted; a crashed one restarts
            // as a new epoch, fencing what it left open.
            if doc::find_node(&state.doc, id).is_some_and(|(_, n)| n.get("transactions").is_some_and(|t| !t.is_null())) {
                buttons.push(("Abort its open transaction now".to_owned(), on("abort_transaction", here("producer"))));
            }
            (buttons, format!("Recorded in the action script at {at}; a crashed producer restarts 2 s later."))
        }
        "dead_letter_queue" => (
            vec![("Redrive its dead letters now".to_owned(), on("redrive", here("dlq")))],
            format!("Each goes back to the queue it died in; recorded in the action script at {at}."),
        ),
        // A rebuild replays topics: a projection that reads a queue has nothing to replay.
        "read_model" if projections_read(&state.doc, id) != Some(true) => {
            return Html::from_html_unchecked(
                "<p class=\"field-help now\">A rebuild replays the projections' topics from the start: wire a projection that reads a topic to rebuild this table.</p>".into(),
            )
        }
        "read_model" => (
            vec![("Rebuild it now".to_owned(), on("rebuild", here("read_model")))],
            format!("Empties the table and replays its projections' topics from the start; recorded in the action script at {at}."),
        ),
        "broker" => {
            let down = state.status.iter().any(|s| s.id == id && s.state == "down");
            let (label, what, help) = if down {
                ("Recover this broker now", on("recover_broker", here("broker")), "It restarts with its log and catches up")
            } else {
                let mut body = here("broker");
                body["recover_after_ms"] = Value::from(3_000);
                ("Crash this broker now", on("crash_broker", body), "Its partitions elect new leaders; back 3 s later")
            };
            (vec![(label.to_owned(), what)], format!("{help}; recorded in the action script at {at}."))
        }
        "queue" | "topic" | "exchange" => {
            let mut body = here("node");
            body["duration_ms"] = Value::from(2_000);
            (
                vec![(format!("Take this {kind} down now"), on("outage", body))],
                format!("A 2 s outage, recorded in the action script at {at}."),
            )
        }
        _ => return Html::default(),
    };
    now_box(state, buttons, help, deploy)
}

/// Buttons that each record an action into the script at the playhead, a help line under them,
/// and `then` (a consumer's deploys, in a box of their own).
fn now_box(state: &UseReducerHandle<AppState>, buttons: Vec<(String, Value)>, help: String, then: Html) -> Html {
    html! {
        <div class="now">
            { for buttons.into_iter().map(|(label, what)| {
                let d = state.dispatcher();
                html! { <button type="button" onclick={Callback::from(move |_| d.dispatch(EditAction::ActNow(what.clone()).into()))}>{ label }</button> }
            }) }
            { text_in(r#"<p class="field-help">"#, &help, "</p>") }
            { then }
        </div>
    }
}

/// Wiring without a mouse: pick a target and add the wire.
fn wire_to(state: &UseReducerHandle<AppState>, id: &str, kind: &str, chosen: &State<Option<String>>) -> Html {
    if !matches!(kind, "producer" | "exchange" | "queue" | "topic" | "consumer") {
        return html! {};
    }
    let targets: Vec<String> = doc::nodes(&state.doc)
        .iter()
        .filter(|n| doc::node_id(n) != id && broker::wire_refusal(kind, doc::node_kind(n)).is_none())
        .map(|n| doc::node_id(n).to_owned())
        .collect();
    if targets.is_empty() {
        return html! {};
    }
    let on_change = {
        let chosen = chosen.clone();
        Callback::from(move |e: Event| chosen.set(Some(e.target_unchecked_into::<HtmlSelectElement>().value())))
    };
    let target = (**chosen).clone().filter(|t| targets.contains(t)).unwrap_or_else(|| targets[0].clone());
    let d = state.dispatcher();
    let from = id.to_owned();
    let on_add = {
        let target = target.clone();
        Callback::from(move |_| {
            d.dispatch(EditAction::Wire { from: from.clone(), to: target.clone(), at: None }.into())
        })
    };
    html! {
        <div class="field wire-to">
            { raw(r#"<label for="wire-to">Wire to</label>"#) }
            <div class="row">
                <select id="wire-to" onchange={on_change}>
                    { for targets.iter().map(|t| option(t.clone().into(), t.clone().into(), *t == target)) }
                </select>
                <button type="button" onclick={on_add}>{ "Add wire" }</button>
            </div>
        </div>
    }
}

fn wire_settings(state: &UseReducerHandle<AppState>, i: usize, w: &Value) -> Html {
    let (from, to) = doc::wire_ends(w);
    let owner = FieldOwner::Wire(i);
    let from_kind = doc::find_node(&state.doc, from).map(|(_, n)| doc::node_kind(n).to_owned()).unwrap_or_default();
    let fields: Vec<&'static Field> = fields::fields_for("wire")
        .iter()
        .filter(|f| f.path != "/binding_key" || from_kind == "exchange")
        .filter(|f| f.section != "Network" || matches!(from_kind.as_str(), "producer" | "exchange"))
        .collect();
    html! {
        <>
            { text_in("<h3>", &format!("Wire from {from} to {to}"), "</h3>") }
            if fields.is_empty() {
                { raw(r#"<p class="hint">This wire has no settings.</p>"#) }
            }
            { for fields.into_iter().map(|f| field_control(state, &owner, w, f)) }
            { delete_button(state, Some(i), "Delete wire".into()) }
        </>
    }
}

fn field_control(state: &UseReducerHandle<AppState>, owner: &FieldOwner, obj: &Value, f: &'static Field) -> Html {
    let key = AppState::draft_key(owner, f);
    let draft = state.drafts.get(&key);
    let text = draft.map_or_else(|| fields::read(obj, f), |d| d.text.clone());
    let error = draft.map(|d| d.error.clone()).filter(|e| !e.is_empty()).or_else(|| state.field_problem(owner, f));
    let id = format!("field{}", f.path.replace(['/', '@'], "-"));
    let emit = {
        let d = state.dispatcher();
        let owner = owner.clone();
        move |text: String| d.dispatch(EditAction::Edit { owner: owner.clone(), field: f, text }.into())
    };
    let name = crate::model::texts::label(obj, f);
    let label = format!("{name}{}", unit_suffix(&name, f.unit));
    let help_id = format!("{id}-help");
    let help = crate::model::texts::help(obj, f);
    let message = field_note(help_id.clone().into(), error.clone(), help.clone());
    let invalid = error.is_some();
    let select = |options: Vec<(String, String)>| {
        let emit = emit.clone();
        let onchange = Callback::from(move |e: Event| emit(e.target_unchecked_into::<HtmlSelectElement>().value()));
        let field = html! {
            <div class="field">
                <label for={id.clone()}>{ label.clone() }</label>
                <select id={id.clone()} {onchange} aria-invalid={crate::ui::true_false(invalid)} aria-describedby={help_id.clone()}>
                    { for options.into_iter().map(|(v, l)| {
                        let selected = v == text;
                        option(v.into(), l.into(), selected)
                    }) }
                </select>
                { message.clone() }
            </div>
        };
        with_class(field, field_class(invalid))
    };
    match &f.input {
        Input::Bool | Input::Fault(..) | Input::Toggle(_) => {
            let onchange = Callback::from(move |e: Event| {
                emit(e.target_unchecked_into::<HtmlInputElement>().checked().to_string())
            });
            let field = html! {
                <div class="field check">
                    <input id={id.clone()} type="checkbox" checked={text == "true"} {onchange} aria-describedby={help_id.clone()} />
                    <label for={id.clone()}>{ label }</label>
                    { message }
                </div>
            };
            with_class(field, AttrValue::Static(if invalid { "field check invalid" } else { "field check" }))
        }
        Input::Choice(options) => {
            let mut opts = vec![(String::new(), "Default".to_owned())];
            opts.extend(options.iter().map(|(v, l)| (v.to_string(), l.to_string())));
            select(opts)
        }
        Input::Variant(options) => {
            let mut opts: Vec<(String, String)> =
                options.iter().map(|(v, l, _)| (v.to_string(), l.to_string())).collect();
            if text.is_empty() {
                opts.insert(0, (String::new(), "Default".to_owned()));
            }
            select(opts)
        }
        Input::NodeRef(kinds) => {
            let mut opts = vec![(String::new(), "None".to_owned())];
            opts.extend(
                doc::nodes(&state.doc)
                    .iter()
                    .filter(|n| kinds.contains(&doc::node_kind(n)))
                    .map(|n| (doc::node_id(n).to_owned(), doc::node_id(n).to_owned())),
            );
            if !text.is_empty() && !opts.iter().any(|(v, _)| *v == text) {
                opts.push((text.clone(), format!("{text} (missing)")));
            }
            select(opts)
        }
        Input::Int | Input::Number | Input::Text | Input::List { .. } => {
            let mode = match f.input {
                Input::Int => "numeric",
                Input::Number => "decimal",
                _ => "text",
            };
            let oninput =
                Callback::from(move |e: InputEvent| emit(e.target_unchecked_into::<HtmlInputElement>().value()));
            text_field(&id, &name, f.unit, &help, text, error, oninput, mode)
        }
    }
}
