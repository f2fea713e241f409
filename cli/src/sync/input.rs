//! The rows of a CSV or JSON Lines file, one at a time, with their line numbers: memory stays
//! that of one row, whatever the file's size. A file that is not text (a NUL byte) or has a line
//! longer than the limit is an error naming the line; a row that cannot be read (ragged, not
//! UTF-8, not a JSON object) is a row with a problem, for the reject file.

use std::io::{self, BufRead, BufReader, Read};

use serde_json::{Map, Value};

/// The input's format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Comma-separated values with a header row.
    Csv,
    /// One JSON object per line.
    Jsonl,
}

/// One row of the input.
pub struct Row {
    /// Its place among the data rows (1 for the first): the checkpoint's key.
    pub index: u64,
    /// The line it starts on (the header is line 1 of a CSV file).
    pub line: u64,
    /// The row as it was written: an object of column → cell (CSV), the object (JSON Lines), or
    /// what could be read of a row that cannot be (its cells, its text).
    pub original: Value,
    /// Its cells by column (CSV: text), or why it cannot be read.
    pub cells: Result<Map<String, Value>, String>,
}

/// The input's rows.
pub enum Rows {
    Csv {
        reader: csv::Reader<Guarded<Box<dyn Read + Send>>>,
        header: Vec<String>,
        record: csv::ByteRecord,
        index: u64,
        /// 1 when the file ends its lines with CRLF: csv places a record after the `\r`, on the
        /// line before its own (a data row never starts on line 1, where the header is).
        line_offset: u64,
    },
    Jsonl {
        reader: BufReader<Guarded<Box<dyn Read + Send>>>,
        buf: Vec<u8>,
        line: u64,
        index: u64,
    },
}

impl Rows {
    /// The rows of `input`; a CSV's header is read now.
    pub fn new(
        input: Box<dyn Read + Send>,
        format: Format,
        delimiter: u8,
        max_line: usize,
    ) -> Result<Self, String> {
        let guarded = Guarded::new(input, max_line);
        match format {
            Format::Csv => {
                let mut reader = csv::ReaderBuilder::new()
                    .delimiter(delimiter)
                    .flexible(true)
                    .has_headers(true)
                    .from_reader(guarded);
                let header = reader.byte_headers().map_err(|e| csv_error(&e))?.clone();
                if header.is_empty() || header.iter().all(|h| h.is_empty()) {
                    return Err("line 1: the file is empty: a CSV file starts with a header row naming its columns".into());
                }
                let mut names = Vec::new();
                for (i, h) in header.iter().enumerate() {
                    let name = std::str::from_utf8(h)
                        .map_err(|_| {
                            format!("line 1: column {} of the header is not UTF-8", i + 1)
                        })?
                        .trim()
                        .trim_start_matches('\u{feff}')
                        .to_string();
                    if name.is_empty() {
                        return Err(format!(
                            "line 1: column {} of the header has no name",
                            i + 1
                        ));
                    }
                    if names.contains(&name) {
                        return Err(format!("line 1: the header names column `{name}` twice"));
                    }
                    names.push(name);
                }
                Ok(Rows::Csv {
                    reader,
                    header: names,
                    record: csv::ByteRecord::new(),
                    index: 0,
                    line_offset: 0,
                })
            }
            Format::Jsonl => Ok(Rows::Jsonl {
                reader: BufReader::with_capacity(64 << 10, guarded),
                buf: Vec::new(),
                line: 0,
                index: 0,
            }),
        }
    }

    /// The columns, for a CSV file.
    pub fn header(&self) -> Option<&[String]> {
        match self {
            Rows::Csv { header, .. } => Some(header),
            Rows::Jsonl { .. } => None,
        }
    }

    /// The next row, `None` at the end, or an error that ends the reading (naming its line).
    pub fn next_row(&mut self) -> Result<Option<Row>, String> {
        match self {
            Rows::Csv {
                reader,
                header,
                record,
                index,
                line_offset,
            } => {
                if !reader.read_byte_record(record).map_err(|e| csv_error(&e))? {
                    return Ok(None);
                }
                *index += 1;
                let at = record.position().map_or(0, |p| p.line());
                if *index == 1 && at <= 1 {
                    *line_offset = 1;
                }
                let line = at + *line_offset;
                Ok(Some(csv_row(header, record, *index, line)))
            }
            Rows::Jsonl {
                reader,
                buf,
                line,
                index,
            } => loop {
                buf.clear();
                let n = reader.read_until(b'\n', buf).map_err(|e| e.to_string())?;
                if n == 0 {
                    return Ok(None);
                }
                *line += 1;
                let text = String::from_utf8_lossy(buf);
                if text.trim().is_empty() {
                    continue;
                }
                *index += 1;
                return Ok(Some(json_row(buf, *index, *line)));
            },
        }
    }
}

