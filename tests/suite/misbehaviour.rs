//! Server misbehaviour: EVERY operation of every API (`operations::all()`), called through its
//! typed client, against a wiremock server that answers that operation's request (its method
//! and path from the spec) with a fault: HTML on 200 and on 502/503, an empty body, truncated
//! JSON, JSON of the wrong shape, an undocumented status, a 500 with a text body, a stall past
//! the timeout, and a refused connection. Each call must end in a typed result that names the
//! operation and, when the server answered, its status and an excerpt of its body; no call may
//! panic, retry, or show a test secret in `Display` or `Debug`.
//!
//! What each answer must give is read from the spec, with one rule for every fault:
//!
//! - a status the operation does not document (by its exact code, its `4XX`-style range or
//!   `default`) is `UnexpectedResponse`, whatever the body;
//! - a documented status without a body (a delete's 204, an update's empty 200) is `Ok`: the
//!   body, if any, is ignored (so an empty 200 with an HTML page is `Ok`, while a 200 to an
//!   operation documented as 204 or 201 is `UnexpectedResponse`);
//! - a documented status with a JSON body is `InvalidResponse` when the body does not fit the
//!   documented schema, and `Ok` (success) when it does: `[]` fits an array, `{}` fits an
//!   object with no required field (a free-form answer), and a number sent as a string fits
//!   a field marked `x-crm-number-or-string`.
//!
//! Each test is one fault, runs every operation and lists every case that went wrong in one
//! assert, so one failing case does not hide the others.

use crate::support::operations::{self, Operation, Outcome};
use crate::support::spec::SpecExamples;
use crm_bindings::{HttpConfig, RetryPolicy};
use serde_json::{Value, json};
use std::sync::OnceLock;
use std::time::Duration;
use wiremock::matchers::{method, path_regex};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// How many characters `body_excerpt()` keeps (`src/error.rs`), before the `…`.
const EXCERPT_CHARS: usize = 200;

/// The part of [`PHP_FATAL_ERROR`] an excerpt must show.
const PHP_FATAL: &str =
    "<b>Fatal error</b>:  Uncaught Error: Call to undefined function mysql_connect()";
/// A PHP fatal error page, as a misconfigured store answers.
const PHP_FATAL_ERROR: &str = "<!DOCTYPE html>\n<html>\n<head><title>Error</title></head>\n<body>\n<br />\n<b>Fatal error</b>:  Uncaught Error: Call to undefined function mysql_connect() in /var/www/html/app/functions/fn.database.php:42\nStack trace:\n#0 {main}\n  thrown in <b>/var/www/html/app/functions/fn.database.php</b> on line <b>42</b><br />\n</body>\n</html>\n";

// ---------------------------------------------------------------------------------------
// The operations, and what their specs document
// ---------------------------------------------------------------------------------------

/// An operation of `operations::all()`, shared by the cases' tasks.
type Op = &'static Operation;

/// Every operation of every API compiled in; checks they are exactly the specs' operations.
fn all_operations() -> &'static [Operation] {
    static ALL: OnceLock<Vec<Operation>> = OnceLock::new();
    let ops = ALL.get_or_init(operations::all);
    let mut apis: Vec<&str> = ops.iter().map(|op| op.api).collect();
    apis.dedup();
    for api in apis {
        let mut listed: Vec<&str> = ops
            .iter()
            .filter(|op| op.api == api)
            .map(|op| op.facts.operation_id)
            .collect();
        listed.sort_unstable();
        let mut documented: Vec<String> = spec(api)
            .operations_with_paths()
            .map(|(_, _, op)| op["operationId"].as_str().unwrap().to_string())
            .collect();
        documented.sort();
        assert_eq!(
            listed, documented,
            "{api}: operations::all() covers the spec"
        );
    }
    crate::support::assert_every_spec("misbehaviour", ops.iter().map(|op| op.api));
    ops
}

