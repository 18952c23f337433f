//! One scenario's check, and the report of a suite of them: TAP lines a CI reads, the
//! differences in words under each, which broker it ran against and which version the
//! simulator follows, and what is not compared and why.

use serde_json::{json, Value};

use crate::compare::{compare, Difference};
use crate::rabbitmq::{self, Broker};
use crate::simulated::script;
use crate::versions::{known_differences, Known, SIMULATOR_FOLLOWS};

/// What comparing one scenario found.
pub struct Checked {
    pub title: String,
    /// Differences no known version difference explains.
    pub differences: Vec<Difference>,
    /// Differences a known version difference explains, with it.
    pub known: Vec<(Difference, Known)>,
    /// What the driver could not act out, and channels the broker closed.
    pub notes: Vec<String>,
    /// How much was compared: deliveries, publishes, messages.
    pub deliveries: usize,
    pub publishes: usize,
}

/// Runs scenario JSON on the simulator and on `broker`, and compares.
pub async fn check(broker: &Broker, json: &str, run: &str) -> Result<Checked, Vec<String>> {
    let script = script(json)?;
    let real = rabbitmq::run(broker, &script, run).await.map_err(|e| vec![e])?;
    let known = known_differences(&broker.version, &script);
    let mut differences = Vec::new();
    let mut explained = Vec::new();
    let all = compare(&script.expected, &real.observed, &script.topology);
    for d in &all {
        match known.iter().find(|k| k.explains(d, &all)) {
            Some(k) => explained.push((d.clone(), k.clone())),
            None => differences.push(d.clone()),
        }
    }
    // The same note many times over reads once, with how many times.
    let mut notes: Vec<String> = Vec::new();
    let mut counts: Vec<usize> = Vec::new();
    for n in real.notes {
        match notes.iter().position(|m| *m == n) {
            Some(i) => counts[i] += 1,
            None => {
                notes.push(n);
                counts.push(1);
            }
        }
    }
    let mut notes: Vec<String> =
        notes.into_iter().zip(counts).map(|(n, c)| if c > 1 { format!("{n} (×{c})") } else { n }).collect();
    let races = script.races(2_000);
    if races > 0 {
        notes.insert(
            0,
            format!("timing-sensitive: {races} times, two competing consumers of one queue settle less than 2 ms apart, so which of them RabbitMQ hands the next message to is a matter of timing there"),
        );
    }
    if let Some(ms) = script.topology.ack_timeout_ms {
        notes.insert(
            0,
            format!("needs the broker's consumer_timeout to be {ms} ms (a node setting before RabbitMQ 3.12)"),
        );
    }
    Ok(Checked {
        title: script.title,
        differences,
        known: explained,
        notes,
        deliveries: script.expected.deliveries.values().map(Vec::len).sum(),
        publishes: script.steps.iter().filter(|s| matches!(s.op, crate::script::Op::Publish { .. })).count(),
    })
}

/// What the report says is not compared, and why.
pub const NOT_COMPARED: &str = "Not compared: times (the simulator's are virtual, the broker's real), so neither when a message expired, was dead-lettered or redelivered, nor the x-death time, exchange and routing-keys fields; processing, which the clients' script replaces; and the order in which deliveries to different consumers interleave, since each consumer's own order is compared instead.";

/// The header of a report: which broker, which simulator.
pub fn preamble(broker: &Broker) -> String {
    format!(
        "# conformance: {} {} against the simulator (which follows RabbitMQ {SIMULATOR_FOLLOWS})\n# {NOT_COMPARED}",
        broker.product, broker.version
    )
}

/// How many differences a TAP report shows per scenario.
const SHOWN: usize = 12;

/// TAP lines for one scenario (`n` is its number in the run).
pub fn tap(n: usize, file: &str, outcome: &Result<Checked, Vec<String>>) -> String {
    let mut out = String::new();
    match outcome {
        Err(problems) => {
            out.push_str(&format!("not ok {n} - {file}: could not be checked\n"));
            for p in problems {
                out.push_str(&format!("#   {p}\n"));
            }
        }
        Ok(c) => {
            let what = format!("{} deliveries, {} publishes", c.deliveries, c.publishes);
            if c.differences.is_empty() {
                let known = if c.known.is_empty() {
                    String::new()
                } else {
                    format!("; {} known version differences", c.known.len())
                };
                out.push_str(&format!("ok {n} - {file}: {} ({what}){known}\n", c.title));
            } else {
                out.push_str(&format!(
                    "not ok {n} - {file}: {} ({what}): {} differences\n",
                    c.title,
                    c.differences.len()
                ));
            }
            for d in c.differences.iter().take(SHOWN) {
                out.push_str(&format!("#   differs: {}\n", d.words));
            }
            if c.differences.len() > SHOWN {
                out.push_str(&format!(
                    "#   … and {} more differences (--json lists them all)\n",
                    c.differences.len() - SHOWN
                ));
            }
            let mut reasons: Vec<&Known> = Vec::new();
            for (i, (d, k)) in c.known.iter().enumerate() {
                if !reasons.contains(&k) {
                    out.push_str(&format!("#   known difference ({}): {}\n", k.id, k.words));
                    reasons.push(k);
                }
                if i < SHOWN {
                    out.push_str(&format!("#     {}\n", d.words));
                }
            }
            for note in &c.notes {
                out.push_str(&format!("#   note: {note}\n"));
            }
        }
    }
    out
}

/// The same as JSON, for a course author's tooling.
pub fn to_json(file: &str, outcome: &Result<Checked, Vec<String>>) -> Value {
    match outcome {
        Err(problems) => json!({"scenario": file, "status": "not_checked", "problems": problems}),
        Ok(c) => json!({
            "scenario": file,
            "title": c.title,
            "status": match (c.differences.is_empty(), c.known.is_empty()) {
                (false, _) => "differs",
                (true, false) => "differs_only_as_versions_do",
                (true, true) => "agrees",
            },
            "deliveries": c.deliveries,
            "publishes": c.publishes,
            "differences": c.differences.iter().map(|d| d.words.clone()).collect::<Vec<_>>(),
            "known_differences": c.known.iter().map(|(d, k)| json!({"id": k.id, "why": k.words, "difference": d.words})).collect::<Vec<_>>(),
            "notes": c.notes,
        }),
    }
}
