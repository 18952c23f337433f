//! `brokerlab-conformance`: runs scenarios on the simulator and on a real RabbitMQ, and says
//! where they differ.
//!
//! ```text
//! brokerlab-conformance [--amqp URL] [--json] SCENARIO_OR_FOLDER...
//! ```
//!
//! Exit status: 0 when every scenario agrees (or differs only where RabbitMQ's versions are
//! known to differ), 1 when one differs, 2 when a scenario cannot be checked or the broker
//! cannot be reached.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use brokerlab_conformance::rabbitmq::Broker;
use brokerlab_conformance::report::{check, preamble, tap, to_json};
use clap::Parser;

#[derive(Parser)]
#[command(
    name = "brokerlab-conformance",
    about = "Checks Brokerlab's simulator against a real RabbitMQ, scenario by scenario"
)]
struct Args {
    /// The broker: an AMQP URL (default: $BROKERLAB_AMQP_URL, or a local RabbitMQ as guest).
    #[arg(long)]
    amqp: Option<String>,
    /// Write the results as JSON instead of TAP.
    #[arg(long)]
    json: bool,
    /// Scenario files, or folders of them (every *.json inside, in name order).
    #[arg(required = true)]
    paths: Vec<PathBuf>,
}

fn scenarios(paths: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut files: Vec<PathBuf> = std::fs::read_dir(p)
                .map_err(|e| format!("{}: {e}", p.display()))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|f| f.extension().is_some_and(|x| x == "json"))
                .collect();
            files.sort();
            out.extend(files);
        } else {
            out.push(p.clone());
        }
    }
    Ok(out)
}

fn short(path: &Path) -> String {
    path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned())
}

fn main() -> ExitCode {
    let args = Args::parse();
    let url = args
        .amqp
        .or_else(|| std::env::var("BROKERLAB_AMQP_URL").ok())
        .unwrap_or_else(|| "amqp://guest:guest@127.0.0.1:5672/%2f".to_string());
    let files = match scenarios(&args.paths) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("brokerlab-conformance: {e}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("brokerlab-conformance: {e}");
            return ExitCode::from(2);
        }
    };
    runtime.block_on(async move {
        let broker = match Broker::connect(&url).await {
            Ok(b) => b,
            Err(e) => {
                eprintln!("brokerlab-conformance: {e}");
                return ExitCode::from(2);
            }
        };
        if !args.json {
            println!("TAP version 13\n1..{}\n{}", files.len(), preamble(&broker));
        }
        let (mut differ, mut unchecked) = (0, 0);
        let mut results = Vec::new();
        for (i, file) in files.iter().enumerate() {
            let outcome = match std::fs::read_to_string(file) {
                Ok(json) => check(&broker, &json, &format!("brokerlab.{}.{}", std::process::id(), i + 1)).await,
                Err(e) => Err(vec![format!("cannot read it: {e}")]),
            };
            match &outcome {
                Err(_) => unchecked += 1,
                Ok(c) if !c.differences.is_empty() => differ += 1,
                Ok(_) => {}
            }
            if args.json {
                results.push(to_json(&short(file), &outcome));
            } else {
                print!("{}", tap(i + 1, &short(file), &outcome));
            }
        }
        if args.json {
            let report = serde_json::json!({
                "broker": {"product": broker.product, "version": broker.version},
                "simulator_follows": brokerlab_conformance::versions::SIMULATOR_FOLLOWS,
                "not_compared": brokerlab_conformance::report::NOT_COMPARED,
                "scenarios": results,
            });
            println!("{report}");
        } else {
            println!(
                "# {} scenarios: {} agree, {} differ, {} not checked",
                files.len(),
                files.len() - differ - unchecked,
                differ,
                unchecked
            );
        }
        broker.close().await;
        if unchecked > 0 {
            ExitCode::from(2)
        } else if differ > 0 {
            ExitCode::FAILURE
        } else {
            ExitCode::SUCCESS
        }
    })
}
