// Schema check for the scenario format (docs/scenario.schema.json).
//
//   (a) every scenarios/*.json, and the complete examples in docs/scenario-format.md, must
//       validate against the schema;
//   (b) a set of deliberately broken scenarios must be refused by it, and a few valid edge
//       cases (from the reader's point of view) must be accepted;
//   (c) every scenario's AsyncAPI export (`brokerlab asyncapi export`) must validate against
//       the official AsyncAPI 3.0.0 JSON Schema (the @asyncapi/specs package), and so must the
//       export of broker/tests/asyncapi/'s fixture scenario with event schemas, a registry and
//       a deploy (its versions as Avro payloads); the hand-written AsyncAPI documents there
//       that `brokerlab asyncapi import` is tested with must be valid 3.0.0 or 2.6.0 documents.
//
// Run from anywhere: `node tests/schema/check.mjs`. Exits non-zero on any failure and ends
// with a "N passed, N failed" line.

import { existsSync, readFileSync, readdirSync } from "node:fs";
import { execFileSync } from "node:child_process";
import AjvDraft07 from "ajv";
import asyncapiSpecs from "@asyncapi/specs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import Ajv2020 from "ajv/dist/2020.js";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..");
const schemaPath = join(root, "docs", "scenario.schema.json");
const scenarioDir = join(root, "scenarios");

let passed = 0;
let failed = 0;
const ok = (what) => {
  passed += 1;
  console.log(`ok   ${what}`);
};
const fail = (what, details = []) => {
  failed += 1;
  console.log(`FAIL ${what}`);
  for (const d of details) console.log(`       ${d}`);
};

// strict: true makes Ajv refuse unknown keywords and type-less keyword use in the schema
// itself, so a mistake in the schema fails here rather than passing silently.
const ajv = new Ajv2020({ strict: true, allErrors: true });
let validate;
try {
  validate = ajv.compile(JSON.parse(readFileSync(schemaPath, "utf8")));
  ok("docs/scenario.schema.json compiles (draft 2020-12, strict)");
} catch (e) {
  fail("docs/scenario.schema.json compiles (draft 2020-12, strict)", [String(e.message ?? e)]);
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(1);
}

/** One line per error: the JSON path of the value and what is wrong with it. */
function describe(errors) {
  return (errors ?? [])
    // "must match then schema" only repeats the errors found inside the "then".
    .filter((e) => e.keyword !== "if")
    .map((e) => {
      const where = e.instancePath === "" ? "(top level)" : e.instancePath;
      const extra = e.params?.additionalProperty
        ? ` (${e.params.additionalProperty})`
        : e.params?.allowedValues
          ? ` (${JSON.stringify(e.params.allowedValues)})`
          : "";
      return `${where}: ${e.message}${extra}`;
    });
}

// (a) Every scenario in the repository: scenarios/ (the lessons) and conformance/scenarios/
// (the suite run against RabbitMQ) hold scenario files and nothing else.
const conformanceDir = join(root, "conformance", "scenarios");
const files = readdirSync(scenarioDir).filter((f) => f.endsWith(".json")).sort();
if (files.length === 0) fail("scenarios/*.json: no scenario files found");
const conformanceFiles = readdirSync(conformanceDir).filter((f) => f.endsWith(".json")).sort();
if (conformanceFiles.length === 0) fail("conformance/scenarios/*.json: no scenario files found");
const scenarioPaths = [
  ...files.map((f) => join(scenarioDir, f)),
  ...conformanceFiles.map((f) => join(conformanceDir, f)),
];
for (const path of scenarioPaths) {
  const name = relative(root, path);
  let doc;
  try {
    doc = JSON.parse(readFileSync(path, "utf8"));
  } catch (e) {
    fail(`${name}: valid JSON`, [String(e.message)]);
    continue;
  }
  if (validate(doc)) ok(`${name} matches the schema`);
  else fail(`${name} matches the schema`, describe(validate.errors));
}

// The complete example(s) in the format page: every ```json block there that is a whole
// scenario (has "version") must match the schema too.
const docPath = join(root, "docs", "scenario-format.md");
const blocks = [...readFileSync(docPath, "utf8").matchAll(/```json\n([\s\S]*?)```/g)].map((m) => m[1]);
let examples = 0;
for (const [i, text] of blocks.entries()) {
  let doc;
  try {
    doc = JSON.parse(text);
  } catch {
    continue; // a fragment, not a whole document
  }
  if (doc === null || typeof doc !== "object" || Array.isArray(doc) || !("version" in doc)) continue;
  examples += 1;
  if (validate(doc)) ok(`docs/scenario-format.md example (json block ${i + 1}) matches the schema`);
  else fail(`docs/scenario-format.md example (json block ${i + 1}) matches the schema`, describe(validate.errors));
}
if (examples === 0) fail("docs/scenario-format.md has a complete example scenario");

