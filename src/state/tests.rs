//! The reducer driven as the page drives it: edits with undo and redo, drafts and the core's
//! problems, the transport, zoom, the panels, opening lessons, links and files, and Compare.

use serde_json::json;

use super::*;
use crate::model::{doc, fields, service};
use crate::play::compare::CompareTo;

fn reduce(s: Rc<AppState>, a: impl Into<Action>) -> Rc<AppState> {
    s.reduce(a.into())
}

#[test]
fn opens_on_a_working_lesson() {
    let s = AppState::initial();
    assert!(s.problems.is_empty());
    assert!(!doc::nodes(&s.doc).is_empty());
    assert_eq!(s.t_us, 0);
    assert_eq!(s.end_us, 30_000_000);
}

#[test]
fn every_edit_undoes_and_redoes() {
    let s = Rc::new(AppState::initial());
    let before = s.doc.clone();
    let s = reduce(s, EditAction::AddNode { kind: "queue".into(), at: Some((500.0, 500.0)) });
    assert_eq!(doc::nodes(&s.doc).len(), doc::nodes(&before).len() + 1);
    assert_eq!(*s.selection, [Sel::Node("queue".into())]);
    let s = reduce(s, EditAction::Undo);
    assert_eq!(s.doc, before);
    let s = reduce(s, EditAction::Redo);
    assert!(doc::find_node(&s.doc, "queue").is_some());
    let s = reduce(s, EditAction::Undo);
    let s = reduce(s, EditAction::Undo);
    assert_eq!(s.doc, before, "nothing more to undo leaves the first document");
}

#[test]
fn an_invalid_setting_stays_in_the_document_but_never_reaches_the_player() {
    let s = Rc::new(AppState::initial());
    let prefetch = fields::fields_for("queue").iter().find(|f| f.label == "Prefetch").unwrap();
    let hash_before = s.outcome.trace_hash.clone();
    let owner = FieldOwner::Node("work".into());
    let s = reduce(s, EditAction::Edit { owner: owner.clone(), field: prefetch, text: "-3".into() });
    assert_eq!(s.doc["nodes"][1]["prefetch"], json!(-3));
    let why = s.field_problem(&owner, prefetch).expect("the core's message next to the field");
    assert!(why.contains("at least 1"), "{why}");
    assert_eq!(s.outcome.trace_hash, hash_before);
    // Text that is not a number is kept as a draft, with a reason, and the document is untouched.
    let s = reduce(s, EditAction::Edit { owner: owner.clone(), field: prefetch, text: "lots".into() });
    let d = s.drafts.get(&AppState::draft_key(&owner, prefetch)).unwrap();
    assert_eq!(d.text, "lots");
    assert!(d.error.contains("whole number"), "{}", d.error);
    let s = reduce(s, EditAction::Edit { owner: owner.clone(), field: prefetch, text: "5".into() });
    assert!(s.problems.is_empty() && s.drafts.values().all(|d| d.error.is_empty()));
    // Typing "-3" then "5" into one field is one undo step.
    let s = reduce(s, EditAction::Undo);
    assert_eq!(s.doc["nodes"][1].get("prefetch"), Some(&json!(1)));
}

#[test]
fn an_absurd_duration_is_refused_by_the_core_and_the_run_stays() {
    let s = Rc::new(AppState::initial());
    let end = s.end_us;
    let s = reduce(s, EditAction::EditScenario { field: ScenarioField::Duration, text: "1000000000000".into() });
    assert!(s.problems.iter().any(|p| p.path == "duration_ms"), "{:?}", s.problems);
    assert_eq!(s.end_us, end);
    let s = reduce(s, EditAction::EditScenario { field: ScenarioField::Duration, text: "ten".into() });
    assert!(s.drafts.values().any(|d| d.text == "ten" && d.error.contains("whole number")));
    let s = reduce(s, EditAction::EditScenario { field: ScenarioField::Duration, text: "20000".into() });
    assert!(s.problems.is_empty(), "{:?}", s.problems);
    assert_eq!(s.end_us, 20_000_000);
}

