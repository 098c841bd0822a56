//! Capturing every `tracing` span and event of the current thread (a `#[tokio::test]` runs
//! its tasks on its own thread), with every field's value as text.
//!
//! One global subscriber serves the whole test binary and records into the capture of the
//! thread it is called on, if any. (A per-test `set_default` subscriber is not enough: a
//! callsite first reached on a thread without one can be cached as uninteresting while no
//! such subscriber is alive, and its events are then lost.)

use std::collections::BTreeMap;
use std::fmt::Debug;
use std::sync::{Arc, Mutex};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Subscriber};
use tracing_subscriber::layer::{Context, Layer};
use tracing_subscriber::prelude::*;
use tracing_subscriber::registry::LookupSpan;

/// One span: its name and its fields' last values.
#[derive(Debug, Clone)]
pub struct SpanRecord {
    pub id: u64,
    pub name: String,
    pub fields: BTreeMap<String, String>,
}

/// One event: its level, its target (the module that emitted it: `crm_bindings::...`, or a
/// dependency's), the span it was in (an index into [`Captured::spans`]) and its fields
/// (`message` included).
#[derive(Debug, Clone)]
pub struct EventRecord {
    pub level: tracing::Level,
    pub target: String,
    pub span: Option<usize>,
    pub fields: BTreeMap<String, String>,
}

#[derive(Default)]
struct Store {
    spans: Vec<SpanRecord>,
    events: Vec<EventRecord>,
}

/// What was captured so far.
#[derive(Clone, Default)]
pub struct Captured(Arc<Mutex<Store>>);

impl Captured {
    pub fn spans(&self) -> Vec<SpanRecord> {
        self.0.lock().unwrap().spans.clone()
    }

    pub fn events(&self) -> Vec<EventRecord> {
        self.0.lock().unwrap().events.clone()
    }

    /// Every span and event as one line of text each, for searching.
    pub fn lines(&self) -> Vec<String> {
        let store = self.0.lock().unwrap();
        let spans = store
            .spans
            .iter()
            .map(|s| format!("span {} {:?}", s.name, s.fields));
        let events = store
            .events
            .iter()
            .map(|e| format!("event {} {:?}", e.level, e.fields));
        spans.chain(events).collect()
    }
}

thread_local! {
    static CURRENT: std::cell::RefCell<Option<Captured>> = const { std::cell::RefCell::new(None) };
}

/// Stops this thread's capture when dropped.
pub struct Guard(());

impl Drop for Guard {
    fn drop(&mut self) {
        CURRENT.with(|current| current.borrow_mut().take());
    }
}

/// Captures every span and event at every level on this thread until the guard drops.
pub fn capture() -> (Guard, Captured) {
    static INSTALL: std::sync::Once = std::sync::Once::new();
    INSTALL.call_once(|| {
        tracing::subscriber::set_global_default(tracing_subscriber::registry().with(Capture))
            .expect("no other global subscriber in this binary");
    });
    let captured = Captured::default();
    CURRENT.with(|current| *current.borrow_mut() = Some(captured.clone()));
    (Guard(()), captured)
}

/// The capture of this thread, if any.
fn current() -> Option<Captured> {
    CURRENT.with(|current| current.borrow().clone())
}

struct Capture;

struct Fields<'a>(&'a mut BTreeMap<String, String>);

impl Visit for Fields<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn Debug) {
        self.0
            .insert(field.name().to_string(), format!("{value:?}"));
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().to_string(), value.to_string());
    }
}

impl<S: Subscriber + for<'a> LookupSpan<'a>> Layer<S> for Capture {
    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, _: Context<'_, S>) {
        let Some(captured) = current() else { return };
        let mut fields = BTreeMap::new();
        attrs.record(&mut Fields(&mut fields));
        captured.0.lock().unwrap().spans.push(SpanRecord {
            id: id.into_u64(),
            name: attrs.metadata().name().to_string(),
            fields,
        });
    }

    fn on_record(&self, id: &Id, values: &Record<'_>, _: Context<'_, S>) {
        let Some(captured) = current() else { return };
        let mut store = captured.0.lock().unwrap();
        if let Some(span) = store.spans.iter_mut().rev().find(|s| s.id == id.into_u64()) {
            values.record(&mut Fields(&mut span.fields));
        }
    }

    fn on_event(&self, event: &Event<'_>, ctx: Context<'_, S>) {
        let Some(captured) = current() else { return };
        let mut fields = BTreeMap::new();
        event.record(&mut Fields(&mut fields));
        let id = ctx.event_span(event).map(|s| s.id().into_u64());
        let mut store = captured.0.lock().unwrap();
        // Ids are reused once a span closes: the latest span with the id is this one.
        let span = id.and_then(|id| store.spans.iter().rposition(|s| s.id == id));
        store.events.push(EventRecord {
            level: *event.metadata().level(),
            target: event.metadata().target().to_string(),
            span,
            fields,
        });
    }
}