// (b) Inline cases. `base` is a small valid scenario; each case changes one thing.
const base = () => ({
  version: 1,
  title: "Inline",
  seed: 3,
  duration_ms: 10000,
  nodes: [
    { id: "p", kind: "producer", arrivals: { poisson: { rate_per_s: 5 } }, count: 10, keys: "order-1..order-5" },
    { id: "x", kind: "exchange", type: "direct" },
    { id: "q", kind: "queue", queue_type: "quorum", prefetch: 2, dead_letter: "dlq" },
    { id: "c", kind: "consumer", processing: { uniform: { min_ms: 5, max_ms: 20 } }, faults: [{ poison: { every_nth: 4 } }] },
    { id: "dlq", kind: "dead_letter_queue" },
  ],
  wires: [["p", "x"], { from: "x", to: "q", binding_key: "Event" }, ["q", "c"]],
  actions: [{ at_ms: 500, crash: { consumer: "c", recover_after_ms: 100 } }],
  view: { positions: { p: [10, 20] }, zoom: 1.5 },
});
const node = (s, id) => s.nodes.find((n) => n.id === id);
// A lesson with every field; `editLesson` changes one thing in it.
const lesson = () => ({
  watch: "Watch the DLQ.",
  try: "Set the delivery limit to 1.",
  fix: "A delivery limit and a dead-letter exchange.",
  points: [{ at_ms: 500, node: "c", say: "c crashes." }, { at_ms: 900, say: "A moment." }, { node: "dlq", say: "A node." }],
  question: { ask: "How many times is order-2 charged?", measure: "effects", key: "order-2", unit: "times" },
});
const editLesson = (f) => edit((s) => {
  s.lesson = lesson();
  f(s.lesson);
});
const edit = (f) => {
  const s = base();
  f(s);
  return s;
};

// A small valid topic scenario: a keyed producer, a topic with three partitions, a group of
// two consumers and a dead-letter topic. `editTopic` changes one thing, as `edit` does.
const topicBase = () => ({
  version: 1,
  title: "Inline topic",
  seed: 5,
  duration_ms: 20000,
  nodes: [
    {
      id: "p", kind: "producer", arrivals: { fixed: { interval_ms: 50 } }, count: 100, keys: "order-1..order-8",
      publish: { timeout_ms: 200, retries: 3, backoff_ms: 20 }, idempotent: true,
    },
    { id: "t", kind: "topic", partitions: 3, retention_ms: 60000, retention_records: 1000 },
    {
      id: "c1", kind: "consumer", group: "billing", assignment: "cooperative-sticky", commit: "auto",
      auto_commit_interval_ms: 1000, max_poll_records: 50, auto_offset_reset: "earliest",
      session_timeout_ms: 10000, heartbeat_interval_ms: 3000, max_poll_interval_ms: 60000, dead_letter: "t-dlt",
      retry: { policy: "fixed", base_ms: 10, max_attempts: 3, then: "dead_letter" },
    },
    {
      id: "c2", kind: "consumer", group: "billing", assignment: "cooperative-sticky", start_ms: 5000,
      semantics: "exactly-once", dead_letter: "t-dlt", retry: { policy: "immediate", then: "dead_letter" },
    },
    { id: "t-dlt", kind: "topic" },
  ],
  wires: [{ from: "p", to: "t", delay_ms: 2, jitter_ms: 5 }, ["t", "c1"], ["t", "c2"]],
  actions: [{ at_ms: 8000, leave: { consumer: "c1" } }, { at_ms: 12000, join: { consumer: "c1" } }],
});
const editTopic = (f) => {
  const s = topicBase();
  f(s);
  return s;
};