#[test]
fn a_refused_wire_says_why_where_it_was_dropped() {
    let s = Rc::new(AppState::initial());
    let s = reduce(s, EditAction::Wire { from: "worker-a".into(), to: "orders".into(), at: Some((10.0, 20.0)) });
    let n = s.notice.clone().unwrap();
    assert_eq!(n.text, "A consumer cannot publish to a producer.");
    assert_eq!(n.at, Some((10.0, 20.0)));
    assert!(!s.can_undo());
}

#[test]
fn crash_now_is_recorded_at_the_playhead() {
    let s = Rc::new(AppState::initial());
    let s = reduce(s, TransportAction::Seek(2_500_000));
    let s = reduce(s, EditAction::ActNow(json!({"crash": {"consumer": "worker-a", "recover_after_ms": 1000}})));
    let actions = s.doc["actions"].as_array().unwrap();
    assert!(actions.iter().any(|a| a["at_ms"] == json!(2500) && a["crash"]["consumer"] == json!("worker-a")));
    assert_eq!(s.t_us, 2_500_000, "the playhead stays where it was");
    assert!(s.problems.is_empty());
    // A redrive of a dead-letter queue, recorded the same way, is one the core accepts and
    // carries out: the poison messages go round once more.
    let s = reduce(s, OpenAction::LoadLesson(crate::model::presets::position("poison-with-dlq").unwrap()));
    let end = s.end_us;
    let without = reduce(s.clone(), TransportAction::Seek(end)).outcome.clone();
    let s = reduce(s, TransportAction::Seek(8_000_000));
    let s = reduce(s, EditAction::ActNow(json!({"redrive": {"dlq": "dlq"}})));
    assert!(s.problems.is_empty(), "{:?}", s.problems);
    assert!(s.doc["actions"].as_array().unwrap().iter().any(|a| a["at_ms"] == json!(8000)));
    let with = reduce(s, TransportAction::Seek(end)).outcome.clone();
    assert_ne!(with.trace_hash, without.trace_hash);
    assert!(with.redeliveries + with.retries > without.redeliveries + without.retries, "{with:?}");
}

#[test]
fn transport_plays_steps_seeks_and_rewinds() {
    let s = Rc::new(AppState::initial());
    let s = reduce(s, TransportAction::Step);
    assert!(s.t_us > 0);
    let s = reduce(s, TransportAction::Seek(12_000_000));
    assert_eq!(s.t_us, 12_000_000);
    let s = reduce(s, TransportAction::Play);
    assert!(s.playing);
    let s = reduce(s, TransportAction::TogglePlay);
    assert!(!s.playing);
    let s = reduce(s, TransportAction::Rewind);
    assert_eq!(s.t_us, 0);
    let s = reduce(s, TransportAction::SetSpeed(1e12));
    assert_eq!(s.speed, MAX_SPEED);
    let s = reduce(s, TransportAction::SetSpeed(f64::NAN));
    assert_eq!(s.speed, 1.0);
}

#[test]
fn start_over_returns_to_the_lesson_and_can_be_undone() {
    let s = Rc::new(AppState::initial());
    let original = s.doc.clone();
    let s = reduce(s, SelectAction::SelectNodes(vec!["work".into(), "orders".into()]));
    let s = reduce(s, EditAction::DeleteSelection);
    assert!(doc::find_node(&s.doc, "work").is_none());
    assert!(s.problems.is_empty(), "{:?}", s.problems);
    let s = reduce(s, OpenAction::StartOver);
    assert_eq!(s.doc, original);
    let s = reduce(s, EditAction::Undo);
    assert!(doc::find_node(&s.doc, "work").is_none());
}

