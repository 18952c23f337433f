//! `brokerlab`: runs a Brokerlab scenario without a browser.
//!
//! ```text
//! brokerlab run SCENARIO.json [--seed N] [--until-ms T] [--trace] [--json]
//! brokerlab check SCENARIO.json
//! brokerlab link SCENARIO.json [--preset SLUG]
//! brokerlab unpack LINK|-
//! brokerlab partition KEY --partitions N
//! brokerlab test PATH... [--seeds 1,2,3|1..20] [--format tap|junit]
//! brokerlab asyncapi export SCENARIO.json [--yaml]
//! brokerlab asyncapi import ASYNCAPI.json|.yaml [--out SCENARIO.json]
//! ```
//!
//! `run` prints a table for people, or with `--json` one JSON object (a contract: see the
//! README). Both name the delivery guarantees the run broke (`broken_guarantees`), judged
//! event by event by the core's one rule (`broker::breach`), as the app's Checks panel judges
//! them. `--trace` prints the trace as JSON lines on stdout; the summary then follows as the
//! last line with `--json`, or goes to stderr as a table without it. `partition` prints the
//! partition Kafka's default partitioner picks for KEY (its UTF-8 bytes) out of N. `link` and
//! `unpack` turn a scenario file into a share link's fragment and back. Bad input exits with
//! status 2 and one line per problem, naming the field. A scenario file is read up to the
//! format's 2 MiB and no further, and `unpack -` reads standard input up to a cap too: more
//! than that is refused without being read. `test` runs scenario files (a folder's `*.json`
//! files, in name order) and checks each one's expectations (`"expect"`, see
//! `docs/scenario-format.md`), with its own seed or each of `--seeds`; it prints TAP or JUnit XML
//! on stdout and a summary on stderr, and exits 1 when an expectation fails, 2 when a file
//! cannot be read or run. `asyncapi export` prints the scenario as an AsyncAPI 3.0 document
//! (JSON, or YAML with `--yaml`); `asyncapi import` reads an AsyncAPI 3.0 or 2.6 document (JSON
//! or YAML) and prints the scenario it describes (or writes it to `--out`), with one line on
//! stderr for each part of the document it could not map; it exits with status 2 when the file
//! is not an AsyncAPI 3.0 or 2.6 document in JSON or YAML (see `docs/asyncapi.md`).

use std::io::{self, BufWriter, Write};
use std::process::ExitCode;

use broker::Model;
use broker::{Breach, Evidence, Outcome, SimTime, Simulation};
use clap::{Parser, Subcommand};
use serde::Serialize;

#[derive(Parser)]
#[command(name = "brokerlab", version, about = "Run Brokerlab scenarios from the command line")]
struct Cli {
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Run a scenario to its end and print the outcome.
    Run {
        /// The scenario file (JSON, "version": 1).
        scenario: String,
        /// Use this seed instead of the scenario's.
        #[arg(long)]
        seed: Option<u64>,
        /// Stop at this virtual time (ms) instead of the scenario's duration_ms.
        #[arg(long = "until-ms")]
        until_ms: Option<u64>,
        /// Print every trace event as a JSON line.
        #[arg(long)]
        trace: bool,
        /// Print the outcome as one JSON object.
        #[arg(long)]
        json: bool,
    },
    /// Check a scenario file and report every problem in it.
    Check { scenario: String },
    /// Print a share link's fragment for a scenario file (append it to the app's address).
    Link {
        scenario: String,
        /// The lesson (preset) it belongs to, so the app shows it as that lesson.
        #[arg(long)]
        preset: Option<String>,
    },
    /// Print the scenario a share link holds, as a scenario file (migrated to the current version).
    Unpack {
        /// The link: the part after #, a whole address, or - to read it from standard input.
        link: String,
    },
    /// Run scenarios and check what each one expects of its outcome ("expect"), for a
    /// course's CI: TAP or JUnit XML on stdout, a summary on stderr.
    Test {
        /// Scenario files, or folders of them (every .json file in a folder, in name order).
        #[arg(required = true)]
        paths: Vec<String>,
        /// Run each scenario with each of these seeds instead of its own: "1,2,3" or "1..20".
        #[arg(long, allow_hyphen_values = true)]
        seeds: Option<String>,
        /// "tap" (TAP version 13) or "junit" (JUnit XML).
        #[arg(long, default_value = "tap")]
        format: String,
    },
    /// AsyncAPI: the scenario's channels, operations and messages, and back.
    Asyncapi {
        #[command(subcommand)]
        what: AsyncApiCmd,
    },
    /// Print the partition Kafka's default partitioner picks for a key.
    Partition {
        /// The record key, hashed as its UTF-8 bytes (what Kafka's StringSerializer writes).
        key: String,
        /// How many partitions the topic has (1 to 10000).
        // A string, and hyphens allowed, so that "-3" and "abc" reach our own one-line
        // message instead of clap's usage error.
        #[arg(long, value_name = "N", allow_hyphen_values = true)]
        partitions: String,
    },
}

