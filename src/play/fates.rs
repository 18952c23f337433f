//! The fates a published message ends up in (processed once, processed more than once,
//! dead-lettered, dropped, lost, in flight), with the words and tones the page shows for
//! them beside the published total, and conservation: the fates add up to what was
//! published. The Outcome region and the Checks tab both read them from here.

use broker::Outcome;

use crate::model::format::thousands;

/// The seven fates every published message is sorted into, with their labels.
pub fn fate_counts(o: &Outcome) -> [(&'static str, u64, &'static str); 7] {
    [
        ("Published", o.published, "total"),
        ("Processed once", o.processed_once, "good"),
        ("Processed more than once", o.processed_more_than_once, "bad"),
        ("Dead-lettered", o.dead_lettered, "warn"),
        ("Dropped", o.dropped, "bad"),
        ("Lost", o.lost, "bad"),
        ("In flight", o.in_flight, "neutral"),
    ]
}

/// The flow states' labels, in the order of `FlowState::ALL`.
pub const FLOW_LABELS: [&str; 6] =
    ["Completed", "Compensated", "Still in flight", "Stuck", "Inconsistent", "Needs a person"];

/// How the flows ended, for a scenario that names its flows: label, count, tone.
pub fn flow_counts(o: &Outcome) -> Option<[(&'static str, u64, &'static str); 6]> {
    let f = o.flows.as_ref()?;
    Some([
        (FLOW_LABELS[0], f.completed, "good"),
        (FLOW_LABELS[1], f.compensated, "good"),
        (FLOW_LABELS[2], f.in_flight, "neutral"),
        (FLOW_LABELS[3], f.stuck, "bad"),
        (FLOW_LABELS[4], f.inconsistent, "bad"),
        (FLOW_LABELS[5], f.needs_a_person, "bad"),
    ])
}

/// "150 published = 135 processed once + 15 dead-lettered": the fates that are not zero.
pub fn conservation_sum(o: &Outcome) -> (bool, String) {
    let counts = fate_counts(o);
    let parts: Vec<String> = counts[1..]
        .iter()
        .filter(|(_, n, _)| *n > 0)
        .map(|(label, n, _)| format!("{} {}", thousands(*n), label.to_ascii_lowercase()))
        .collect();
    let sum: u64 = counts[1..].iter().map(|c| c.1).sum();
    let text = if parts.is_empty() {
        "Nothing published yet.".to_string()
    } else {
        format!("{} published = {}", thousands(o.published), parts.join(" + "))
    };
    (sum == o.published, text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::presets::PRESETS;

    #[test]
    fn the_fates_add_up_to_what_was_published() {
        let p = PRESETS.iter().find(|p| p.slug == "poison-with-dlq").unwrap();
        let mut sim = broker::Simulation::new(broker::load_model(p.json).unwrap());
        sim.run_to_end();
        let (ok, text) = conservation_sum(&sim.outcome());
        assert!(ok);
        assert_eq!(text, "150 published = 135 processed once + 15 dead-lettered");
    }
}