const mustReject = [
  ["negative prefetch", edit((s) => (node(s, "q").prefetch = -1))],
  ["prefetch of 0", edit((s) => (node(s, "q").prefetch = 0))],
  ["fractional prefetch", edit((s) => (node(s, "q").prefetch = 1.5))],
  ["unknown field on a queue", edit((s) => (node(s, "q").prefetchh = 1))],
  ["delivery limit on a classic queue", edit((s) => Object.assign(node(s, "q"), { queue_type: "classic", delivery_limit: 3 }))],
  ["delivery limit on a queue of the default (classic) type", edit((s) => { delete node(s, "q").queue_type; node(s, "q").delivery_limit = 3; })],
  ["reject-publish-dlx on a quorum queue", edit((s) => Object.assign(node(s, "q"), { max_length: 5, overflow: "reject-publish-dlx" }))],
  ["producer field on a consumer", edit((s) => (node(s, "c").count = 3))],
  ["unknown top-level field", edit((s) => (s.speed = 2))],
  ["unknown kind", edit((s) => s.nodes.push({ id: "b", kind: "blob" }))],
  ["node without a kind", edit((s) => s.nodes.push({ id: "b" }))],
  ["node without an id", edit((s) => s.nodes.push({ kind: "queue" }))],
  ["blank node id", edit((s) => (node(s, "q").id = "  "))],
  ["node id over 64 characters", edit((s) => (node(s, "q").id = "q".repeat(65)))],
  ["wire with three ends", edit((s) => s.wires.push(["p", "q", "c"]))],
  ["wire with one end", edit((s) => s.wires.push(["p"]))],
  ["wire as a string", edit((s) => s.wires.push("p->q"))],
  ["wire object without to", edit((s) => s.wires.push({ from: "p" }))],
  ["wire object with an unknown field", edit((s) => s.wires.push({ from: "p", to: "q", weight: 2 }))],
  ["negative wire delay", edit((s) => s.wires.push({ from: "p", to: "q", delay_ms: -5 }))],
  ["wires is null", edit((s) => (s.wires = null))],
  ["version 2", edit((s) => (s.version = 2))],
  ["missing version", edit((s) => delete s.version)],
  ["missing duration_ms", edit((s) => delete s.duration_ms)],
  ["duration over 24 hours", edit((s) => (s.duration_ms = 86400001))],
  ["negative seed", edit((s) => (s.seed = -1))],
  ["two arrival processes", edit((s) => (node(s, "p").arrivals = { fixed: { interval_ms: 5 }, poisson: { rate_per_s: 5 } }))],
  ["arrivals as a bare string", edit((s) => (node(s, "p").arrivals = "fixed"))],
  ["absurd Poisson rate", edit((s) => (node(s, "p").arrivals = { poisson: { rate_per_s: 1e12 } }))],
  ["zero Poisson rate", edit((s) => (node(s, "p").arrivals = { poisson: { rate_per_s: 0 } }))],
  ["bad key range", edit((s) => (node(s, "p").keys = "a..b"))],
  ["key range with different prefixes", edit((s) => (node(s, "p").keys = "order-1..item-5"))],
  ["key range with 10 digits", edit((s) => (node(s, "p").keys = "k1234567890..k1234567899"))],
  ["empty key list", edit((s) => (node(s, "p").keys = []))],
  ["empty event type list", edit((s) => (node(s, "p").event_type = []))],
  ["unknown semantics", edit((s) => (node(s, "c").semantics = "at-least-twice"))],
  ["semantics in snake_case", edit((s) => (node(s, "c").semantics = "at_least_once"))],
  ["overflow in snake_case", edit((s) => (node(s, "q").overflow = "drop_head"))],
  ["delivery limit 0", edit((s) => (node(s, "q").delivery_limit = 0))],
  ["delivery limit -2", edit((s) => (node(s, "q").delivery_limit = -2))],
  ["probability above 1", edit((s) => (node(s, "c").faults = [{ transient_errors: { rate: 1.5 } }]))],
  ["downstream outage of 0 ms", edit((s) => (node(s, "c").faults = [{ downstream_outage: { at_ms: 5, duration_ms: 0 } }]))],
  ["crash fault without a point", edit((s) => (node(s, "c").faults = [{ crash: { probability: 0.1 } }]))],
  ["poison with two selectors", edit((s) => (node(s, "c").faults = [{ poison: { every_nth: 3, key: "order-1" } }]))],
  ["poison with no selector", edit((s) => (node(s, "c").faults = [{ poison: {} }]))],
  ["fault with two kinds", edit((s) => (node(s, "c").faults = [{ slow: { factor: 2 }, lose_acks: { probability: 0.1 } }]))],
  ["max_attempts without a retry policy", edit((s) => (node(s, "c").retry = { max_attempts: 3 }))],
  ["unknown retry jitter", edit((s) => (node(s, "c").retry = { policy: "exponential", jitter: "half" }))],
  ["concurrency 0", edit((s) => (node(s, "c").concurrency = 0))],
  ["processing time over an hour", edit((s) => (node(s, "c").processing = { fixed: { ms: 3600001 } }))],
  ["exponential mean of 0", edit((s) => (node(s, "c").processing = { exponential: { mean_ms: 0 } }))],
  ["action with two kinds", edit((s) => s.actions.push({ at_ms: 1, crash: { consumer: "c" }, recover: { consumer: "c" } }))],
  ["action with no kind", edit((s) => s.actions.push({ at_ms: 1 }))],
  ["action without at_ms", edit((s) => s.actions.push({ recover: { consumer: "c" } }))],
  ["unknown action", edit((s) => s.actions.push({ at_ms: 1, explode: {} }))],
  ["fractional at_ms", edit((s) => s.actions.push({ at_ms: 1.5, recover: { consumer: "c" } }))],
  ["misspelt field in an action", edit((s) => s.actions.push({ at_ms: 1, crash: { consumer: "c", recover_afer_ms: 5 } }))],
  ["slow action factor 0", edit((s) => s.actions.push({ at_ms: 1, slow: { consumer: "c", factor: 0 } }))],
  ["outage of 0 ms", edit((s) => s.actions.push({ at_ms: 1, outage: { node: "q", duration_ms: 0 } }))],
  ["view position with three numbers", edit((s) => (s.view.positions.q = [1, 2, 3]))],
  ["title null", edit((s) => (s.title = null))],
  // Topics, consumer groups, commits.
  ["partitions as a string", editTopic((s) => (node(s, "t").partitions = "3"))],
  ["partitions 0", editTopic((s) => (node(s, "t").partitions = 0))],
  ["partitions over 1000", editTopic((s) => (node(s, "t").partitions = 1001))],
  ["fractional partitions", editTopic((s) => (node(s, "t").partitions = 2.5))],
  ["partitions null", editTopic((s) => (node(s, "t").partitions = null))],
  ["unknown field in a topic", editTopic((s) => (node(s, "t").replicas = 3))],
  ["replication factor 0", editTopic((s) => (node(s, "t").replication_factor = 0))],
  ["acks 2", editTopic((s) => (node(s, "p").acks = "2"))],
  ["queue field on a topic", editTopic((s) => (node(s, "t").prefetch = 5))],
  ["retention_ms 0", editTopic((s) => (node(s, "t").retention_ms = 0))],
  ["retention over 24 hours", editTopic((s) => (node(s, "t").retention_ms = 86400001))],
  ["retention_records 0", editTopic((s) => (node(s, "t").retention_records = 0))],
  ["unknown assignment strategy", editTopic((s) => (node(s, "c1").assignment = "sticky"))],
  ["assignment strategy in snake_case", editTopic((s) => (node(s, "c1").assignment = "cooperative_sticky"))],
  ["unknown commit mode", editTopic((s) => (node(s, "c1").commit = "manual"))],
  ["commit mode in capitals", editTopic((s) => (node(s, "c1").commit = "AUTO"))],
  ["auto_commit_interval_ms with commit record", editTopic((s) => (node(s, "c1").commit = "record"))],
  ["auto_commit_interval_ms 0", editTopic((s) => (node(s, "c1").auto_commit_interval_ms = 0))],
  ["max_poll_records 0", editTopic((s) => (node(s, "c1").max_poll_records = 0))],
  ["max_poll_records over 10000", editTopic((s) => (node(s, "c1").max_poll_records = 10001))],
  ["auto_offset_reset none (Kafka's, not supported)", editTopic((s) => (node(s, "c1").auto_offset_reset = "none"))],
  ["session timeout 0", editTopic((s) => (node(s, "c1").session_timeout_ms = 0))],
  ["max poll interval 0", editTopic((s) => (node(s, "c1").max_poll_interval_ms = 0))],
  ["heartbeat interval negative", editTopic((s) => (node(s, "c1").heartbeat_interval_ms = -1))],
  ["transactional as a string", editTopic((s) => (node(s, "c2").transactional = "yes"))],
  ["transactional at-most-once", editTopic((s) => Object.assign(node(s, "c2"), { semantics: "at-most-once", transactional: true }))],
  ["blank group name", editTopic((s) => (node(s, "c1").group = " "))],
  ["negative consumer start_ms", editTopic((s) => (node(s, "c2").start_ms = -5))],
  ["topic consumer with concurrency 2", editTopic((s) => (node(s, "c1").concurrency = 2))],
  ["topic consumer with a prefetch", editTopic((s) => (node(s, "c1").prefetch = 10))],
  ["topic consumer with lost acks", editTopic((s) => (node(s, "c1").faults = [{ lose_acks: { probability: 0.1 } }]))],
  // The producer side.
  ["idempotent as a string", editTopic((s) => (node(s, "p").idempotent = "true"))],
  ["idempotent producer without publish", editTopic((s) => delete node(s, "p").publish)],
  ["idempotent producer with publish null", editTopic((s) => (node(s, "p").publish = null))],
  ["unknown field in write", editTopic((s) => (node(s, "p").write = { name: "save order", outboxx: true }))],
  ["unknown write order", editTopic((s) => (node(s, "p").write = { order: "both" }))],
  ["relay interval 0", editTopic((s) => (node(s, "p").write = { outbox: true, relay_interval_ms: 0 }))],
  ["blank write name", editTopic((s) => (node(s, "p").write = { name: "" }))],
  ["producer crash without write", editTopic((s) => (node(s, "p").faults = [{ crash: { probability: 0.1 } }]))],
  ["producer crash without a probability", editTopic((s) => Object.assign(node(s, "p"), { write: {}, faults: [{ crash: { recover_after_ms: 10 } }] }))],
  ["producer crash with a consumer's crash point", editTopic((s) => Object.assign(node(s, "p"), { write: {}, faults: [{ crash: { probability: 0.1, point: "after_effect" } }] }))],
  // The new actions.
  ["negative reset offset", editTopic((s) => s.actions.push({ at_ms: 1, reset_offsets: { group: "billing", to: { offset: -1 } } }))],
  ["fractional reset offset", editTopic((s) => s.actions.push({ at_ms: 1, reset_offsets: { group: "billing", to: { offset: 1.5 } } }))],
  ["reset to an unknown place", editTopic((s) => s.actions.push({ at_ms: 1, reset_offsets: { group: "billing", to: "beginning" } }))],
  ["reset to two places", editTopic((s) => s.actions.push({ at_ms: 1, reset_offsets: { group: "billing", to: { offset: 1, time_ms: 5 } } }))],
  ["reset to an empty object", editTopic((s) => s.actions.push({ at_ms: 1, reset_offsets: { group: "billing", to: {} } }))],
  ["reset to a time over 24 hours", editTopic((s) => s.actions.push({ at_ms: 1, reset_offsets: { group: "billing", to: { time_ms: 86400001 } } }))],
  ["reset_offsets without a group", editTopic((s) => s.actions.push({ at_ms: 1, reset_offsets: { to: "earliest" } }))],
  ["reset_offsets without to", editTopic((s) => s.actions.push({ at_ms: 1, reset_offsets: { group: "billing" } }))],
  ["reset_offsets with a partition", editTopic((s) => s.actions.push({ at_ms: 1, reset_offsets: { group: "billing", partition: 0, to: "latest" } }))],
  ["leave without a consumer", editTopic((s) => s.actions.push({ at_ms: 1, leave: {} }))],
  ["join with an unknown field", editTopic((s) => s.actions.push({ at_ms: 1, join: { consumer: "c1", group: "billing" } }))],
  ["leave and join in one action", editTopic((s) => s.actions.push({ at_ms: 1, leave: { consumer: "c1" }, join: { consumer: "c1" } }))],
  // The lesson.
  ["lesson without fix", editLesson((l) => delete l.fix)],
  ["lesson with a misspelt field", editLesson((l) => (l.trry = "x"))],
  ["lesson watch empty", editLesson((l) => (l.watch = ""))],
  ["lesson try blank", editLesson((l) => (l.try = "   "))],
  ["lesson fix over 600 characters", editLesson((l) => (l.fix = "x".repeat(601)))],
  ["lesson as a string", edit((s) => (s.lesson = "Watch the DLQ."))],
  ["nine lesson points", editLesson((l) => (l.points = Array(9).fill({ at_ms: 1, say: "x" })))],
  ["lesson point with neither at_ms nor node", editLesson((l) => (l.points = [{ say: "somewhere" }]))],
  ["lesson point without say", editLesson((l) => (l.points = [{ at_ms: 1 }]))],
  ["lesson point say over 300 characters", editLesson((l) => (l.points[0].say = "x".repeat(301)))],
  ["lesson point at a fractional time", editLesson((l) => (l.points[0].at_ms = 1.5))],
  ["lesson point at a negative time", editLesson((l) => (l.points[0].at_ms = -1))],
  ["unknown question measure", editLesson((l) => (l.question.measure = "charged"))],
  ["keyed measure without a key", editLesson((l) => delete l.question.key)],
  ["keyed measure with a null key", editLesson((l) => (l.question.key = null))],
  ["key with a measure that takes none", editLesson((l) => (l.question.measure = "lost"))],
  ["question without ask", editLesson((l) => delete l.question.ask)],
  ["question unit over 40 characters", editLesson((l) => (l.question.unit = "x".repeat(41)))],
  ["question with a misspelt field", editLesson((l) => (l.question.answer = 2))],
  // Request-reply.
  ["a request without its reply", edit((s) => (node(s, "c").requests = { on: "Event", command: "Charge", to: "q" }))],
  ["a request retried 11 times", edit((s) => (node(s, "c").requests = { on: "Event", command: "Charge", to: "q", reply: "Charged", retries: 11 }))],
  ["a request with a misspelt field", edit((s) => (node(s, "c").requests = { on: "Event", command: "Charge", to: "q", reply: "Charged", timeout: 5 }))],
  ["a requester with publishes", edit((s) => {
    node(s, "c").requests = { on: "Event", command: "Charge", to: "q", reply: "Charged" };
    node(s, "c").publishes = [{ publish: "Done" }];
  })],
  ["a requester that orchestrates", edit((s) => {
    node(s, "c").requests = { on: "Event", command: "Charge", to: "q", reply: "Charged" };
    node(s, "c").orchestrates = { start: "Event", steps: [{ command: "A", to: "q", success: "B" }] };
  })],
];

