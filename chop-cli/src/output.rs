//! Human text or exactly one JSON object on stdout.

use serde_json::{Map, Value};

/// Collects a command's output, then prints it as text or as one JSON object.
#[derive(Debug)]
pub(crate) struct Output {
    json: bool,
    object: Map<String, Value>,
    lines: Vec<String>,
}

impl Output {
    pub(crate) fn new(json: bool) -> Self {
        Self {
            json,
            object: Map::new(),
            lines: Vec::new(),
        }
    }

    /// A field shown in both modes: `value` in JSON, `text()` for humans.
    pub(crate) fn field(&mut self, key: &str, value: Value, text: impl FnOnce() -> String) {
        if self.json {
            self.object.insert(key.to_string(), value);
        } else {
            self.lines.push(text());
        }
    }

    /// A field only in JSON.
    pub(crate) fn json_only(&mut self, key: &str, value: Value) {
        if self.json {
            self.object.insert(key.to_string(), value);
        }
    }

    /// Prints what was collected.
    pub(crate) fn finish(self) {
        if self.json {
            println!("{}", Value::Object(self.object));
        } else {
            for l in self.lines {
                println!("{l}");
            }
        }
    }
}