#[test]
fn each_drag_is_an_undo_step_and_a_run_of_nudges_is_one() {
    let s = Rc::new(AppState::initial());
    let at = |s: &AppState| doc::position(&s.doc, "work");
    let start = at(&s);
    let drag = |s: Rc<AppState>, nudge: bool| {
        reduce(s, EditAction::MoveNodes { ids: vec!["work".into()], dx: 20.0, dy: 0.0, nudge })
    };
    let s = drag(drag(s, false), false);
    assert_eq!(at(&s), (start.0 + 40.0, start.1));
    let s = reduce(s, EditAction::Undo);
    assert_eq!(at(&s), (start.0 + 20.0, start.1));
    let s = drag(drag(drag(s, true), true), true);
    assert_eq!(at(&s), (start.0 + 80.0, start.1));
    let s = reduce(s, EditAction::Undo);
    assert_eq!(at(&s), (start.0 + 20.0, start.1));
    // Moving never changes the run, so the player is not reloaded.
    assert!(s.problems.is_empty());
}

#[test]
fn zoom_keeps_the_point_under_the_pointer() {
    let s = Rc::new(AppState::initial());
    let before = s.view.to_canvas(300.0, 200.0);
    let s = reduce(s, ViewAction::Zoom { factor: 2.0, around: (300.0, 200.0) });
    let after = s.view.to_canvas(300.0, 200.0);
    assert!((before.0 - after.0).abs() < 1e-9 && (before.1 - after.1).abs() < 1e-9);
    assert_eq!(s.view.zoom, 2.0);
    let s = reduce(s, ViewAction::Zoom { factor: 1000.0, around: (0.0, 0.0) });
    assert_eq!(s.view.zoom, MAX_ZOOM);
}

#[test]
fn following_a_message_opens_its_passport_and_rings_its_tokens() {
    let s = Rc::new(AppState::initial());
    assert_eq!(s.tab, Tab::Lesson);
    let s = reduce(s, PanelAction::ShowMessage { msg: 3, open: true, at: Some(2_000_000) });
    assert_eq!((s.tab, s.message, s.t_us), (Tab::Passport, Some(3), 2_000_000));
    assert_eq!(s.engine.borrow().selected_msg, Some(3));
    // From the log: the tab stays, the timeline moves.
    let s = reduce(s, PanelAction::SetTab(Tab::Log));
    let s = reduce(s, PanelAction::ShowMessage { msg: 5, open: false, at: Some(1_000_000) });
    assert_eq!((s.tab, s.message, s.t_us), (Tab::Log, Some(5), 1_000_000));
    // Selecting a node shows the inspector; a narration point selects without leaving.
    let s = reduce(s, SelectAction::Select { sel: Sel::Node("work".into()), extend: false });
    assert_eq!(s.tab, Tab::Inspector);
    let s = reduce(s, PanelAction::SetTab(Tab::Lesson));
    let s = reduce(s, PanelAction::Point { at: Some(6_000_000), node: Some("worker-b".into()) });
    assert_eq!((s.tab, s.t_us), (Tab::Lesson, 6_000_000));
    assert_eq!(*s.selection, [Sel::Node("worker-b".into())]);
    // A point naming a node that is not there only moves the timeline.
    let s = reduce(s, PanelAction::Point { at: Some(1), node: Some("ghost".into()) });
    assert_eq!(*s.selection, [Sel::Node("worker-b".into())]);
}

#[test]
fn a_prediction_is_a_whole_number_and_a_new_lesson_forgets_it() {
    let s = Rc::new(AppState::initial());
    let s = reduce(s, PanelAction::SetPrediction(" 12 ".into()));
    let s = reduce(s, PanelAction::LockPrediction);
    assert_eq!(s.prediction.locked, Some(12));
    for bad in ["-1", "1.5", "lots", "", "99999999999999999999"] {
        let t = reduce(s.clone(), PanelAction::SetPrediction(bad.into()));
        let t = reduce(t, PanelAction::LockPrediction);
        assert_eq!(t.prediction.locked, None, "{bad}");
        assert!(t.prediction.error.is_some(), "{bad}");
    }
    let s = reduce(s, OpenAction::LoadLesson(1));
    assert_eq!(s.prediction, Prediction::default());
}

