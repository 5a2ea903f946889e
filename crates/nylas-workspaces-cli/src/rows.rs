//! Writing a listing as it arrives: aligned text, CSV, JSON Lines or one JSON array, a row
//! at a time, so `grants list` over a million grants holds one page in memory.
//!
//! Text and CSV cells are escaped like every other text output (control and bidi characters
//! shown as `\u{..}`); JSON is exact. A write error is returned as is; the caller treats a
//! closed pipe (`| head`) as the reader having seen enough.

use std::io::{self, Write};

use serde::Serialize;

use crate::render::escape;

/// The output shape of a streamed listing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// Columns padded to the given widths (the last is not padded).
    Table(&'static [usize]),
    /// RFC 4180 comma-separated values.
    Csv,
    /// One JSON object per line.
    Jsonl,
    /// One pretty JSON array.
    JsonArray,
}

/// A streamed listing being written to `out`.
pub struct Rows<W: Write> {
    out: W,
    shape: Shape,
    rows: u64,
}

impl<W: Write> Rows<W> {
    /// Starts the listing: the header line for text and CSV, `[` for a JSON array.
    pub fn start(mut out: W, shape: Shape, header: &[&str]) -> io::Result<Self> {
        match shape {
            Shape::Table(widths) => write_cells(&mut out, widths, header.iter().copied())?,
            Shape::Csv => write_csv(&mut out, header.iter().copied())?,
            Shape::Jsonl => {}
            Shape::JsonArray => out.write_all(b"[")?,
        }
        Ok(Self {
            out,
            shape,
            rows: 0,
        })
    }

    /// Writes one item: `cells` for text and CSV, `value` for JSON.
    pub fn row(&mut self, cells: &[String], value: &impl Serialize) -> io::Result<()> {
        match self.shape {
            Shape::Table(widths) => {
                let escaped: Vec<String> = cells.iter().map(|c| escape(c).into_owned()).collect();
                write_cells(&mut self.out, widths, escaped.iter().map(String::as_str))?
            }
            Shape::Csv => {
                let escaped: Vec<String> = cells.iter().map(|c| escape(c).into_owned()).collect();
                write_csv(&mut self.out, escaped.iter().map(String::as_str))?
            }
            Shape::Jsonl => {
                serde_json::to_writer(&mut self.out, value)?;
                self.out.write_all(b"\n")?;
            }
            Shape::JsonArray => {
                self.out
                    .write_all(if self.rows == 0 { b"\n  " } else { b",\n  " })?;
                serde_json::to_writer(&mut self.out, value)?;
            }
        }
        self.rows += 1;
        Ok(())
    }

    /// Flushes what was written so far (after each page, so a reader sees progress).
    pub fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }

    /// Ends the listing (`]` for a JSON array) and returns how many rows were written.
    pub fn finish(mut self) -> io::Result<u64> {
        if self.shape == Shape::JsonArray {
            self.out
                .write_all(if self.rows == 0 { b"]\n" } else { b"\n]\n" })?;
        }
        self.out.flush()?;
        Ok(self.rows)
    }
}

fn write_cells<'a>(
    out: &mut impl Write,
    widths: &[usize],
    cells: impl Iterator<Item = &'a str>,
) -> io::Result<()> {
    let cells: Vec<&str> = cells.collect();
    let mut line = String::new();
    for (i, cell) in cells.iter().enumerate() {
        if i + 1 == cells.len() {
            line.push_str(cell);
        } else {
            let width = widths.get(i).copied().unwrap_or(0);
            line.push_str(&format!("{cell:<width$}  "));
        }
    }
    writeln!(out, "{}", line.trim_end())
}

fn write_csv<'a>(out: &mut impl Write, cells: impl Iterator<Item = &'a str>) -> io::Result<()> {
    let line: Vec<String> = cells.map(csv_field).collect();
    // RFC 4180 ends records with CRLF; spreadsheet tools and `csv` readers take either.
    write!(out, "{}\r\n", line.join(","))
}

/// A CSV field, quoted when it holds a comma, a quote or a line break. A field starting with
/// `=`, `+`, `-` or `@` is prefixed with `'` so a spreadsheet does not run it as a formula.
pub fn csv_field(cell: &str) -> String {
    let cell = if cell.starts_with(['=', '+', '-', '@']) {
        format!("'{cell}")
    } else {
        cell.to_owned()
    };
    if cell.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", cell.replace('"', "\"\""))
    } else {
        cell
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn written(shape: Shape, rows: &[(&[&str], serde_json::Value)]) -> String {
        let mut buf = Vec::new();
        let mut out = Rows::start(&mut buf, shape, &["ID", "NAME"]).unwrap();
        for (cells, value) in rows {
            let cells: Vec<String> = cells.iter().map(|c| c.to_string()).collect();
            out.row(&cells, value).unwrap();
        }
        out.finish().unwrap();
        String::from_utf8(buf).unwrap()
    }

    #[test]
    fn every_shape_writes_what_it_promises() {
        let rows: &[(&[&str], serde_json::Value)] = &[
            (&["g-1", "a, \"b\""], json!({"id": "g-1"})),
            (&["g-2", "=cmd\u{1b}"], json!({"id": "g-2"})),
        ];
        assert_eq!(
            written(Shape::Csv, rows),
            "ID,NAME\r\ng-1,\"a, \"\"b\"\"\"\r\ng-2,'=cmd\\u{1b}\r\n"
        );
        assert_eq!(
            written(Shape::Table(&[5]), rows),
            "ID     NAME\ng-1    a, \"b\"\ng-2    =cmd\\u{1b}\n"
        );
        assert_eq!(
            written(Shape::Jsonl, rows),
            "{\"id\":\"g-1\"}\n{\"id\":\"g-2\"}\n"
        );
        let array: serde_json::Value =
            serde_json::from_str(&written(Shape::JsonArray, rows)).unwrap();
        assert_eq!(array, json!([{"id": "g-1"}, {"id": "g-2"}]));
        let empty: serde_json::Value =
            serde_json::from_str(&written(Shape::JsonArray, &[])).unwrap();
        assert_eq!(empty, json!([]));
    }
}