const readModel = (s, readers) => {
  s.nodes.push({ id: "view", kind: "read_model", ...(readers === undefined ? {} : { readers }) });
  s.wires.push(["c", "view"]);
};
mustReject.push(
  ["a read model with an unknown field", edit((s) => { readModel(s); node(s, "view").rows = 5; })],
  ["readers reading more than every write", edit((s) => readModel(s, { share: 1.5 }))],
  ["readers with a misspelt field", edit((s) => readModel(s, { shares: 0.5 }))],
  ["readers after with two distributions", edit((s) => readModel(s, { after: { fixed: { ms: 5 }, uniform: { min_ms: 0, max_ms: 1 } } }))],
  ["read-your-writes as a string", edit((s) => readModel(s, { read_your_writes: "yes" }))],
  ["a version check that is not a boolean", edit((s) => { readModel(s); node(s, "c").version_check = 1; })],
  ["a rebuild without its read model", edit((s) => { readModel(s); s.actions.push({ at_ms: 100, rebuild: {} }); })],
  ["a rebuild with a misspelt field", edit((s) => { readModel(s); s.actions.push({ at_ms: 100, rebuild: { read_modle: "view" } }); })],
);

mustReject.push(
  ["an expectation with two comparisons", edit((s) => (s.expect = [{ measure: "lost", equals: 0, at_most: 1 }]))],
  ["an expectation with no comparison", edit((s) => (s.expect = [{ measure: "lost" }]))],
  ["an expectation of an unknown measure", edit((s) => (s.expect = [{ measure: "charged", equals: 1 }]))],
  ["a negative expectation", edit((s) => (s.expect = [{ measure: "lost", at_least: -1 }]))],
  ["an unknown fate", edit((s) => (s.expect = [{ message: "p-1", fate: "eaten" }]))],
  ["an empty verdict expectation", edit((s) => (s.expect = [{ verdict: "" }]))],
  ["guarantees that may hold", edit((s) => (s.expect = [{ guarantees: "maybe" }]))],
  ["expect that is not a list", edit((s) => (s.expect = { measure: "lost", equals: 0 }))],
);

