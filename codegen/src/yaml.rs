//! The one place that reads YAML: text → a small tree of nodes that remember where they were.
//!
//! Positions are what make schema errors useful (`api.yaml:12:5`), and serde-based YAML
//! readers drop them, so the tree is built from the parser's events directly. Anchors, aliases
//! and tags are refused: a schema that reads like documentation does not need them.

use saphyr_parser::{Event, Parser, ScalarStyle, Span};

/// A position in a source file: 1-based line and column.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Pos {
    /// Line, starting at 1.
    pub line: usize,
    /// Column, starting at 1.
    pub column: usize,
}

/// A YAML value with its position.
#[derive(Clone, Debug)]
pub struct Node {
    /// Where the value starts.
    pub pos: Pos,
    /// The value.
    pub value: Value,
}

/// The shapes a YAML value can take.
#[derive(Clone, Debug)]
pub enum Value {
    /// A scalar; `quoted` is true when it was written in quotes or as a block, which makes it
    /// a string even if it reads like `true` or `12`.
    Scalar {
        /// The text of the scalar.
        text: String,
        /// Whether the scalar was written in quotes or as a block scalar.
        quoted: bool,
    },
    /// A sequence.
    Seq(Vec<Node>),
    /// A mapping, in source order; keys are scalars.
    Map(Vec<(Node, Node)>),
}

/// A YAML syntax problem.
#[derive(Clone, Debug)]
pub struct SyntaxError {
    /// Where it was found.
    pub pos: Pos,
    /// What is wrong.
    pub message: String,
}

fn pos(span: &Span) -> Pos {
    Pos {
        line: span.start.line(),
        column: span.start.col() + 1,
    }
}

/// Parses one YAML document. An empty file is an empty mapping.
pub fn parse(text: &str) -> Result<Node, SyntaxError> {
    let mut stack: Vec<Node> = Vec::new();
    let mut root: Option<Node> = None;
    for item in Parser::new_from_str(text) {
        let (event, span) = item.map_err(|e| SyntaxError {
            pos: Pos {
                line: e.marker().line(),
                column: e.marker().col() + 1,
            },
            message: e.info().to_string(),
        })?;
        let at = pos(&span);
        let refuse = |what: &str| SyntaxError {
            pos: at,
            message: format!("{what} are not supported in schema files; write the value out"),
        };
        let complete = match event {
            Event::Alias(_) => return Err(refuse("aliases")),
            Event::Scalar(_, _, anchor, _)
            | Event::SequenceStart(anchor, _)
            | Event::MappingStart(anchor, _)
                if anchor != 0 =>
            {
                return Err(refuse("anchors"))
            }
            Event::Scalar(_, _, _, Some(_))
            | Event::SequenceStart(_, Some(_))
            | Event::MappingStart(_, Some(_)) => return Err(refuse("tags")),
            Event::Scalar(text, style, _, None) => Node {
                pos: at,
                value: Value::Scalar {
                    text: text.into_owned(),
                    quoted: style != ScalarStyle::Plain,
                },
            },
            Event::SequenceStart(..) => {
                stack.push(Node {
                    pos: at,
                    value: Value::Seq(Vec::new()),
                });
                continue;
            }
            Event::MappingStart(..) => {
                stack.push(Node {
                    pos: at,
                    value: Value::Map(Vec::new()),
                });
                continue;
            }
            Event::SequenceEnd | Event::MappingEnd => match stack.pop() {
                Some(node) => node,
                None => continue,
            },
            Event::DocumentStart(_) if root.is_some() => {
                return Err(SyntaxError {
                    pos: at,
                    message: "a schema file holds one YAML document; split it into files".into(),
                })
            }
            _ => continue,
        };
        attach(&mut stack, &mut root, complete)?;
    }
    Ok(root.unwrap_or(Node {
        pos: Pos { line: 1, column: 1 },
        value: Value::Map(Vec::new()),
    }))
}