#[test]
fn an_edited_scenario_is_compared_with_where_it_started() {
    let s = Rc::new(AppState::initial());
    let s = reduce(s, OpenAction::LoadLesson(crate::model::presets::position("poison-with-dlq").unwrap()));
    let (_, with) = s.compare_offer();
    assert_eq!(with, CompareTo::Variant(crate::model::presets::position("poison-no-dlq").unwrap()));
    // A new seed alone is not an edit worth comparing.
    let s = reduce(s, EditAction::EditScenario { field: ScenarioField::Seed, text: "5".into() });
    assert!(!s.edited());
    let shipped = s.doc["duration_ms"].clone();
    let s = reduce(s, EditAction::EditScenario { field: ScenarioField::Duration, text: "4000".into() });
    assert!(s.edited());
    assert_eq!(s.compare_offer(), ("Compare with the original".to_string(), CompareTo::Original));
    let s = reduce(s, OpenAction::CompareWith(Some(CompareTo::Original)));
    let c = s.compare.clone().expect("compare is open");
    assert_eq!(c.label, "the lesson as shipped");
    assert_eq!((&c.doc["duration_ms"], &c.doc["seed"]), (&shipped, &json!(5)));
    // Undoing the edit makes it the lesson again.
    let s = reduce(s, OpenAction::CompareWith(None));
    let s = reduce(s, EditAction::Undo);
    assert!(!s.edited());
    // A scenario opened from a file is compared with the file as opened.
    let mut file = lesson_doc(0).unwrap();
    file["title"] = json!("My own scenario");
    let s = reduce(s, OpenAction::Import { name: "mine.json".into(), text: file.to_string() });
    assert_eq!(s.compare_offer().1, CompareTo::Original, "a file has no variants");
    let s = reduce(s, EditAction::EditScenario { field: ScenarioField::Duration, text: "3000".into() });
    let (_, with) = s.compare_offer();
    let s = reduce(s, OpenAction::CompareWith(Some(with)));
    let c = s.compare.clone().expect("compare is open");
    assert_eq!((c.label.as_str(), &c.doc["title"]), ("the scenario as opened", &json!("My own scenario")));
}

#[test]
fn compare_runs_the_other_variant_on_this_seed_and_a_new_lesson_closes_it() {
    let s = Rc::new(AppState::initial());
    let s = reduce(s, OpenAction::LoadLesson(crate::model::presets::position("crash-at-most-once").unwrap()));
    let s = reduce(s, EditAction::EditScenario { field: ScenarioField::Seed, text: "99".into() });
    let s = reduce(s, TransportAction::Seek(5_000_000));
    let b = crate::model::presets::position("crash-at-least-once").unwrap();
    let s = reduce(s, OpenAction::CompareWith(Some(CompareTo::Variant(b))));
    let c = s.compare.clone().expect("compare is open");
    assert_eq!(c.label, "At-least-once");
    assert_eq!(c.doc["seed"], json!(99), "B runs on A's seed");
    {
        let e = s.engine.borrow();
        let lane = e.compare.as_ref().unwrap();
        assert_eq!(lane.player.now_us(), 5_000_000, "B starts where A is");
        assert_eq!(lane.player.sim().rng_seed(), 99);
    }
    // A new seed for A is a new seed for B.
    let s = reduce(s, EditAction::EditScenario { field: ScenarioField::Seed, text: "7".into() });
    assert_eq!(s.compare.as_ref().unwrap().doc["seed"], json!(7));
    assert_eq!(s.engine.borrow().compare.as_ref().unwrap().player.sim().rng_seed(), 7);
    let s = reduce(s, OpenAction::LoadLesson(0));
    assert!(s.compare.is_none() && s.engine.borrow().compare.is_none());
    // The lesson against itself as shipped.
    let s = reduce(s, OpenAction::CompareWith(Some(CompareTo::Original)));
    assert_eq!(s.compare.as_ref().unwrap().label, "the lesson as shipped");
    let s = reduce(s, OpenAction::CompareWith(None));
    assert!(s.compare.is_none());
}

/// The lesson's index by slug.
fn lesson(slug: &str) -> usize {
    crate::model::presets::position(slug).unwrap()
}

