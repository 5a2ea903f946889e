//! Progress of a bulk assignment.
//!
//! A bar only makes sense for a person watching a terminal: in a pipe or a log it would be
//! noise, and with `--json` stdout belongs to the document. The tour, which narrates, prints
//! one line per finished chunk instead when it has no terminal.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use nylas_workspaces::Progress;

/// How progress is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProgressMode {
    /// Nothing at all.
    Hidden,
    /// An indicatif bar on stderr, removed when done.
    Bar,
    /// An indicatif bar on stderr, left on screen when done (the tour, where the assignment
    /// finishes too fast to see otherwise).
    KeptBar,
    /// One line per finished chunk on stdout.
    Lines,
}

impl ProgressMode {
    /// A bar when stderr is a terminal and output is not JSON; otherwise nothing.
    pub fn for_command(json: bool) -> Self {
        if !json && std::io::stderr().is_terminal() {
            Self::Bar
        } else {
            Self::Hidden
        }
    }

    /// A bar on a terminal, lines elsewhere: the tour always shows its chunks.
    pub fn for_tour() -> Self {
        if std::io::stderr().is_terminal() {
            Self::KeptBar
        } else {
            Self::Lines
        }
    }
}

/// What the assign command hands to `ManualAssignOptions::on_progress`, plus a way to finish.
pub struct ProgressDisplay {
    bar: Option<ProgressBar>,
    mode: ProgressMode,
}

impl ProgressDisplay {
    /// Prepares a display for `total` grant ids.
    pub fn new(mode: ProgressMode, total: usize) -> Self {
        let bar = matches!(mode, ProgressMode::Bar | ProgressMode::KeptBar).then(|| {
            let bar =
                ProgressBar::with_draw_target(Some(total as u64), ProgressDrawTarget::stderr());
            if let Ok(style) = ProgressStyle::with_template("{bar:40} {pos}/{len} grants  {msg}") {
                bar.set_style(style);
            }
            bar
        });
        Self { bar, mode }
    }

    /// The callback to register, or `None` when nothing is shown.
    pub fn callback(&self) -> Option<impl Fn(Progress) + Send + Sync + 'static> {
        if self.mode == ProgressMode::Hidden {
            return None;
        }
        let bar = self.bar.clone();
        Some(move |p: Progress| match &bar {
            Some(bar) => {
                bar.set_message(format!("chunk {}/{}", p.chunks_done, p.chunks_total));
                bar.set_length(p.grants_total as u64);
                bar.set_position(p.grants_done as u64);
            }
            None => println!("{}", chunk_line(p)),
        })
    }

    /// Ends the bar: removed so the summary that follows starts on a clean line, or left in
    /// place for the tour.
    pub fn finish(&self) {
        match (&self.bar, self.mode) {
            (Some(bar), ProgressMode::KeptBar) => bar.finish(),
            (Some(bar), _) => bar.finish_and_clear(),
            (None, _) => {}
        }
    }
}

/// The line printed per finished chunk in `Lines` mode.
pub fn chunk_line(p: Progress) -> String {
    let mut line = format!(
        "  chunk {}/{} done: {}/{} grants",
        p.chunks_done, p.chunks_total, p.grants_done, p.grants_total
    );
    if p.grants_failed > 0 {
        line.push_str(&format!(" ({} in failed chunks)", p.grants_failed));
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_output_never_gets_a_bar() {
        assert_eq!(ProgressMode::for_command(true), ProgressMode::Hidden);
    }

    #[test]
    fn hidden_progress_registers_no_callback() {
        assert!(
            ProgressDisplay::new(ProgressMode::Hidden, 10)
                .callback()
                .is_none()
        );
    }

    #[test]
    fn chunk_lines_mention_failures_only_when_there_are_some() {
        let mut p = Progress {
            chunks_done: 1,
            chunks_total: 3,
            grants_done: 500,
            grants_total: 1200,
            grants_failed: 0,
        };
        assert_eq!(chunk_line(p), "  chunk 1/3 done: 500/1200 grants");
        p.grants_failed = 500;
        assert!(chunk_line(p).ends_with("(500 in failed chunks)"));
    }
}