/// The spec of `api`, parsed once (`tests/support/spec.rs`).
fn spec(api: &str) -> &'static SpecExamples {
    SpecExamples::cached(api)
}

/// Follows local `$ref`s (`#/components/...`).
fn resolve(api: &str, value: &'static Value) -> &'static Value {
    spec(api).resolve_ref(value)
}

/// What the spec says about one operation's answers, as the client reads it (the
/// generator's facts: `default` beside a success is the errors, alone the answer).
struct Documented {
    api: &'static str,
    method: String,
    /// The spec's path as an anchored regex (`{param}` matches one segment).
    path_regex: String,
    /// Each documented status or range, with its body.
    responses: Vec<(u16, u16, Body)>,
    /// The first documented 2xx status.
    success: u16,
    /// The spec's example of the success body (the response's, else its schema's).
    success_example: Option<&'static Value>,
}

/// A documented answer's body.
#[derive(Clone, Copy)]
enum Body {
    /// None: whatever comes is ignored.
    None,
    /// JSON of this schema (from the spec).
    Json(&'static Value),
    /// Another media type: bytes (a success) or text (an error), any content.
    Bytes,
}

fn documented(op: &Operation) -> Documented {
    use crm_bindings_runtime::mock::Status;
    let facts = op.facts;
    let (_, _, operation) = spec(op.api)
        .operations_with_paths()
        .find(|(_, _, o)| o["operationId"] == facts.operation_id)
        .unwrap_or_else(|| {
            panic!(
                "{}: no operation {} in the spec",
                op.api, facts.operation_id
            )
        });
    let mut regex = String::from("^");
    for (i, segment) in facts.path.split('/').enumerate() {
        if i > 0 {
            regex.push('/');
        }
        if segment.starts_with('{') && segment.ends_with('}') {
            regex.push_str("[^/]+");
        } else {
            for c in segment.chars() {
                if !c.is_ascii_alphanumeric() && c != '_' && c != '-' {
                    regex.push('\\');
                }
                regex.push(c);
            }
        }
    }
    regex.push('$');
    // The JSON schema the spec gives a status or range (under its code, its range or
    // `default`, where the generator found it).
    let json_schema = |from: u16, to: u16| -> Option<&'static Value> {
        let mut keys = Vec::new();
        if from == to {
            keys.push(from.to_string());
        }
        keys.extend([format!("{}XX", from / 100), "default".to_string()]);
        let response = keys
            .iter()
            .find_map(|key| operation["responses"].get(key))?;
        let content = resolve(op.api, response)["content"].as_object()?;
        content
            .iter()
            .find(|(media, _)| media.starts_with("application/json"))
            .map(|(_, media)| &media["schema"])
    };
    let is_json = |media: Option<&str>| media.is_some_and(|m| m.starts_with("application/json"));
    let mut responses = Vec::new();
    let mut success = None;
    for status in facts.statuses {
        let (from, to, body, media) = match *status {
            Status::Success { code, body } => {
                success = success.or(Some(code));
                (code, code, body, facts.success_media)
            }
            Status::Error { from, to } => {
                (from, to, facts.error_media.is_some(), facts.error_media)
            }
        };
        let body = match (body, is_json(media)) {
            (false, _) => Body::None,
            (true, true) => {
                Body::Json(json_schema(from, to).expect("a documented JSON body has a schema"))
            }
            (true, false) => Body::Bytes,
        };
        responses.push((from, to, body));
    }
    let success_example = facts.success_example.map(|json| -> &'static Value {
        Box::leak(Box::new(
            serde_json::from_str(json).expect("examples are JSON"),
        ))
    });
    Documented {
        api: op.api,
        method: facts.method.to_string(),
        path_regex: regex,
        responses,
        success: success.unwrap_or_else(|| panic!("{}: no documented success", op.id)),
        success_example,
    }
}