/// What the page fetched for `slug`: the file as shipped.
fn arrived(slug: &str) -> OpenAction {
    let text = crate::model::presets::PRESETS[lesson(slug)].json.to_string();
    OpenAction::Fetched { lesson: lesson(slug), text: Ok(text) }
}

/// The app as it opens, a lesson whose file is not on hand, and the state once that lesson
/// was chosen.
fn choose_withheld(slug: &str) -> (Rc<AppState>, usize, Rc<AppState>) {
    let s = Rc::new(AppState::initial());
    let i = lesson(slug);
    crate::model::presets::withhold(i);
    let waiting = reduce(s.clone(), OpenAction::LoadLesson(i));
    (s, i, waiting)
}

#[test]
fn a_lesson_not_on_hand_opens_when_its_file_arrives() {
    let (s, i, waiting) = choose_withheld("poison-with-dlq");
    assert_eq!(waiting.doc, s.doc, "nothing opens before the file is here");
    assert_eq!(waiting.awaiting.as_ref().unwrap().lessons, [i]);
    let opened = reduce(waiting, arrived("poison-with-dlq"));
    assert_eq!(opened.lesson, i);
    assert_eq!(opened.doc["title"], crate::model::presets::PRESETS[i].title);
    assert!(opened.awaiting.is_none());
    // Now it is on hand: opening it again needs no fetch.
    let again = reduce(s, OpenAction::LoadLesson(i));
    assert!(again.awaiting.is_none());
    assert_eq!(again.lesson, i);
}

#[test]
fn a_lesson_that_cannot_be_fetched_changes_nothing_and_says_why() {
    let (s, i, waiting) = choose_withheld("fan-out");
    let failed =
        reduce(waiting, OpenAction::Fetched { lesson: i, text: Err("the server answered 404 Not Found".into()) });
    assert_eq!(failed.doc, s.doc);
    assert!(failed.awaiting.is_none());
    let notice = &failed.notice.as_ref().unwrap().text;
    assert!(notice.contains("Pub/sub fan-out") && notice.contains("404 Not Found"), "{notice}");
}

#[test]
fn another_opening_overtakes_one_that_waits() {
    let s = Rc::new(AppState::initial());
    let slow = lesson("retry-storm");
    crate::model::presets::withhold(slow);
    let waiting = reduce(s, OpenAction::LoadLesson(slow));
    let other = reduce(waiting, OpenAction::LoadLesson(lesson("fan-out")));
    assert!(other.awaiting.is_none());
    assert_eq!(other.lesson, lesson("fan-out"));
    // The late file is kept for next time but opens nothing.
    let late = reduce(other.clone(), arrived("retry-storm"));
    assert!(Rc::ptr_eq(&late, &other) || *late == *other);
    assert!(crate::model::presets::on_hand(slow));
}

#[test]
fn compare_both_waits_for_both_variants() {
    let s = Rc::new(AppState::initial());
    let (a, b) = (lesson("crash-at-most-once"), lesson("crash-at-least-once"));
    crate::model::presets::withhold(a);
    crate::model::presets::withhold(b);
    let waiting = reduce(s, OpenAction::OpenBoth { lesson: a, with: b });
    assert_eq!(waiting.awaiting.as_ref().unwrap().lessons, [a, b]);
    let half = reduce(waiting, arrived("crash-at-least-once"));
    assert_eq!(half.awaiting.as_ref().unwrap().lessons, [a]);
    assert!(half.compare.is_none());
    let both = reduce(half, arrived("crash-at-most-once"));
    assert_eq!(both.lesson, a);
    assert_eq!(both.compare.as_ref().unwrap().with, CompareTo::Variant(b));
}