mustReject.push(
  ["an unknown cleanup policy", editTopic((s) => (node(s, "t").cleanup_policy = "compacted"))],
  ["a negative delete_retention_ms", editTopic((s) => Object.assign(node(s, "t"), { cleanup_policy: "compact", delete_retention_ms: -1 }))],
  ["a segment_ms of 0", editTopic((s) => Object.assign(node(s, "t"), { cleanup_policy: "compact", segment_ms: 0 }))],
  ["a tombstone without a key", editTopic((s) => (node(s, "p").tombstones = [{ at_ms: 100 }]))],
  ["a tombstone with a misspelt field", editTopic((s) => (node(s, "p").tombstones = [{ key: "order-1", at: 100 }]))],
);

const mustAccept = [
  ["a compacted topic with its cleaner's settings and a producer's tombstones", editTopic((s) => {
    Object.assign(node(s, "t"), {
      cleanup_policy: "compact,delete", delete_retention_ms: 5000, min_compaction_lag_ms: 0, segment_ms: 1000,
      cleaner_backoff_ms: 500,
    });
    node(s, "p").tombstones = [{ key: "order-3", at_ms: 1000 }, { key: "order-4" }];
    s.lesson = { watch: "w", try: "t", fix: "f", question: { ask: "How many?", measure: "missed_deletes" } };
  })],
  ["every kind of expectation", edit((s) => (s.expect = [
    { measure: "lost", equals: 0 }, { measure: "effects", key: "order-2", at_most: 2 }, { measure: "retries", at_least: 1 },
    { message: "p-3", fate: "dead_lettered" }, { verdict: "order-2" }, { verdict: ["order-2", "lost"] }, { guarantees: "broken" },
  ]))],
  ["a read model without readers", edit((s) => readModel(s))],
  ["a read model with readers null", edit((s) => readModel(s, null))],
  ["a read model, its readers and a checking projection", edit((s) => {
    readModel(s, { share: 0.5, after: { exponential: { mean_ms: 200 } }, read_your_writes: true });
    node(s, "c").version_check = true;
  })],
  ["a rebuild", edit((s) => { readModel(s); s.actions.push({ at_ms: 100, rebuild: { read_model: "view" } }); })],
  ["missed_reads and rows_behind as lesson measures", edit((s) => {
    s.lesson = { watch: "w", try: "t", fix: "f", question: { ask: "How many?", measure: "missed_reads" } };
  })],
  ["delivery limit -1 on a classic queue", edit((s) => Object.assign(node(s, "q"), { queue_type: "classic", delivery_limit: -1 }))],
  ["reject-publish-dlx on a classic queue", edit((s) => Object.assign(node(s, "q"), { queue_type: "classic", max_length: 5, overflow: "reject-publish-dlx" }))],
  ["delivery limit on a quorum queue", edit((s) => (node(s, "q").delivery_limit = 3))],
  ["the base scenario", base()],
  ["\"dlq\" as the kind of a dead-letter queue", edit((s) => (node(s, "dlq").kind = "dlq"))],
  ["delivery limit -1 (off)", edit((s) => (node(s, "q").delivery_limit = -1))],
  ["null for optional fields", edit((s) => {
    Object.assign(node(s, "q"), { ttl_ms: null, delivery_limit: null, max_length: null, dead_letter: null });
    node(s, "c").faults = [{ poison: { every_nth: 7, key: null } }];
    s.view = null;
  })],
  ["empty node list", edit((s) => { s.nodes = []; s.wires = []; s.actions = []; })],
  ["key range without a second prefix", edit((s) => (node(s, "p").keys = "k7..9"))],
  ["key range with dots in the prefix", edit((s) => (node(s, "p").keys = "a.b.1..a.b.3"))],
  ["key list and event type cycle", edit((s) => {
    node(s, "p").keys = ["a", "b"];
    node(s, "p").event_type = ["OrderPlaced", "OrderPaid"];
  })],
  ["every consumer fault", edit((s) => (node(s, "c").faults = [
    { crash: { probability: 0.1, point: "after_effect" } },
    { slow: { factor: 2 } },
    { transient_errors: { rate: 0.2 } },
    { poison: { schema_version_above: 1 } },
    { lose_acks: { probability: 0.05 } },
    { downstream_outage: { at_ms: 1000, duration_ms: 500 } },
  ]))],
  ["retry with exponential backoff", edit((s) => (node(s, "c").retry = {
    policy: "exponential", base_ms: 50, cap_ms: 2000, jitter: "decorrelated", max_attempts: 5, then: "dead_letter",
  }))],
  ["every action", edit((s) => s.actions.push(
    { at_ms: 0, recover: { consumer: "c" } },
    { at_ms: 1, outage: { node: "x", duration_ms: 100 } },
    { at_ms: 2, redrive: { dlq: "dlq" } },
    { at_ms: 3, redrive: { dlq: "dlq", to: "q" } },
    { at_ms: 4, slow: { consumer: "c", factor: 0.5 } },
  ))],
  ["publisher confirms and producer faults", edit((s) => {
    node(s, "p").publish = { timeout_ms: 200, retries: 3, backoff_ms: 50 };
    node(s, "p").faults = [{ publish_lost: { probability: 0.1 } }, { confirm_lost: { probability: 0.1 } }];
  })],
  // Topics, consumer groups, commits.
  ["a topic scenario with a group of two consumers and an idempotent producer", topicBase()],
  ["a bare topic", edit((s) => s.nodes.push({ id: "t", kind: "topic" }))],
  ["null for optional topic and group fields", editTopic((s) => {
    Object.assign(node(s, "t"), { retention_ms: null, retention_records: null });
    Object.assign(node(s, "c1"), {
      group: null, assignment: null, commit: null, auto_commit_interval_ms: null, max_poll_records: null,
      auto_offset_reset: null, session_timeout_ms: null, heartbeat_interval_ms: null, dead_letter: null,
      retry: { policy: "fixed", then: "drop" },
    });
  })],
  ["\"round-robin\" as another spelling of roundrobin", editTopic((s) => {
    node(s, "c1").assignment = "round-robin";
    node(s, "c2").assignment = "roundrobin";
  })],
  ["range assignment and record and batch commits", editTopic((s) => {
    Object.assign(node(s, "c1"), { assignment: "range", commit: "record" });
    delete node(s, "c1").auto_commit_interval_ms;
    Object.assign(node(s, "c2"), { assignment: "range", commit: "batch" });
  })],
  ["auto_commit_interval_ms null with commit batch", editTopic((s) => Object.assign(node(s, "c1"), { commit: "batch", auto_commit_interval_ms: null }))],
  ["a transactional at-least-once topic consumer", editTopic((s) => (node(s, "c2").transactional = true))],
  ["transactional false with at-most-once", editTopic((s) => Object.assign(node(s, "c2"), { semantics: "at-most-once", transactional: false }))],
  ["a topic consumer with concurrency 1 and a dead-letter queue as target", editTopic((s) => {
    s.nodes.push({ id: "dlq", kind: "dead_letter_queue" });
    Object.assign(node(s, "c1"), { concurrency: 1, dead_letter: "dlq" });
  })],
  ["start_ms on a queue consumer", edit((s) => (node(s, "c").start_ms = 2500))],
  ["retention at its limits", editTopic((s) => Object.assign(node(s, "t"), { partitions: 1000, retention_ms: 86400000, retention_records: 10000000 }))],
  // The producer side.
  ["an idempotent producer (publish retries, no duplicates)", editTopic((s) => (node(s, "p").faults = [{ confirm_lost: { probability: 0.2 } }]))],
  ["an outbox producer whose relay crashes", editTopic((s) => {
    node(s, "p").write = { name: "save order", outbox: true, relay_interval_ms: 250 };
    node(s, "p").faults = [{ crash: { probability: 0.05, recover_after_ms: 500 } }];
  })],
  ["a dual write, publish then write, with a crash", edit((s) => {
    node(s, "p").write = { name: "save order", order: "publish_then_write" };
    node(s, "p").faults = [{ crash: { probability: 0.1 } }];
  })],
  ["a write with every field defaulted", edit((s) => (node(s, "p").write = {}))],
  ["write null", edit((s) => (node(s, "p").write = null))],
  ["idempotent false without publish", edit((s) => (node(s, "p").idempotent = false))],
  // The new actions.
  ["every new action", editTopic((s) => s.actions.push(
    { at_ms: 1000, reset_offsets: { group: "billing", to: "earliest" } },
    { at_ms: 1001, reset_offsets: { group: "billing", topic: "t", to: "latest" } },
    { at_ms: 1002, reset_offsets: { group: "billing", topic: null, to: { offset: 0 } } },
    { at_ms: 1003, reset_offsets: { group: "billing", to: { offset: 42 } } },
    { at_ms: 1004, reset_offsets: { group: "billing", to: { time_ms: 500 } } },
    { at_ms: 1005, outage: { node: "t", duration_ms: 300 } },
    { at_ms: 1006, crash: { consumer: "c2", recover_after_ms: 20000 } },
  ))],
  ["a lesson with every field", editLesson(() => {})],
  ["a lesson with only watch, try and fix", editLesson((l) => { delete l.points; delete l.question; })],
  ["lesson null", edit((s) => (s.lesson = null))],
  ["question null and point fields null", editLesson((l) => {
    l.question = null;
    l.points = [{ at_ms: null, node: "c", say: "x" }, { at_ms: 0, node: null, say: "y" }];
  })],
  ["a whole-run measure with a null key and a unit", editLesson((l) => Object.assign(l.question, { measure: "dead_lettered", key: null, unit: "messages" }))],
  ["deliveries by key", editLesson((l) => (l.question.measure = "deliveries"))],
  ["a requester by direct reply-to, and a responder's reply", edit((s) => {
    node(s, "c").requests = { on: "Event", command: "Charge", to: "q", reply: "Charged", reply_to: "amq.rabbitmq.reply-to", timeout_ms: 300, retries: 2 };
    s.nodes.push({ id: "r", kind: "consumer", publishes: [{ on: "Charge", reply: "Charged" }] });
  })],
  ["requests null", edit((s) => (node(s, "c").requests = null))],
  ["leave and join on a queue consumer", edit((s) => s.actions.push(
    { at_ms: 100, leave: { consumer: "c" } },
    { at_ms: 200, join: { consumer: "c" } },
  ))],
];