/// What a call must give.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    Ok(u16),
    InvalidResponse(u16),
    UnexpectedResponse(u16),
    /// A documented error whose body is not JSON (none, or text): any body is that error.
    ErrorResponse(u16),
    Timeout,
    Refused,
}

impl Documented {
    /// The documented answer for `status`: its exact code, else its range.
    fn response_for(&self, status: u16) -> Option<Body> {
        self.responses
            .iter()
            .find(|(from, to, _)| from == to && *from == status)
            .or_else(|| {
                self.responses
                    .iter()
                    .find(|(from, to, _)| (*from..=*to).contains(&status))
            })
            .map(|(_, _, body)| *body)
    }

    /// The rule of the module comment: what an answer with `status` gives, when its body
    /// does (`fits`) or does not fit the documented JSON.
    fn expect(&self, status: u16, fits: bool) -> Expect {
        let success = (200..300).contains(&status);
        match self.response_for(status) {
            None => Expect::UnexpectedResponse(status),
            Some(Body::None | Body::Bytes) if success => Expect::Ok(status),
            Some(Body::None | Body::Bytes) => Expect::ErrorResponse(status),
            Some(Body::Json(_)) if !success && fits => {
                panic!(
                    "a fitting documented error body is an ErrorResponse; no fault here sends one"
                )
            }
            Some(Body::Json(_)) if fits => Expect::Ok(status),
            Some(Body::Json(_)) => Expect::InvalidResponse(status),
        }
    }

    /// The documented success body schema, if the success has a JSON body.
    fn success_schema(&self) -> Option<&'static Value> {
        match self.response_for(self.success) {
            Some(Body::Json(schema)) => Some(resolve(self.api, schema)),
            _ => None,
        }
    }

    /// The success example as compact JSON (`{"a":1}` when the spec has none).
    fn success_example_text(&self) -> String {
        self.success_example
            .map(|example| serde_json::to_string(example).unwrap())
            .unwrap_or_else(|| r#"{"a":1}"#.to_string())
    }
}

// ---------------------------------------------------------------------------------------
// Running one case and checking its outcome
// ---------------------------------------------------------------------------------------

/// What the mock server answers.
#[derive(Clone)]
struct Answer {
    status: u16,
    content_type: &'static str,
    body: Vec<u8>,
    /// Wait this long before answering.
    delay: Option<Duration>,
    /// The part of the body the excerpt must show (default: its first 40 characters).
    recognisable: Option<&'static str>,
}

impl Answer {
    fn new(status: u16, content_type: &'static str, body: impl Into<Vec<u8>>) -> Answer {
        Answer {
            status,
            content_type,
            body: body.into(),
            delay: None,
            recognisable: None,
        }
    }

    /// The excerpt must show `part` (collapsed as the excerpt collapses whitespace).
    fn showing(mut self, part: &'static str) -> Answer {
        self.recognisable = Some(part);
        self
    }
}

/// Where the operation is sent.
#[derive(Clone)]
enum Target {
    /// A fresh wiremock server answering the operation's method and path.
    Serve(Answer),
    /// A loopback port where nothing listens.
    Refused(u16),
}

/// One operation under one fault.
#[derive(Clone)]
struct Case {
    op: Op,
    /// The fault's variant, for the report (`502 HTML`, `[]`, ...).
    label: String,
    target: Target,
    config: HttpConfig,
    expect: Expect,
    /// A part of the body the excerpt must show (for `InvalidResponse` and `UnexpectedResponse`).
    recognisable: String,
}

impl Case {
    fn served(op: Op, label: impl Into<String>, answer: Answer, fits: bool) -> Case {
        let doc = documented(op);
        Case {
            op,
            label: label.into(),
            expect: doc.expect(answer.status, fits),
            recognisable: match answer.recognisable {
                Some(part) => collapsed(part.as_bytes()),
                None => recognisable(&answer.body),
            },
            target: Target::Serve(answer),
            config: HttpConfig::default(),
        }
    }
}