fn csv_error(e: &csv::Error) -> String {
    match e.kind() {
        // The guard's own message names the line.
        csv::ErrorKind::Io(io) => io.to_string(),
        _ => match e.position() {
            Some(p) => format!("line {}: {e}", p.line()),
            None => e.to_string(),
        },
    }
}

fn csv_row(header: &[String], record: &csv::ByteRecord, index: u64, line: u64) -> Row {
    let texts: Vec<String> = record
        .iter()
        .map(|cell| String::from_utf8_lossy(cell).into_owned())
        .collect();
    let problem = if record.len() != header.len() {
        Some(format!(
            "line {line}: has {} cells, the header names {} columns",
            record.len(),
            header.len()
        ))
    } else {
        record
            .iter()
            .position(|cell| std::str::from_utf8(cell).is_err())
            .map(|i| {
                format!(
                    "line {line}: the cell of column `{}` is not UTF-8 (shown with U+FFFD in the reject file)",
                    header[i]
                )
            })
    };
    match problem {
        Some(why) => Row {
            index,
            line,
            original: if record.len() == header.len() {
                Value::Object(zip(header, texts))
            } else {
                Value::Array(texts.into_iter().map(Value::String).collect())
            },
            cells: Err(why),
        },
        None => {
            let cells = zip(header, texts);
            Row {
                index,
                line,
                original: Value::Object(cells.clone()),
                cells: Ok(cells),
            }
        }
    }
}

fn zip(header: &[String], texts: Vec<String>) -> Map<String, Value> {
    header
        .iter()
        .cloned()
        .zip(texts.into_iter().map(Value::String))
        .collect()
}

fn json_row(bytes: &[u8], index: u64, line: u64) -> Row {
    let text = String::from_utf8_lossy(bytes);
    // A byte order mark before the first line is no part of the row.
    let text = text
        .trim_start_matches('\u{feff}')
        .trim_end_matches(['\n', '\r']);
    let fail = |why: String| Row {
        index,
        line,
        original: Value::String(text.to_string()),
        cells: Err(why),
    };
    if std::str::from_utf8(bytes).is_err() {
        return fail(format!(
            "line {line}: is not UTF-8 (shown with U+FFFD in the reject file)"
        ));
    }
    // serde_json would read such a number as a nearby float: the row would not be sent as
    // written, so it is rejected, its text kept as it was.
    if let Some(why) = crate::values::inexact(text) {
        return fail(format!("line {line}: {why}"));
    }
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(map)) => Row {
            index,
            line,
            original: Value::Object(map.clone()),
            cells: Ok(map),
        },
        Ok(other) => fail(format!(
            "line {line}: is JSON but not an object: {}",
            kind(&other)
        )),
        Err(e) => fail(format!("line {line}: is not JSON: {e}")),
    }
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// A reader that refuses what is not a text file of lines: a NUL byte, or a line longer than
/// the limit (so one huge line cannot take the memory), each an error naming the line. The
/// lines before the bad one are handed over first, so every row before it is read.
pub struct Guarded<R> {
    inner: R,
    max_line: usize,
    line: u64,
    in_line: usize,
    /// The error found in the last chunk, for the next read.
    pending: Option<String>,
}

impl<R: Read> Guarded<R> {
    fn new(inner: R, max_line: usize) -> Self {
        Guarded {
            inner,
            max_line,
            line: 1,
            in_line: 0,
            pending: None,
        }
    }
}