#[test]
fn a_link_whose_lesson_cannot_be_fetched_opens_without_its_narration() {
    let i = lesson("poison-no-dlq");
    let shipped = lesson_doc(i).unwrap();
    let link = crate::model::share::link_for(&shipped, Some(i));
    crate::model::presets::withhold(i);
    let s = Rc::new(AppState::initial());
    let waiting = reduce(s, OpenAction::OpenLink { link: broker::link::decode(&link), from_history: false });
    assert_eq!(waiting.awaiting.as_ref().unwrap().lessons, [i]);
    let opened = reduce(waiting, OpenAction::Fetched { lesson: i, text: Err("the file could not be fetched".into()) });
    assert_eq!(doc::nodes(&opened.doc), doc::nodes(&shipped), "the link's scenario opened");
    assert!(opened.doc.get("lesson").is_none(), "without the narration the link leaves out");
    assert!(opened.notice.as_ref().unwrap().text.contains("without the narration"));
}

#[test]
fn without_its_first_lesson_the_app_opens_an_empty_scenario_and_says_so() {
    let first = crate::model::presets::default_index();
    crate::model::presets::withhold(first);
    let s = AppState::initial();
    assert!(doc::nodes(&s.doc).is_empty());
    assert!(s.problems.is_empty());
    assert!(s.notice.as_ref().unwrap().text.contains("could not be loaded"));
    assert_eq!(s.link_preset, None, "its link does not name a lesson it is not");
    // Start over goes back to the empty scenario, not to a lesson that is not here.
    let s = reduce(Rc::new(s), OpenAction::StartOver);
    assert!(doc::nodes(&s.doc).is_empty());
}

#[test]
fn a_node_added_at_a_free_spot_is_fitted_into_a_view_that_follows_the_drawing() {
    let s = Rc::new(AppState::initial());
    let before = s.fit_request;
    let s = reduce(s, EditAction::AddNode { kind: "queue".into(), at: None });
    assert_eq!(s.fit_request, before + 1);
    // Dropped where the user wanted it: no refit.
    let s = reduce(s, EditAction::AddNode { kind: "queue".into(), at: Some((100.0, 100.0)) });
    assert_eq!(s.fit_request, before + 1);
    // A view of the user's own is kept.
    let s = reduce(s, ViewAction::Zoom { factor: 1.25, around: (0.0, 0.0) });
    let s = reduce(s, EditAction::AddNode { kind: "consumer".into(), at: None });
    assert_eq!(s.fit_request, before + 1);
}

#[test]
fn a_service_from_the_palette_gains_and_loses_rules_one_undo_step_each() {
    let s = Rc::new(AppState::initial());
    let s = reduce(s, EditAction::AddNode { kind: "service".into(), at: None });
    assert_eq!(*s.selection, [Sel::Node("service".into())]);
    let (_, n) = doc::find_node(&s.doc, "service").unwrap();
    assert_eq!((n["kind"].as_str(), service::shown_kind(n)), (Some("consumer"), "service"));
    assert_eq!(n["publishes"], json!([{"publish": ["PaymentCaptured"]}]));
    assert!(s.problems.is_empty(), "{:?}", s.problems);
    let rule = |remove| EditAction::Rule { id: "service".into(), remove };
    let one = s.doc.clone();
    let s = reduce(s, rule(None));
    assert_eq!(s.doc["nodes"][5]["publishes"][1], json!({"publish": ["ServiceDone"]}));
    // Two rules for any event type: the core's reason shows at the new rule's first field.
    let on = fields::fields_for("consumer").iter().find(|f| f.path == "/publishes/1/on").unwrap();
    let owner = FieldOwner::Node("service".into());
    let why = s.field_problem(&owner, on).expect("the core's reason next to the field");
    assert!(why.contains("one rule per input event type"), "{why}");
    let s = reduce(s, EditAction::Edit { owner: owner.clone(), field: on, text: "StockFailed".into() });
    assert!(s.problems.is_empty(), "{:?}", s.problems);
    let s = reduce(s, rule(Some(0)));
    assert_eq!(s.doc["nodes"][5]["publishes"], json!([{"publish": ["ServiceDone"], "on": "StockFailed"}]));
    assert!(s.drafts.get(&AppState::draft_key(&owner, on)).is_none(), "the draft of the slot that moved is gone");
    let s = reduce(s, EditAction::Undo);
    assert_eq!(s.doc["nodes"][5]["publishes"].as_array().unwrap().len(), 2);
    let s = reduce(s, EditAction::Undo);
    let s = reduce(s, EditAction::Undo);
    assert_eq!(s.doc, one);
}