/// The body as `body_excerpt()` shows it: whitespace collapsed, `(empty body)` when empty.
fn collapsed(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let words = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if words.is_empty() {
        "(empty body)".into()
    } else {
        words
    }
}

/// The first 40 characters of the body as the excerpt shows it.
fn recognisable(body: &[u8]) -> String {
    // The start is enough (and a 1 MB page need not be collapsed whole).
    let start = &body[..body.len().min(4096)];
    collapsed(start).chars().take(40).collect()
}

/// Runs the case, checks it, and adds what `more` finds wrong with the error.
async fn run_with(
    case: Case,
    more: impl FnOnce(&operations::Failure) -> Vec<String>,
) -> Vec<String> {
    let server = match &case.target {
        Target::Serve(answer) => Some(serve(case.op, answer).await),
        Target::Refused(_) => None,
    };
    let base_url = match (&server, &case.target) {
        (Some(server), _) => server.uri(),
        (None, Target::Refused(port)) => format!("http://127.0.0.1:{port}"),
        (None, Target::Serve(_)) => unreachable!(),
    };

    // The call runs in its own task: a panic is reported as this case's failure.
    let (op, config) = (case.op, case.config.clone());
    let outcome = tokio::spawn(async move { op.run(&base_url, config).await }).await;
    let mut problems = match outcome {
        Ok(outcome) => {
            let mut problems = check(&case, &outcome);
            if let (true, Err(failure)) = (problems.is_empty(), &outcome.result) {
                problems.extend(more(failure));
            }
            problems
        }
        Err(join) => vec![format!("panicked: {join}")],
    };
    if let (Some(server), Target::Serve(answer)) = (&server, &case.target)
        && answer.delay.is_none()
    {
        // The operation's request reached the mock once, or as many times as the default
        // retry policy tries where it retries: no stray request. (What the policy retries is
        // tested in `retries.rs`; here it is only the count to expect.)
        let received = server.received_requests().await.unwrap_or_default();
        let policy = RetryPolicy::default();
        let status = reqwest::StatusCode::from_u16(answer.status).expect("a valid status");
        let expected = if policy.retries_status(status) && policy.retries_method(&case.op.method())
        {
            policy.attempts_allowed() as usize
        } else {
            1
        };
        if received.len() != expected {
            problems.push(format!(
                "{} requests received, expected {expected}",
                received.len()
            ));
        }
    }
    problems
        .into_iter()
        .map(|problem| format!("{} [{}]: {problem}", case.op.id, case.label))
        .collect()
}

/// A fresh mock server answering `op`'s method and path (from the spec) with `answer`.
async fn serve(op: &Operation, answer: &Answer) -> MockServer {
    let server = MockServer::start().await;
    let doc = documented(op);
    let mut template =
        ResponseTemplate::new(answer.status).set_body_raw(answer.body.clone(), answer.content_type);
    if let Some(delay) = answer.delay {
        template = template.set_delay(delay);
    }
    Mock::given(method(doc.method.as_str()))
        .and(path_regex(doc.path_regex.as_str()))
        .respond_with(template)
        .mount(&server)
        .await;
    server
}