/// Adds a finished node to its parent: a sequence item, a mapping key, or a mapping value.
fn attach(stack: &mut [Node], root: &mut Option<Node>, node: Node) -> Result<(), SyntaxError> {
    let Some(parent) = stack.last_mut() else {
        *root = Some(node);
        return Ok(());
    };
    match &mut parent.value {
        Value::Seq(items) => items.push(node),
        Value::Map(entries) => {
            // Keys and values alternate; a key is stored with a placeholder value until its
            // value arrives.
            let awaiting_value = matches!(entries.last(), Some((_, v)) if v.pos == Pos::default());
            if awaiting_value {
                entries.last_mut().expect("checked above").1 = node;
            } else {
                if !matches!(node.value, Value::Scalar { .. }) {
                    return Err(SyntaxError {
                        pos: node.pos,
                        message: "mapping keys must be plain names".into(),
                    });
                }
                let placeholder = Node {
                    pos: Pos::default(),
                    value: Value::Scalar {
                        text: String::new(),
                        quoted: false,
                    },
                };
                entries.push((node, placeholder));
            }
        }
        Value::Scalar { .. } => unreachable!("scalars are never pushed on the stack"),
    }
    Ok(())
}

impl Node {
    /// The scalar's text, if this is a scalar.
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Scalar { text, .. } => Some(text),
            _ => None,
        }
    }

    /// A plain `true`/`false`.
    pub fn as_bool(&self) -> Option<bool> {
        match &self.value {
            Value::Scalar {
                text,
                quoted: false,
            } => match text.as_str() {
                "true" => Some(true),
                "false" => Some(false),
                _ => None,
            },
            _ => None,
        }
    }

    /// A plain integer.
    pub fn as_i64(&self) -> Option<i64> {
        match &self.value {
            Value::Scalar {
                text,
                quoted: false,
            } => text.parse().ok(),
            _ => None,
        }
    }

    /// A plain number.
    pub fn as_f64(&self) -> Option<f64> {
        match &self.value {
            Value::Scalar {
                text,
                quoted: false,
            } => text.parse::<f64>().ok().filter(|n| n.is_finite()),
            _ => None,
        }
    }

    /// Whether this is a plain `null`, `~` or empty scalar.
    pub fn is_null(&self) -> bool {
        matches!(&self.value, Value::Scalar { text, quoted: false } if matches!(text.as_str(), "" | "~" | "null"))
    }

    /// A word for the node's shape, for error messages.
    pub fn kind(&self) -> &'static str {
        match &self.value {
            Value::Scalar { .. } if self.is_null() => "nothing",
            Value::Scalar { .. } => "a scalar",
            Value::Seq(_) => "a list",
            Value::Map(_) => "a mapping",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_positions_and_order() {
        let node = parse("a: 1\nb:\n  - x\n  - 'true'\n").unwrap();
        let Value::Map(entries) = &node.value else {
            panic!("not a map")
        };
        assert_eq!(entries[0].0.as_str(), Some("a"));
        assert_eq!(entries[0].1.as_i64(), Some(1));
        assert_eq!(entries[1].0.pos, Pos { line: 2, column: 1 });
        let Value::Seq(items) = &entries[1].1.value else {
            panic!("not a seq")
        };
        assert_eq!(items[1].pos, Pos { line: 4, column: 5 });
        assert_eq!(items[1].as_bool(), None, "quoted true is a string");
    }

    #[test]
    fn empty_value_is_null() {
        let node = parse("a:\nb: ~\n").unwrap();
        let Value::Map(entries) = &node.value else {
            panic!("not a map")
        };
        assert!(entries[0].1.is_null());
        assert!(entries[1].1.is_null());
    }

    #[test]
    fn refuses_aliases_and_reports_syntax_errors() {
        assert!(parse("a: &x 1\nb: *x\n")
            .unwrap_err()
            .message
            .contains("anchors"));
        let err = parse("a: [1, 2\n").unwrap_err();
        assert!(err.pos.line >= 1);
    }
}