#[derive(Subcommand)]
enum AsyncApiCmd {
    /// Print the scenario as an AsyncAPI 3.0 document.
    Export {
        scenario: String,
        /// YAML instead of JSON.
        #[arg(long)]
        yaml: bool,
    },
    /// Read an AsyncAPI 3.0 or 2.6 document (JSON or YAML) into a scenario.
    Import {
        /// The AsyncAPI document.
        document: String,
        /// Write the scenario to this file instead of standard output.
        #[arg(long)]
        out: Option<String>,
    },
}

/// The largest AsyncAPI document `asyncapi import` reads.
const MAX_ASYNCAPI_BYTES: usize = 16 * 1024 * 1024;

/// Kafka sets no limit on partitions per topic; this only keeps a typo from looking like an
/// answer.
const MAX_PARTITIONS: u32 = 10_000;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { ExitCode::from(2) } else { ExitCode::SUCCESS };
        }
    };
    match cli.command {
        Cmd::Run { scenario, seed, until_ms, trace, json } => run(&scenario, seed, until_ms, trace, json),
        Cmd::Test { paths, seeds, format } => test(&paths, seeds.as_deref(), &format),
        Cmd::Asyncapi { what: AsyncApiCmd::Export { scenario, yaml } } => {
            let (scenario, model, _) = match load(&scenario) {
                Ok(checked) => checked,
                Err(code) => return code,
            };
            let doc = broker::asyncapi::export(&scenario, &model);
            if yaml {
                print!("{}", broker::asyncapi::yaml::write(&doc));
            } else {
                println!("{}", serde_json::to_string_pretty(&doc).unwrap_or_default());
            }
            ExitCode::SUCCESS
        }
        Cmd::Asyncapi { what: AsyncApiCmd::Import { document, out } } => asyncapi_import(&document, out.as_deref()),
        Cmd::Check { scenario } => match load(&scenario) {
            Ok(_) => {
                println!("{scenario}: ok");
                ExitCode::SUCCESS
            }
            Err(code) => code,
        },
        Cmd::Link { scenario, preset } => {
            let text = match read_scenario(&scenario) {
                Ok(t) => t,
                Err(code) => return code,
            };
            match check(&scenario, &text) {
                Ok(_) => {
                    // `check` has read the same text as a scenario, so it is JSON.
                    let value = broker::scenario::json::read(&text).unwrap_or_default();
                    // Only a link that `unpack` and the app would open is handed out.
                    match broker::link::encode_checked(&value, preset.as_deref()) {
                        Ok(link) => {
                            println!("#{link}");
                            ExitCode::SUCCESS
                        }
                        Err(why) => {
                            eprintln!("{scenario}: no link made: {why}");
                            ExitCode::from(2)
                        }
                    }
                }
                Err(code) => code,
            }
        }
        Cmd::Unpack { link } => unpack(&link),
        Cmd::Partition { key, partitions } => match parse_partitions(&partitions) {
            Some(n) => {
                println!("{}", broker::partition_for_key(key.as_bytes(), n));
                ExitCode::SUCCESS
            }
            None => {
                eprintln!("--partitions: must be a whole number from 1 to {MAX_PARTITIONS}, not {partitions:?}");
                ExitCode::from(2)
            }
        },
    }
}