/// Checks an outcome against the case's expectation.
fn check(case: &Case, outcome: &Outcome) -> Vec<String> {
    let mut problems = Vec::new();
    let id = case.op.id;
    if outcome.operation != id {
        problems.push(format!("outcome names {}", outcome.operation));
    }
    let failure = match (&outcome.result, case.expect) {
        (Ok(status), Expect::Ok(expected)) => {
            if *status != expected {
                problems.push(format!("Ok({status}), expected Ok({expected})"));
            }
            return problems;
        }
        (Ok(status), expected) => {
            problems.push(format!("Ok({status}), expected {expected:?}"));
            return problems;
        }
        (Err(failure), Expect::Ok(expected)) => {
            problems.push(format!(
                "expected Ok({expected}), got {}: {}",
                failure.kind, failure.display
            ));
            return problems;
        }
        (Err(failure), _) => failure,
    };
    let mut problem = |what: String| {
        problems.push(format!("{what}\n    display: {}", failure.display));
    };

    if failure.operation != id {
        problem(format!("the error names `{}`", failure.operation));
    }
    if !failure.display.contains(id) {
        problem("Display does not name the operation".into());
    }
    // `Debug` (what `{:?}` and `unwrap()` print) tells as much: the operation, and the
    // status and the body excerpt when the server answered.
    if !failure.debug.contains(&format!("operation: \"{id}\"")) {
        problem(format!(
            "Debug does not name the operation: {}",
            failure.debug
        ));
    }
    if let Some(status) = failure.status
        && !failure.debug.contains(&format!("status: {status}"))
    {
        problem(format!("Debug does not show the status: {}", failure.debug));
    }
    if let Some(excerpt) = &failure.body_excerpt
        && !failure.debug.contains(&format!("{excerpt:?}"))
    {
        problem(format!(
            "Debug does not show the excerpt: {}",
            failure.debug
        ));
    }
    for secret in operations::secrets() {
        if failure.display.contains(&secret) || failure.debug.contains(&secret) {
            problem(format!(
                "a test secret ({}…) shows in Display or Debug",
                &secret[..6]
            ));
        }
    }
    let (kind, status) = match case.expect {
        Expect::Ok(_) => unreachable!(),
        Expect::InvalidResponse(status) => ("InvalidResponse", Some(status)),
        Expect::UnexpectedResponse(status) => ("UnexpectedResponse", Some(status)),
        Expect::ErrorResponse(status) => ("ErrorResponse", Some(status)),
        Expect::Timeout | Expect::Refused => ("Communication", None),
    };
    if failure.kind != kind {
        problem(format!("{}, expected {kind}", failure.kind));
    }
    if failure.status != status {
        problem(format!("status {:?}, expected {status:?}", failure.status));
    }
    if kind == "ErrorResponse" {
        // The documented error's own body (none, or its text) is the error's: no excerpt.
        return problems;
    }
    match case.expect {
        Expect::Timeout => {
            if !failure.is_timeout {
                problem("is_timeout() is false".into());
            }
            if !failure.display.contains("timed out") {
                problem("Display does not say `timed out`".into());
            }
        }
        Expect::Refused => {
            if failure.is_timeout {
                problem("is_timeout() is true for a refused connection".into());
            }
            if !failure.display.contains("could not connect") {
                problem("Display does not say `could not connect`".into());
            }
        }
        _ => {}
    }
    match (status, &failure.body_excerpt) {
        (None, None) => {}
        (None, Some(excerpt)) => problem(format!("an excerpt without an answer: {excerpt}")),
        (Some(_), None) => problem("no body excerpt".into()),
        (Some(status), Some(excerpt)) => {
            if !excerpt.contains(&case.recognisable) {
                problem(format!(
                    "the excerpt `{excerpt}` does not show `{}`",
                    case.recognisable
                ));
            }
            if excerpt.chars().count() > EXCERPT_CHARS + 1 {
                problem(format!(
                    "the excerpt is {} characters long",
                    excerpt.chars().count()
                ));
            }
            if !failure.display.contains(&format!("HTTP {status}")) {
                problem(format!("Display does not show `HTTP {status}`"));
            }
            if !failure.display.contains(excerpt.as_str()) {
                problem("Display does not show the excerpt".into());
            }
        }
    }
    problems
}

/// Runs the cases concurrently (each on its own mock server) and asserts that all passed,
/// listing every failure; then prints the fault's line.
async fn assert_all(fault: &str, ops: &[Operation], cases: Vec<Case>) {
    assert_all_with(fault, ops, cases, |_| Vec::new()).await;
}

