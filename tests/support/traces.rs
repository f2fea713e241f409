//! Every span, record and event a test's thread emits, as text: `capture_tracing`.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

thread_local! {
    static CAPTURED: std::cell::RefCell<Option<Arc<Mutex<Vec<String>>>>> = const { std::cell::RefCell::new(None) };
}

/// Stops capturing on this thread when dropped.
pub struct Capturing;

impl Drop for Capturing {
    fn drop(&mut self) {
        CAPTURED.with(|c| c.borrow_mut().take());
    }
}

/// Every span, record and event of this thread, as text, while the guard lives; an event's
/// line ends with its level (`level=WARN`).
///
/// One global subscriber serves every test of this binary: with per-thread subscribers,
/// tracing's callsite cache can race between tests run in parallel and drop events.
pub fn capture_tracing() -> (Arc<Mutex<Vec<String>>>, Capturing) {
    use tracing::field::{Field, Visit};
    use tracing::span::{Attributes, Id, Record};
    use tracing::{Event, Metadata, Subscriber};

    struct Text(String);
    impl Visit for Text {
        fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
            self.0.push_str(&format!(" {}={value:?}", field.name()));
        }
        fn record_str(&mut self, field: &Field, value: &str) {
            self.0.push_str(&format!(" {}={value}", field.name()));
        }
    }
    fn push(line: String) {
        CAPTURED.with(|c| {
            if let Some(lines) = c.borrow().as_ref() {
                lines.lock().unwrap().push(line);
            }
        });
    }
    struct Capture {
        next: AtomicUsize,
    }
    impl Subscriber for Capture {
        fn enabled(&self, _: &Metadata<'_>) -> bool {
            true
        }
        fn new_span(&self, span: &Attributes<'_>) -> Id {
            let mut text = Text(format!("new span {}:", span.metadata().name()));
            span.record(&mut text);
            push(text.0);
            Id::from_u64(self.next.fetch_add(1, Ordering::SeqCst) as u64 + 1)
        }
        fn record(&self, _: &Id, values: &Record<'_>) {
            let mut text = Text("record:".into());
            values.record(&mut text);
            push(text.0);
        }
        fn record_follows_from(&self, _: &Id, _: &Id) {}
        fn event(&self, event: &Event<'_>) {
            let mut text = Text("event:".into());
            event.record(&mut text);
            text.0
                .push_str(&format!(" level={}", event.metadata().level()));
            push(text.0);
        }
        fn enter(&self, _: &Id) {}
        fn exit(&self, _: &Id) {}
    }
    static INSTALL: std::sync::Once = std::sync::Once::new();
    INSTALL.call_once(|| {
        let _ = tracing::subscriber::set_global_default(Capture {
            next: AtomicUsize::new(0),
        });
    });
    let lines = Arc::new(Mutex::new(Vec::new()));
    CAPTURED.with(|c| *c.borrow_mut() = Some(Arc::clone(&lines)));
    (lines, Capturing)
}