/// Prints the scenario in a link as an indented JSON file, then checks it as `check` would:
/// a scenario with problems is still printed (so that it can be mended), and exits with 2.
fn unpack(link: &str) -> ExitCode {
    let text = if link == "-" {
        // Room for a whole address and blank lines around the link, and no more.
        let cap = broker::link::MAX_LINK_CHARS * 4;
        match read_capped(io::stdin().lock(), cap) {
            Ok(bytes) => match String::from_utf8(bytes) {
                Ok(t) => t,
                Err(_) => {
                    eprintln!("standard input: not UTF-8 text");
                    return ExitCode::from(2);
                }
            },
            Err(Unread::TooLarge) => {
                eprintln!(
                    "standard input: more than {cap} bytes; a link is at most {} characters",
                    broker::link::MAX_LINK_CHARS
                );
                return ExitCode::from(2);
            }
            Err(Unread::Failed(e)) => {
                eprintln!("standard input: cannot read: {e}");
                return ExitCode::from(2);
            }
        }
    } else {
        link.to_string()
    };
    let shared = match broker::link::decode(text.trim()) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let json = broker::link::write_json(&shared.scenario, true);
    println!("{json}");
    if let Some(slug) = &shared.preset {
        if shared.scenario.get("lesson").is_none() {
            eprintln!("This link opens as the lesson {slug:?}; the app adds that lesson's narration, which the link leaves out.");
        }
    }
    match broker::load_model(&json) {
        Ok(_) => ExitCode::SUCCESS,
        Err(problems) => {
            for p in &problems {
                eprintln!("{p}");
            }
            eprintln!("the link's scenario: {} problem{}", problems.len(), if problems.len() == 1 { "" } else { "s" });
            ExitCode::from(2)
        }
    }
}

/// `brokerlab asyncapi import`: the document read as JSON or YAML, imported, and the scenario
/// printed (or written to `out`), with what could not be mapped on stderr, a line each.
fn asyncapi_import(path: &str, out: Option<&str>) -> ExitCode {
    let fail = |why: String| {
        eprintln!("{path}: {}", escaped(&why));
        ExitCode::from(2)
    };
    let bytes = match std::fs::File::open(path).map_err(Unread::Failed).and_then(|f| read_capped(f, MAX_ASYNCAPI_BYTES))
    {
        Ok(b) => b,
        Err(Unread::TooLarge) => {
            return fail(format!("the file is larger than {} MiB", MAX_ASYNCAPI_BYTES / (1024 * 1024)))
        }
        Err(Unread::Failed(e)) => return fail(format!("cannot read: {e}")),
    };
    let Ok(text) = String::from_utf8(bytes) else { return fail("not UTF-8 text".into()) };
    let doc = match broker::asyncapi::read_document(&text, path) {
        Ok(v) => v,
        Err(why) => return fail(why),
    };
    let imported = match broker::asyncapi::import(&doc) {
        Ok(i) => i,
        Err(why) => return fail(why),
    };
    let text = imported.text();
    // The scenario must be one that runs: anything else is this import's own fault.
    let problems = match broker::Scenario::from_json(&text) {
        Ok(s) => broker::validate(&s).err().unwrap_or_default(),
        Err(p) => p,
    };
    for u in &imported.unmapped {
        eprintln!("{u}");
    }
    if !problems.is_empty() {
        for p in &problems {
            eprintln!("{p}");
        }
        return fail(format!(
            "the scenario made from it has {} problem{} (above); its x-brokerlab extensions may have been edited",
            problems.len(),
            if problems.len() == 1 { "" } else { "s" }
        ));
    }
    let nodes = imported.scenario["nodes"].as_array().map_or(0, Vec::len);
    let wires = imported.scenario["wires"].as_array().map_or(0, Vec::len);
    let summary = format!(
        "{path}: {nodes} node{}, {wires} wire{}; {} part{} not mapped",
        if nodes == 1 { "" } else { "s" },
        if wires == 1 { "" } else { "s" },
        imported.unmapped.len(),
        if imported.unmapped.len() == 1 { "" } else { "s" }
    );
    match out {
        Some(file) => {
            if let Err(e) = std::fs::write(file, &text) {
                eprintln!("{file}: cannot write: {e}");
                return ExitCode::from(2);
            }
        }
        None => print!("{text}"),
    }
    eprintln!("{}", escaped(&summary));
    ExitCode::SUCCESS
}

/// `text` with its control characters escaped, so that a line stays one line.
fn escaped(text: &str) -> String {
    text.chars().map(|c| if c.is_control() { c.escape_debug().to_string() } else { c.to_string() }).collect()
}

/// The most seeds one `test` runs each scenario with.
const MAX_SEEDS: u64 = 1_000;