/// [`assert_all`], with more checks of each error.
async fn assert_all_with(
    fault: &str,
    ops: &[Operation],
    cases: Vec<Case>,
    more: fn(&operations::Failure) -> Vec<String>,
) {
    let count = cases.len();
    let mut tasks = tokio::task::JoinSet::new();
    for case in cases {
        tasks.spawn(run_with(case, more));
    }
    let mut failures = Vec::new();
    while let Some(done) = tasks.join_next().await {
        failures.extend(done.unwrap_or_else(|e| vec![format!("a case panicked: {e}")]));
    }
    failures.sort();
    report(fault, ops, count, failures);
}

fn report(fault: &str, ops: &[Operation], cases: usize, failures: Vec<String>) {
    assert!(
        failures.is_empty(),
        "misbehaviour {fault}: {} problem(s) in {cases} cases:\n{}",
        failures.len(),
        failures.join("\n")
    );
    println!(
        "misbehaviour {fault}: {n}/{n} operations ({cases} cases)",
        n = ops.len()
    );
}

// ---------------------------------------------------------------------------------------
// The faults
// ---------------------------------------------------------------------------------------

/// 1. HTML with status 200 (a PHP fatal error page), and the same page on the operation's
///    documented success status where that is not 200 (201 creates, 204 deletes).
#[tokio::test]
async fn html_with_status_200() {
    let ops = all_operations();
    let mut cases = Vec::new();
    for op in ops {
        let success = documented(op).success;
        cases.push(Case::served(
            op,
            "200 HTML",
            Answer::new(200, "text/html; charset=UTF-8", PHP_FATAL_ERROR).showing(PHP_FATAL),
            false,
        ));
        if success != 200 {
            cases.push(Case::served(
                op,
                format!("{success} HTML"),
                Answer::new(success, "text/html; charset=UTF-8", PHP_FATAL_ERROR)
                    .showing(PHP_FATAL),
                false,
            ));
        }
    }
    assert_all("html 200", ops, cases).await;
}

/// 2. HTML with status 502 and 503, as a proxy in front of the service answers.
#[tokio::test]
async fn html_with_status_502_and_503() {
    let ops = all_operations();
    let bad_gateway = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx/1.24.0</center>\r\n</body>\r\n</html>\r\n";
    let unavailable = "<!DOCTYPE html><html><head><title>503 Service Unavailable</title></head><body><h1>Service Unavailable</h1><p>The server is temporarily unable to service your request due to maintenance downtime or capacity problems.</p></body></html>";
    let mut cases = Vec::new();
    for op in ops {
        cases.push(Case::served(
            op,
            "502 HTML",
            Answer::new(502, "text/html", bad_gateway).showing("<h1>502 Bad Gateway</h1>"),
            false,
        ));
        cases.push(Case::served(
            op,
            "503 HTML",
            Answer::new(503, "text/html", unavailable).showing("<h1>Service Unavailable</h1>"),
            false,
        ));
    }
    assert_all("html 502/503", ops, cases).await;
}

/// 3. An empty body on the documented success status (`Ok` where no body is documented).
#[tokio::test]
async fn empty_body_where_json_is_expected() {
    let ops = all_operations();
    let cases = ops
        .iter()
        .map(|op| {
            let success = documented(op).success;
            Case::served(
                op,
                format!("{success} empty"),
                Answer::new(success, "application/json", Vec::new()),
                false,
            )
        })
        .collect();
    assert_all("empty body", ops, cases).await;
}

/// 4. The spec's success example cut in half (`{"a":` when it is too short to cut).
#[tokio::test]
async fn truncated_json() {
    let ops = all_operations();
    let cases = ops
        .iter()
        .map(|op| {
            let doc = documented(op);
            let example = doc.success_example_text();
            let truncated = if example.len() < 8 {
                r#"{"a":"#.to_string()
            } else {
                let mut cut = example.len() / 2;
                while !example.is_char_boundary(cut) {
                    cut -= 1;
                }
                example[..cut].to_string()
            };
            Case::served(
                op,
                format!("{} truncated", doc.success),
                Answer::new(doc.success, "application/json", truncated),
                false,
            )
        })
        .collect();
    assert_all("truncated json", ops, cases).await;
}

