//! Progress of a long CLI job: a bar on a terminal, and a line every tenth of the way
//! (or every half minute) when stderr is a file or a pipe, where indicatif draws nothing
//! and an operator tailing a log would otherwise see no sign of life for an hour.

use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};

pub struct Progress {
    bar: ProgressBar,
    plain: Option<Plain>,
}

struct Plain {
    label: String,
    started: Instant,
    last_line: Instant,
    last_tenth: u64,
}

const PLAIN_INTERVAL: Duration = Duration::from_secs(30);

impl Progress {
    pub fn new(label: &str) -> Self {
        let bar = ProgressBar::new(0);
        bar.set_style(
            ProgressStyle::with_template("{msg:>12} [{bar:40}] {pos}/{len}")
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
        );
        bar.set_message(label.to_string());
        let plain = bar.is_hidden().then(|| Plain {
            label: label.to_string(),
            started: Instant::now(),
            last_line: Instant::now(),
            last_tenth: 0,
        });
        Self { bar, plain }
    }

    pub fn set_length(&self, length: u64) {
        self.bar.set_length(length);
    }

    pub fn set_position(&mut self, position: u64) {
        self.bar.set_position(position);
        let length = self.bar.length().unwrap_or(0);
        if let Some(plain) = &mut self.plain
            && let Some(line) = plain.line(position, length)
        {
            eprintln!("{line}");
        }
    }

    pub fn finish_and_clear(&self) {
        self.bar.finish_and_clear();
        if let Some(plain) = &self.plain {
            let position = self.bar.position();
            eprintln!(
                "{}: {position}/{} done in {:.0} s",
                plain.label,
                self.bar.length().unwrap_or(position),
                plain.started.elapsed().as_secs_f64()
            );
        }
    }
}

impl Plain {
    /// The line to print at this position, if a further tenth is done or the interval
    /// has passed since the last line.
    fn line(&mut self, position: u64, length: u64) -> Option<String> {
        let tenth = (position.saturating_mul(10))
            .checked_div(length)
            .unwrap_or(0);
        if tenth <= self.last_tenth && self.last_line.elapsed() < PLAIN_INTERVAL {
            return None;
        }
        self.last_tenth = self.last_tenth.max(tenth);
        self.last_line = Instant::now();
        let percent = (position.saturating_mul(100))
            .checked_div(length)
            .unwrap_or(0);
        Some(format!(
            "{}: {position}/{length} ({percent}%) after {:.0} s",
            self.label,
            self.started.elapsed().as_secs_f64()
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain() -> Plain {
        Plain {
            label: "dossiers".into(),
            started: Instant::now(),
            last_line: Instant::now(),
            last_tenth: 0,
        }
    }

    #[test]
    fn a_line_each_further_tenth_and_not_between() {
        let mut p = plain();
        assert_eq!(p.line(5, 100), None);
        let line = p.line(10, 100).expect("a tenth is done");
        assert!(line.starts_with("dossiers: 10/100 (10%)"), "{line}");
        assert_eq!(p.line(15, 100), None);
        assert!(p.line(35, 100).is_some());
        assert_eq!(p.line(36, 100), None);
    }

    #[test]
    fn an_unknown_length_prints_only_on_the_interval() {
        let mut p = plain();
        assert_eq!(p.line(1_000, 0), None);
        p.last_line = Instant::now() - PLAIN_INTERVAL;
        assert!(p.line(2_000, 0).is_some());
    }
}