/// "1,2,3" or "1..20" (both ends included), at most `MAX_SEEDS` of them.
fn parse_seeds(text: &str) -> Result<Vec<u64>, String> {
    let bad = || format!("--seeds {text:?}: give seeds as \"1,2,3\" or a range \"1..20\", at most {MAX_SEEDS}");
    let seeds: Vec<u64> = match text.split_once("..") {
        Some((a, b)) => {
            let (a, b) = (a.trim().parse::<u64>().map_err(|_| bad())?, b.trim().parse::<u64>().map_err(|_| bad())?);
            if b < a || b - a >= MAX_SEEDS {
                return Err(bad());
            }
            (a..=b).collect()
        }
        None => text.split(',').map(|s| s.trim().parse::<u64>().map_err(|_| bad())).collect::<Result<_, _>>()?,
    };
    if seeds.is_empty() || seeds.len() as u64 > MAX_SEEDS {
        return Err(bad());
    }
    Ok(seeds)
}

/// The scenario files a path names: the file itself, or a folder's `*.json` files in name order.
fn scenario_files(path: &str) -> Vec<String> {
    let Ok(dir) = std::fs::read_dir(path) else { return vec![path.to_string()] };
    let mut files: Vec<String> = dir
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "json"))
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    files.sort();
    files
}

/// A scenario for `test`: read and checked, or every problem in words.
fn load_for_test(file: &str) -> Result<Checked, Vec<String>> {
    let text = scenario_text(file).map_err(|why| vec![why])?;
    read_checked(&text).map_err(|ps| ps.iter().map(|p| p.to_string()).collect())
}