/// 5. JSON of the wrong shape on the documented success status: `[]`, `{}`, the spec's
///    example with its numbers sent as strings, and `"x"` as the whole body. Each fits or not
///    by the documented schema (module comment).
#[tokio::test]
async fn json_of_the_wrong_shape() {
    let ops = all_operations();
    let mut cases = Vec::new();
    for op in ops {
        let doc = documented(op);
        let schema = doc.success_schema();
        let is_array = schema.is_some_and(|s| s["type"] == "array");
        let is_object = schema.is_some_and(|s| s["type"] == "object");
        let has_required = schema.is_some_and(|s| {
            s["required"]
                .as_array()
                .is_some_and(|required| !required.is_empty())
        });
        let mut stringified = doc
            .success_example
            .cloned()
            .unwrap_or_else(|| json!({"id": 1}));
        let broke = match schema {
            Some(schema) => stringify_numbers(doc.api, schema, &mut stringified),
            None => false,
        };
        let variants = [
            ("[]".to_string(), is_array),
            ("{}".to_string(), is_object && !has_required),
            (serde_json::to_string(&stringified).unwrap(), !broke),
            (r#""x""#.to_string(), false),
        ];
        for (i, (body, fits)) in variants.into_iter().enumerate() {
            let label = match i {
                0 => "[]",
                1 => "{}",
                2 => "numbers as strings",
                _ => r#""x""#,
            };
            cases.push(Case::served(
                op,
                format!("{} {label}", doc.success),
                Answer::new(doc.success, "application/json", body),
                fits,
            ));
        }
    }
    assert_all("wrong shape", ops, cases).await;
}

/// Turns every number the schema types as `integer`/`number` into a string; returns whether
/// one of them was a field that does not accept both forms (`x-crm-number-or-string`).
fn stringify_numbers(api: &str, schema: &'static Value, value: &mut Value) -> bool {
    let lenient = schema["x-crm-number-or-string"] == true;
    let schema = resolve(api, schema);
    let lenient = lenient || schema["x-crm-number-or-string"] == true;
    let members: Vec<&Value> = std::iter::once(schema)
        .chain(
            schema["allOf"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|member| resolve(api, member)),
        )
        .collect();
    match value {
        Value::Number(number) => {
            let numeric = members
                .iter()
                .any(|s| matches!(s["type"].as_str(), Some("integer" | "number")));
            if numeric {
                *value = Value::String(number.to_string());
            }
            numeric && !lenient
        }
        Value::Object(fields) => {
            let mut broke = false;
            for (name, field) in fields.iter_mut() {
                if let Some(property) = members.iter().find_map(|s| s["properties"].get(name)) {
                    broke |= stringify_numbers(api, property, field);
                }
            }
            broke
        }
        Value::Array(items) => {
            let mut broke = false;
            if let Some(item_schema) = members.iter().find_map(|s| s.get("items")) {
                for item in items {
                    broke |= stringify_numbers(api, item_schema, item);
                }
            }
            broke
        }
        _ => false,
    }
}

/// 6. An undocumented status: 418 with a JSON body, 404 with a text body. (An API that
///    documents every 4xx with its error object (`4XX`) has both as documented statuses whose
///    body is not that object, so `InvalidResponse` with the status: the JSON is an array of
///    mixed items, which no error object of a spec fits.)
#[tokio::test]
async fn undocumented_status() {
    let ops = all_operations();
    let mut cases = Vec::new();
    for op in ops {
        cases.push(Case::served(
            op,
            "418 JSON",
            Answer::new(418, "application/json", r#"["I'm a teapot", 418]"#)
                .showing("I'm a teapot"),
            false,
        ));
        cases.push(Case::served(
            op,
            "404 text",
            Answer::new(
                404,
                "text/plain",
                "404 Not Found: no route matches this path",
            )
            .showing("no route matches this path"),
            false,
        ));
    }
    assert_all("undocumented status", ops, cases).await;
}

/// 7. A 500 with a text/plain body.
#[tokio::test]
async fn status_500_with_a_text_body() {
    let ops = all_operations();
    let text = "Internal Server Error\nPHP Warning: Cannot modify header information - headers already sent";
    let cases = ops
        .iter()
        .map(|op| {
            Case::served(
                op,
                "500 text",
                Answer::new(500, "text/plain; charset=utf-8", text)
                    .showing("PHP Warning: Cannot modify header information"),
                false,
            )
        })
        .collect();
    assert_all("500 text", ops, cases).await;
}

/// 8. A server that sends the documented success 2 s late, past a 300 ms timeout. The
///    operations run concurrently, so the test takes about one timeout.
#[tokio::test]
async fn server_stalls_past_the_timeout() {
    let ops = all_operations();
    let cases = ops
        .iter()
        .map(|op| {
            let doc = documented(op);
            let mut answer =
                Answer::new(doc.success, "application/json", doc.success_example_text());
            answer.delay = Some(Duration::from_secs(2));
            Case {
                op,
                label: "stall 2 s, timeout 300 ms".into(),
                target: Target::Serve(answer),
                config: HttpConfig::default().timeout(Duration::from_millis(300)),
                expect: Expect::Timeout,
                recognisable: String::new(),
            }
        })
        .collect();
    assert_all("stall past timeout", ops, cases).await;
}

/// 9. A refused connection: a loopback port where nothing listens.
#[tokio::test]
async fn refused_connection() {
    let ops = all_operations();
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let cases = ops
        .iter()
        .map(|op| Case {
            op,
            label: "refused".into(),
            target: Target::Refused(port),
            config: HttpConfig::default(),
            expect: Expect::Refused,
            recognisable: String::new(),
        })
        .collect();
    assert_all("refused connection", ops, cases).await;
}

/// A 1 MB HTML page, on the documented success status where it has a JSON body
/// (`InvalidResponse`) and on 502 elsewhere (`UnexpectedResponse`): the excerpt is cut to 200
/// characters and `…`, and neither `Display` nor `Debug` carries the page.
#[tokio::test]
async fn one_megabyte_html_page_is_cut_to_an_excerpt() {
    let ops = all_operations();
    let mut page = String::from("<html><body><h1>Fatal error</h1>\n");
    while page.len() < 1 << 20 {
        page.push_str("<p>Lorem ipsum dolor sit amet, consectetur adipiscing elit.</p>\n");
    }
    page.push_str("</body></html>");
    let cases = ops
        .iter()
        .map(|op| {
            let doc = documented(op);
            let status = match doc.success_schema() {
                Some(_) => doc.success,
                None => 502,
            };
            Case::served(
                op,
                format!("{status} HTML 1 MB"),
                Answer::new(status, "text/html", page.clone()).showing("<h1>Fatal error</h1>"),
                false,
            )
        })
        .collect();
    assert_all_with("1 MB html", ops, cases, |failure| {
        let mut problems = Vec::new();
        let excerpt = failure.body_excerpt.clone().unwrap_or_default();
        if excerpt.chars().count() != EXCERPT_CHARS + 1 || !excerpt.ends_with('…') {
            problems.push(format!(
                "the excerpt is not 200 characters and `…`: {} characters",
                excerpt.chars().count()
            ));
        }
        if failure.display.len() > 2_000 || failure.debug.len() > 4_000 {
            problems.push(format!(
                "Display is {} bytes, Debug {} bytes",
                failure.display.len(),
                failure.debug.len()
            ));
        }
        problems
    })
    .await;
}
