//! The app's one state and its reducer. `reduce` runs the core (pure computation) and never
//! touches the DOM; the view renders whatever state it is given.

use std::rc::Rc;

use broker::Outcome;
use yew::Reducible;

use crate::presets::{self, PresetInfo, PRESETS};
use crate::runner;

/// The result of the last run the user asked for.
#[derive(Clone, Debug, PartialEq)]
pub enum RunResult {
    Ran(Rc<Outcome>),
    /// The scenario did not load; the core's problems, one line each.
    Failed(Rc<Vec<String>>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct AppState {
    /// Title, description and seed of every preset, read once.
    pub catalog: Rc<Vec<PresetInfo>>,
    /// Index into [`PRESETS`] of the chosen scenario.
    pub selected: usize,
    /// The seed the shown result was run with.
    pub seed: u64,
    /// What the Seed field holds now, valid or not.
    pub seed_text: String,
    /// Why the Seed field was refused on the last Run; the previous result stays shown.
    pub seed_error: Option<String>,
    pub result: RunResult,
    /// How many runs made it to the screen; lets the status line say "run again".
    pub runs: u64,
}

pub enum Action {
    /// Pick a preset by index: its own seed, run at once.
    SelectPreset(usize),
    /// The Seed field changed; nothing runs until Run.
    EditSeed(String),
    /// Run the chosen preset with the seed in the field, if it is valid.
    Run,
}

impl AppState {
    /// The app as it opens: the default preset, run with its own seed.
    pub fn initial() -> AppState {
        let catalog = Rc::new(presets::catalog());
        AppState::for_preset(catalog, presets::default_index(), 0)
    }

    fn for_preset(catalog: Rc<Vec<PresetInfo>>, selected: usize, runs: u64) -> AppState {
        let seed = catalog.get(selected).and_then(|p| p.seed).unwrap_or(0);
        AppState {
            result: run(selected, seed),
            catalog,
            selected,
            seed,
            seed_text: seed.to_string(),
            seed_error: None,
            runs: runs + 1,
        }
    }

    pub fn preset(&self) -> Option<&PresetInfo> {
        self.catalog.get(self.selected)
    }
}

fn run(selected: usize, seed: u64) -> RunResult {
    match PRESETS.get(selected) {
        Some(p) => match runner::run(p.json, seed) {
            Ok(outcome) => RunResult::Ran(Rc::new(outcome)),
            Err(problems) => RunResult::Failed(Rc::new(problems)),
        },
        None => RunResult::Failed(Rc::new(vec!["There is no such preset.".to_owned()])),
    }
}

impl Default for AppState {
    fn default() -> Self {
        AppState::initial()
    }
}

impl Reducible for AppState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        match action {
            Action::SelectPreset(i) if i < PRESETS.len() => {
                Rc::new(AppState::for_preset(self.catalog.clone(), i, self.runs))
            }
            // An index from a stale or hostile event: nothing to do, nothing to re-render.
            Action::SelectPreset(_) => self,
            Action::EditSeed(text) if text == self.seed_text => self,
            Action::EditSeed(text) => Rc::new(AppState { seed_text: text, ..(*self).clone() }),
            Action::Run => match runner::parse_seed(&self.seed_text) {
                Ok(seed) => Rc::new(AppState {
                    result: run(self.selected, seed),
                    seed,
                    seed_text: seed.to_string(),
                    seed_error: None,
                    runs: self.runs + 1,
                    ..(*self).clone()
                }),
                Err(message) => {
                    let kept = match self.result {
                        RunResult::Ran(_) => format!(" The outcome shown is still the run with seed {}.", self.seed),
                        RunResult::Failed(_) => String::new(),
                    };
                    Rc::new(AppState { seed_error: Some(message + &kept), ..(*self).clone() })
                }
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outcome(s: &AppState) -> Rc<Outcome> {
        match &s.result {
            RunResult::Ran(o) => o.clone(),
            RunResult::Failed(p) => panic!("failed: {p:?}"),
        }
    }

    #[test]
    fn opens_on_the_default_preset_with_its_seed() {
        let s = AppState::initial();
        assert_eq!(PRESETS[s.selected].slug, presets::DEFAULT_PRESET);
        assert_eq!(Some(s.seed), s.preset().unwrap().seed);
        assert_eq!(outcome(&s).trace_hash.len(), 16);
    }

    #[test]
    fn a_bad_seed_keeps_the_previous_result() {
        let s = Rc::new(AppState::initial());
        let before = outcome(&s);
        let s = s.reduce(Action::EditSeed("banana".into())).reduce(Action::Run);
        assert!(s.seed_error.as_deref().unwrap().contains("still the run with seed 7"), "{:?}", s.seed_error);
        assert_eq!(outcome(&s), before);
        let s = s.reduce(Action::EditSeed("8".into())).reduce(Action::Run);
        assert_eq!(s.seed_error, None);
        assert_eq!(s.seed, 8);
        assert_ne!(outcome(&s).trace_hash, before.trace_hash);
    }

    #[test]
    fn rerunning_the_same_seed_gives_the_same_hash() {
        let s = Rc::new(AppState::initial());
        let again = s.clone().reduce(Action::Run);
        assert_eq!(outcome(&s).trace_hash, outcome(&again).trace_hash);
        assert_eq!(again.runs, s.runs + 1);
    }

    #[test]
    fn an_unknown_preset_index_changes_nothing() {
        let s = Rc::new(AppState::initial());
        let same = s.clone().reduce(Action::SelectPreset(usize::MAX));
        assert!(Rc::ptr_eq(&s, &same));
    }
}