/// `brokerlab test`: each file run with each seed, its expectations checked.
fn test(paths: &[String], seeds: Option<&str>, format: &str) -> ExitCode {
    use broker::expect::report::{self, Case};
    if !matches!(format, "tap" | "junit") {
        eprintln!("--format {format:?}: \"tap\" or \"junit\"");
        return ExitCode::from(2);
    }
    let seeds = match seeds.map(parse_seeds).transpose() {
        Ok(s) => s,
        Err(why) => {
            eprintln!("{why}");
            return ExitCode::from(2);
        }
    };
    let mut cases = Vec::new();
    for file in paths.iter().flat_map(|p| scenario_files(p)) {
        let problem_case = |problems: Vec<String>| Case { file: file.clone(), seed: 0, checked: Vec::new(), problems };
        let loaded = load_for_test(&file);
        let (scenario, model, expectations) = match loaded {
            Ok(l) => l,
            Err(problems) => {
                cases.push(problem_case(problems));
                continue;
            }
        };
        for &seed in seeds.as_deref().unwrap_or(&[scenario.seed]) {
            let mut sim = Simulation::with_seed(model.clone(), seed);
            let mut broken = 0;
            run_draining(&mut sim, |sim, entries| {
                broken += entries.iter().filter(|e| broker::breach(sim.model(), e).is_some()).count();
                true
            });
            let outcome = sim.outcome();
            let checked = expectations.iter().map(|e| e.check(&outcome, broken)).collect();
            cases.push(Case { file: file.clone(), seed, checked, problems: Vec::new() });
        }
    }
    let text = if format == "junit" { report::junit(&cases) } else { report::tap(&cases) };
    print!("{text}");
    eprintln!("{}", report::summary(&cases));
    if cases.iter().any(|c| !c.problems.is_empty()) {
        ExitCode::from(2)
    } else if cases.iter().any(|c| c.checked.iter().any(|x| !x.passed)) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn parse_partitions(text: &str) -> Option<u32> {
    text.parse::<u32>().ok().filter(|n| (1..=MAX_PARTITIONS).contains(n))
}

/// Reads and validates, printing every problem; `Err` carries the exit code.
fn load(path: &str) -> Result<Checked, ExitCode> {
    let text = read_scenario(path)?;
    check(path, &text)
}

/// Reads a scenario file up to the format's cap, and no further: a larger file (or an endless
/// one, like /dev/zero) is refused after `MAX_SCENARIO_BYTES + 1` bytes. `Err` carries the
/// exit code, the reason printed.
fn read_scenario(path: &str) -> Result<String, ExitCode> {
    scenario_text(path).map_err(|why| {
        eprintln!("{path}: {why}");
        ExitCode::from(2)
    })
}

/// A scenario file's text, or why it cannot be had, in words.
fn scenario_text(path: &str) -> Result<String, String> {
    let cap = broker::scenario::MAX_SCENARIO_BYTES;
    let read = std::fs::File::open(path).map_err(Unread::Failed).and_then(|f| read_capped(f, cap));
    match read {
        Ok(bytes) => String::from_utf8(bytes).map_err(|_| "not UTF-8 text".to_string()),
        Err(Unread::TooLarge) => {
            Err(format!("the file is larger than {} MiB; the most Brokerlab reads is {cap} bytes", cap / (1024 * 1024)))
        }
        Err(Unread::Failed(e)) => Err(format!("cannot read: {e}")),
    }
}

/// Why `read_capped` read nothing usable.
enum Unread {
    /// There is more than the cap: the rest was never read.
    TooLarge,
    Failed(io::Error),
}

/// Reads everything from `source` if it is at most `cap` bytes. It reads one byte past the cap
/// to tell a full file from a larger one, and stops there.
fn read_capped(source: impl io::Read, cap: usize) -> Result<Vec<u8>, Unread> {
    let mut bytes = Vec::new();
    io::Read::read_to_end(&mut io::Read::take(source, cap as u64 + 1), &mut bytes).map_err(Unread::Failed)?;
    if bytes.len() > cap {
        Err(Unread::TooLarge)
    } else {
        Ok(bytes)
    }
}

/// A scenario's text read once: the scenario, its model, and what it expects of its outcome
/// (which the page does not read), or every problem.
type Checked = (broker::Scenario, Model, Vec<broker::expect::Expectation>);

fn read_checked(text: &str) -> Result<Checked, Vec<broker::Problem>> {
    let scenario = broker::Scenario::from_json(text)?;
    let model = broker::validate(&scenario)?;
    let expectations = broker::expect::read(&scenario.expect)?;
    Ok((scenario, model, expectations))
}

/// Validates a scenario's text, printing every problem and how many; `Err` carries the exit
/// code.
fn check(path: &str, text: &str) -> Result<Checked, ExitCode> {
    let problems = match read_checked(text) {
        Ok(checked) => return Ok(checked),
        Err(p) => p,
    };
    for p in &problems {
        eprintln!("{p}");
    }
    eprintln!("{path}: {} problem{}", problems.len(), if problems.len() == 1 { "" } else { "s" });
    Err(ExitCode::from(2))
}

/// Runs the simulation to its end, handing `each` the trace entries since the last call: every
/// few thousand events, so that even a run whose events all happen at one instant (a tight
/// poison loop) never holds its whole trace, and once at the end. Stops, and says false, as
/// soon as `each` does.
fn run_draining(sim: &mut Simulation, mut each: impl FnMut(&Simulation, &[broker::Entry]) -> bool) -> bool {
    // One buffer for every drain (see `drain_trace_into`).
    let mut entries = Vec::new();
    while sim.step() {
        if sim.pending_trace().len() >= 4096 {
            sim.drain_trace_into(&mut entries);
            if !each(sim, &entries) {
                return false;
            }
        }
    }
    sim.advance_to(sim.end());
    sim.drain_trace_into(&mut entries);
    each(sim, &entries)
}

fn run(path: &str, seed: Option<u64>, until_ms: Option<u64>, trace: bool, json: bool) -> ExitCode {
    let model = match load(path) {
        Ok((_, m, _)) => m,
        Err(code) => return code,
    };
    let seed = seed.unwrap_or(model.seed);
    let mut sim = Simulation::with_seed(model, seed);
    if let Some(t) = until_ms {
        if t > broker::MAX_DURATION_MS as u64 {
            eprintln!("--until-ms: must be at most {} ms", broker::MAX_DURATION_MS);
            return ExitCode::from(2);
        }
        sim.set_end(SimTime::from_ms(t));
    }
    // Every entry is kept until drained, so that the guarantees can be judged even when the
    // trace is not printed; it is drained every few thousand events.
    sim.set_keep_trace(true);
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let mut broken: Vec<Breach> = Vec::new();
    // Judges what happened since the last drain and prints it with --trace; false once stdout
    // is closed (e.g. piped into head).
    let finished = run_draining(&mut sim, |sim, entries| {
        broken.extend(entries.iter().filter_map(|e| broker::breach(sim.model(), e)));
        !trace || entries.iter().all(|e| writeln!(out, "{}", sim.trace_line(e)).is_ok())
    });
    if !finished {
        return ExitCode::SUCCESS;
    }
    let outcome = sim.outcome();
    if json {
        let report = Report {
            outcome: &outcome,
            broken_guarantees: broken.iter().map(|b| BrokenGuarantee::new(&sim, b)).collect(),
        };
        // Written as it serialises: the rows are read off the simulation one at a time, so a
        // million-message outcome never sits in memory as one string.
        if serde_json::to_writer(&mut out, &report).is_ok() {
            let _ = writeln!(out);
        }
    } else if trace {
        let _ = out.flush();
        eprint!("{}", table(&outcome, &sim, &broken));
    } else {
        let _ = write!(out, "{}", table(&outcome, &sim, &broken));
    }
    let _ = out.flush();
    ExitCode::SUCCESS
}

/// The `--json` object: the outcome's fields, then the broken guarantees.
#[derive(Serialize)]
struct Report<'a> {
    #[serde(flatten)]
    outcome: &'a Outcome,
    broken_guarantees: Vec<BrokenGuarantee>,
}