#[test]
fn wiring_a_consumer_onwards_makes_it_a_service_and_removing_its_last_rule_unwires_it() {
    let s = Rc::new(AppState::initial());
    let s = reduce(s, EditAction::AddNode { kind: "queue".into(), at: None });
    let before = s.doc.clone();
    let s = reduce(s, EditAction::Wire { from: "worker-a".into(), to: "queue".into(), at: None });
    assert!(s.notice.is_none());
    let (i, n) = doc::find_node(&s.doc, "worker-a").unwrap();
    assert_eq!(n["publishes"], json!([{"publish": ["WorkerADone"]}]));
    assert!(doc::wires(&s.doc).iter().any(|w| doc::wire_ends(w) == ("worker-a", "queue")));
    assert!(s.problems.is_empty(), "{:?}", s.problems);
    // A service has one outgoing wire.
    let s = reduce(s, EditAction::AddNode { kind: "topic".into(), at: None });
    let s = reduce(s, EditAction::Wire { from: "worker-a".into(), to: "topic".into(), at: Some((1.0, 2.0)) });
    let refusal = s.notice.clone().unwrap().text;
    assert!(refusal.starts_with("worker-a already publishes to queue"), "{refusal}");
    // Its last rule removed, it is a consumer again, without the wire and the publish settings.
    let confirms = fields::fields_for("consumer").iter().find(|f| f.path == "/publish").unwrap();
    let s = reduce(
        s,
        EditAction::Edit { owner: FieldOwner::Node("worker-a".into()), field: confirms, text: "true".into() },
    );
    assert!(s.doc["nodes"][i].get("publish").is_some());
    let wired = s.doc.clone();
    let s = reduce(s, EditAction::Rule { id: "worker-a".into(), remove: Some(0) });
    let n = &s.doc["nodes"][i];
    assert!(n.get("publishes").is_none() && n.get("publish").is_none() && !service::is_service(n));
    assert!(!doc::wires(&s.doc).iter().any(|w| doc::wire_ends(w).0 == "worker-a"));
    assert!(s.problems.is_empty(), "{:?}", s.problems);
    assert_eq!(s.notice.clone().unwrap().text, "worker-a publishes nothing now: its wire to queue is removed too.");
    let s = reduce(s, EditAction::Undo);
    assert_eq!(s.doc, wired, "one undo brings the rule and the wire back");
    let s = reduce(s, EditAction::Undo);
    let s = reduce(s, EditAction::Undo);
    let s = reduce(s, EditAction::Undo);
    assert_eq!(s.doc, before, "the wire and its first rule were one step");
}

#[test]
fn a_renamed_node_stays_selected_as_each_letter_is_typed() {
    let s = Rc::new(AppState::initial());
    let s = reduce(s, SelectAction::Select { sel: Sel::Node("work".into()), extend: false });
    let s = reduce(s, EditAction::Rename { id: "work".into(), text: "works".into() });
    assert_eq!(*s.selection, [Sel::Node("works".into())]);
    let s = reduce(s, EditAction::Rename { id: "works".into(), text: "works-q".into() });
    assert_eq!(*s.selection, [Sel::Node("works-q".into())]);
    assert!(doc::find_node(&s.doc, "works-q").is_some());
}

#[test]
fn escape_closes_the_copy_by_hand_bar_before_it_clears_the_selection() {
    let s = Rc::new(AppState::initial());
    let s = reduce(s, SelectAction::Select { sel: Sel::Node("work".into()), extend: false });
    let s = reduce(s, PanelAction::ShowCopyText(Some(("Link".into(), "#1.abc".into()))));
    let s = reduce(s, PanelAction::Escape);
    assert!(s.copy_text.is_none());
    assert_eq!(*s.selection, [Sel::Node("work".into())]);
}