impl<R: Read> Read for Guarded<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if let Some(why) = self.pending.take() {
            return Err(io::Error::new(io::ErrorKind::InvalidData, why));
        }
        let n = self.inner.read(buf)?;
        // Where the current line started in this chunk (0 if before it).
        let mut line_start = 0;
        for (i, &b) in buf[..n].iter().enumerate() {
            let why = match b {
                b'\n' => {
                    self.line += 1;
                    self.in_line = 0;
                    line_start = i + 1;
                    continue;
                }
                0 => format!(
                    "line {}: holds a NUL byte: this is not a text file (binary?)",
                    self.line
                ),
                _ => {
                    self.in_line += 1;
                    if self.in_line <= self.max_line {
                        continue;
                    }
                    format!(
                        "line {}: is longer than {} bytes (raise --max-line-bytes if it is meant to be)",
                        self.line, self.max_line
                    )
                }
            };
            // The whole lines before this one go out now; the error with the next read.
            if line_start == 0 {
                return Err(io::Error::new(io::ErrorKind::InvalidData, why));
            }
            self.pending = Some(why);
            return Ok(line_start);
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(text: &[u8], format: Format) -> Result<Vec<Row>, String> {
        let mut rows = Rows::new(Box::new(io::Cursor::new(text.to_vec())), format, b',', 64)?;
        let mut all = Vec::new();
        while let Some(row) = rows.next_row()? {
            all.push(row);
        }
        Ok(all)
    }

    #[test]
    fn csv_rows_keep_their_lines_and_bad_rows_say_why() {
        let all = rows(
            b"email,first_name\na@x,A\n\"b@x\",\"multi\nline\"\nc@x\nd@x,\xff\n",
            Format::Csv,
        )
        .unwrap();
        assert_eq!(all.iter().map(|r| r.line).collect::<Vec<_>>(), [2, 3, 5, 6]);
        assert_eq!(all[1].cells.as_ref().unwrap()["first_name"], "multi\nline");
        assert_eq!(
            all[2].cells.as_ref().unwrap_err(),
            "line 5: has 1 cells, the header names 2 columns"
        );
        assert!(all[3]
            .cells
            .as_ref()
            .unwrap_err()
            .contains("line 6: the cell of column `first_name` is not UTF-8"));
    }

    #[test]
    fn crlf_rows_are_on_their_own_lines() {
        let all = rows(b"email,first_name\r\na@x,A\r\nb@x,B\r\n", Format::Csv).unwrap();
        assert_eq!(all.iter().map(|r| r.line).collect::<Vec<_>>(), [2, 3]);
    }

    #[test]
    fn the_rows_before_a_bad_line_are_read_first() {
        let mut rows = Rows::new(
            Box::new(io::Cursor::new(b"email\na@x\nb@x\nc\0x\nd@x\n".to_vec())),
            Format::Csv,
            b',',
            64,
        )
        .unwrap();
        assert_eq!(rows.next_row().unwrap().unwrap().line, 2);
        assert_eq!(rows.next_row().unwrap().unwrap().line, 3);
        let e = rows.next_row().err().unwrap();
        assert!(e.starts_with("line 4: holds a NUL byte"), "{e}");
    }

    #[test]
    fn binary_and_overlong_lines_end_the_reading_naming_the_line() {
        let e = rows(b"email\na@x\nb\0x\n", Format::Csv).err().unwrap();
        assert!(e.starts_with("line 3: holds a NUL byte"), "{e}");
        let long = format!("email\na@x\n{}\n", "x".repeat(100));
        let e = rows(long.as_bytes(), Format::Csv).err().unwrap();
        assert!(e.starts_with("line 3: is longer than 64 bytes"), "{e}");
        let e = rows(b"", Format::Csv).err().unwrap();
        assert!(e.contains("empty"), "{e}");
    }

    #[test]
    fn a_json_number_too_long_to_keep_is_rejected_not_rounded() {
        let all = rows(
            b"{\"id\":12345678901234567890123}\n{\"x\":\"12345678901234567890123\",\"n\":-42,\"f\":7.62}\n{\"f\":0.123456789012345678901}\n",
            Format::Jsonl,
        )
        .unwrap();
        let why = all[0].cells.as_ref().unwrap_err();
        assert!(
            why.contains("the number 12345678901234567890123 has more digits"),
            "{why}"
        );
        assert_eq!(
            all[0].original,
            Value::String("{\"id\":12345678901234567890123}".into())
        );
        assert!(
            all[1].cells.is_ok(),
            "digits in a string, and ordinary numbers, are fine"
        );
        assert!(all[2].cells.is_err());
    }

    #[test]
    fn json_lines_are_objects_or_say_why() {
        let all = rows(
            b"\xef\xbb\xbf{\"email\":\"a@x\"}\n\n[1]\n{bad\n",
            Format::Jsonl,
        )
        .unwrap();
        assert!(all[0].cells.is_ok(), "a BOM is no part of the first row");
        assert_eq!(all.iter().map(|r| r.line).collect::<Vec<_>>(), [1, 3, 4]);
        assert!(all[1]
            .cells
            .as_ref()
            .unwrap_err()
            .contains("not an object: a list"));
        assert!(all[2]
            .cells
            .as_ref()
            .unwrap_err()
            .starts_with("line 4: is not JSON"));
    }
}