/// One broken guarantee in `--json`.
#[derive(Serialize)]
struct BrokenGuarantee {
    /// `no_loss` or `no_duplicate_effect`.
    property: &'static str,
    /// The semantics whose promise was broken.
    semantics: &'static str,
    /// Judged against the scenario's end-to-end promise: the event was not at a consumer.
    end_to_end: bool,
    node: String,
    message: Option<String>,
    t_us: u64,
    /// Why it was lost (`no_loss`), as the trace names it.
    reason: Option<&'static str>,
    /// How many times its effect has been applied (`no_duplicate_effect`).
    count: Option<u32>,
    /// The same in words.
    words: String,
}

impl BrokenGuarantee {
    fn new(sim: &Simulation, b: &Breach) -> BrokenGuarantee {
        let (reason, count) = match b.evidence {
            Evidence::Lost(r) => (Some(r.name()), None),
            Evidence::Applied(n) => (None, Some(n)),
        };
        BrokenGuarantee {
            property: b.guarantee.name(),
            semantics: b.semantics.name(),
            end_to_end: b.end_to_end,
            node: sim.model().name(b.node).to_string(),
            message: b.msg.map(|m| sim.message_name(m)),
            t_us: b.t.0,
            reason,
            count,
            words: b.describe(sim),
        }
    }
}

/// How many broken guarantees the table lists; `--json` has them all.
const TABLE_BREACHES: usize = 20;

fn table(o: &Outcome, sim: &Simulation, broken: &[Breach]) -> String {
    let mut s = String::new();
    let title = if o.title.is_empty() { "Scenario" } else { &o.title };
    s.push_str(&format!(
        "{title}\nseed {} · {} ms virtual · {} events · trace {}\n\n",
        o.seed, o.t_ms, o.events, o.trace_hash
    ));
    for line in &o.verdict {
        s.push_str(&format!("  {line}\n"));
    }
    s.push('\n');
    let rows: [(&str, u64); 7] = [
        ("published", o.published),
        ("processed once", o.processed_once),
        ("processed more than once", o.processed_more_than_once),
        ("dead-lettered", o.dead_lettered),
        ("dropped", o.dropped),
        ("lost", o.lost),
        ("in flight", o.in_flight),
    ];
    for (name, n) in rows {
        s.push_str(&format!("  {name:<26}{n:>8}\n"));
    }
    s.push('\n');
    let more: [(&str, u64); 7] = [
        ("duplicate effects", o.duplicate_effects),
        ("duplicates suppressed", o.duplicates_suppressed),
        ("publishes deduplicated", o.publishes_deduplicated),
        ("out of order", o.out_of_order),
        ("retries", o.retries),
        ("max queue depth", o.max_queue_depth),
        ("max consumer lag", o.max_consumer_lag),
    ];
    for (name, n) in more {
        s.push_str(&format!("  {name:<26}{n:>8}\n"));
    }
    let l = &o.latency_ms;
    s.push_str(&format!(
        "  {:<26}p50 {:.1} · p95 {:.1} · p99 {:.1} · mean {:.1}  (ms, {} messages)\n",
        "latency", l.p50, l.p95, l.p99, l.mean, l.samples
    ));
    s.push('\n');
    if broken.is_empty() {
        s.push_str("Broken guarantees: none\n");
    } else {
        s.push_str(&format!("Broken guarantees: {}\n", broken.len()));
        for b in broken.iter().take(TABLE_BREACHES) {
            s.push_str(&format!("  {:>9.1} ms  {}\n", b.t.0 as f64 / 1000.0, b.describe(sim)));
        }
        if broken.len() > TABLE_BREACHES {
            s.push_str(&format!("  and {} more (--json lists them all)\n", broken.len() - TABLE_BREACHES));
        }
    }
    s
}