for (const [what, doc] of mustReject) {
  if (validate(doc)) fail(`refuses: ${what}`, ["the schema accepted it"]);
  else ok(`refuses: ${what}`);
}
for (const [what, doc] of mustAccept) {
  if (validate(doc)) ok(`accepts: ${what}`);
  else fail(`accepts: ${what}`, describe(validate.errors));
}

// (c) AsyncAPI: the command line's export of every scenario, against the official schema.
{
  const built = ["debug", "release"].map((p) => join(root, "target", p, "brokerlab")).find((p) => existsSync(p));
  const exportOf = (file, yaml) => {
    const args = ["asyncapi", "export", file, ...(yaml ? ["--yaml"] : [])];
    return built
      ? execFileSync(built, args, { encoding: "utf8" })
      : execFileSync("cargo", ["run", "-q", "-p", "broker", "--", ...args], { cwd: root, encoding: "utf8" });
  };
  // The schema uses formats (uri, email, ...) that this check does not need to judge.
  // The bundled schema carries its own copy of the draft-07 meta-schema: Ajv adds none of its own.
  const ajv07 = new AjvDraft07({ strict: false, allErrors: true, validateFormats: false, meta: false, validateSchema: false });
  const validateAsyncapi = ajv07.compile(asyncapiSpecs.schemas["3.0.0"]);
  for (const name of readdirSync(scenarioDir).filter((f) => f.endsWith(".json")).sort()) {
    const what = `AsyncAPI 3.0.0 export of scenarios/${name}`;
    let doc;
    try {
      doc = JSON.parse(exportOf(join(scenarioDir, name), false));
    } catch (e) {
      fail(what, [String(e.message ?? e)]);
      continue;
    }
    if (validateAsyncapi(doc)) ok(what);
    else fail(what, describe(validateAsyncapi.errors).slice(0, 12));
  }
  // A scenario with event schemas: each version is a message whose payload is an Avro record
  // in AsyncAPI's multi-format schema, which the official schema checks against Avro's.
  {
    const fixtures = join(root, "broker", "tests", "asyncapi");
    const what = "AsyncAPI 3.0.0 export of broker/tests/asyncapi/evolving-order-schema.json (event schemas)";
    let doc;
    try {
      doc = JSON.parse(exportOf(join(fixtures, "evolving-order-schema.json"), false));
    } catch (e) {
      fail(what, [String(e.message ?? e)]);
    }
    if (doc) {
      const payload = doc.components?.messages?.["OrderPlaced.v2"]?.payload;
      const avro = payload?.schemaFormat?.startsWith("application/vnd.apache.avro") && payload?.schema?.type === "record";
      if (!avro) fail(what, ["OrderPlaced.v2 has no Avro payload"]);
      else if (validateAsyncapi(doc)) ok(what);
      else fail(what, describe(validateAsyncapi.errors).slice(0, 12));
      // The official schema reads the Avro inside: a record without its name is refused.
      const broken = JSON.parse(JSON.stringify(doc));
      delete broken.components.messages["OrderPlaced.v2"].payload.schema.name;
      if (validateAsyncapi(broken)) fail("AsyncAPI schema refuses an Avro payload that is not a record", ["accepted"]);
      else ok("AsyncAPI schema refuses an Avro payload that is not a record");
    }
    // The documents the import is tested with, written as another tool would write them.
    const validate26 = ajv07.compile(asyncapiSpecs.schemas["2.6.0"]);
    for (const f of readdirSync(fixtures).filter((f) => f.endsWith(".json")).sort()) {
      const doc = JSON.parse(readFileSync(join(fixtures, f), "utf8"));
      if (!("asyncapi" in doc)) continue; // the fixture scenario
      const check = doc.asyncapi === "2.6.0" ? validate26 : validateAsyncapi;
      const what = `broker/tests/asyncapi/${f} is a valid AsyncAPI ${doc.asyncapi} document`;
      if (check(doc)) ok(what);
      else fail(what, describe(check.errors).slice(0, 12));
    }
  }
  // The official schema judges: a document without info, or with an operation that neither
  // sends nor receives, is refused.
  const sample = JSON.parse(exportOf(join(scenarioDir, "work-queue.json"), false));
  const broken = [
    ["without info", { ...sample, info: undefined }],
    ["with an operation that publishes", { ...sample, operations: { x: { action: "publish", channel: { $ref: "#/channels/work" } } } }],
  ];
  for (const [what, doc] of broken) {
    if (validateAsyncapi(JSON.parse(JSON.stringify(doc)))) fail(`AsyncAPI schema refuses a document ${what}`, ["accepted"]);
    else ok(`AsyncAPI schema refuses a document ${what}`);
  }
  // The YAML export is the same document: each of its scalars is JSON's text.
  const yaml = exportOf(join(scenarioDir, "request-reply-timeout.json"), true);
  const json = JSON.parse(exportOf(join(scenarioDir, "request-reply-timeout.json"), false));
  const lines = yaml.trimEnd().split("\n");
  if (lines[0] === 'asyncapi: "3.0.0"' && lines.some((l) => l.trim() === '$ref: "#/channels/payments"') && json.asyncapi === "3.0.0") {
    ok("AsyncAPI YAML export starts with the version and keeps the references");
  } else {
    fail("AsyncAPI YAML export starts with the version and keeps the references", lines.slice(0, 5));
  }
}

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
