//! Running one job per input file on several threads, handing the results back in input
//! order, with a progress bar on standard error when it is a terminal.

use crate::input::Input;
use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;

/// From how many files on a progress bar is drawn (and only when stderr is a terminal).
const PROGRESS_FROM: usize = 5;

/// The number of threads to use: `requested`, else the machine's parallelism; never more
/// than there are inputs, never zero.
pub fn threads(requested: Option<usize>, inputs: usize) -> usize {
    let available = std::thread::available_parallelism().map_or(1, usize::from);
    requested.unwrap_or(available).clamp(1, inputs.max(1))
}

/// Runs `work` for every input on `threads` threads (a shared work queue) and calls `done`
/// on the calling thread with each result, in input order, as soon as all earlier ones are
/// done.
pub fn run<T, W, D>(inputs: &[Input], threads: usize, work: W, mut done: D)
where
    T: Send,
    W: Fn(&Input) -> T + Sync,
    D: FnMut(&Input, T),
{
    let mut progress = Progress::new(inputs.len());
    if threads <= 1 || inputs.len() <= 1 {
        for (i, input) in inputs.iter().enumerate() {
            let result = work(input);
            progress.clear();
            done(input, result);
            progress.draw(i + 1);
        }
        progress.clear();
        return;
    }
    let next = AtomicUsize::new(0);
    let (tx, rx) = mpsc::channel::<(usize, T)>();
    std::thread::scope(|scope| {
        for _ in 0..threads {
            let tx = tx.clone();
            let (next, work) = (&next, &work);
            scope.spawn(move || loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(input) = inputs.get(i) else { break };
                if tx.send((i, work(input))).is_err() {
                    break;
                }
            });
        }
        drop(tx);
        let mut ready: Vec<Option<T>> = std::iter::repeat_with(|| None).take(inputs.len()).collect();
        let (mut cursor, mut finished) = (0, 0);
        for (i, result) in rx {
            finished += 1;
            ready[i] = Some(result);
            while let Some(result) = ready.get_mut(cursor).and_then(Option::take) {
                progress.clear();
                done(&inputs[cursor], result);
                cursor += 1;
            }
            progress.draw(finished);
        }
    });
    progress.clear();
}

/// `[#####.....] 12/40 files` on one terminal line, redrawn in place.
struct Progress {
    total: usize,
    enabled: bool,
    shown: bool,
}

impl Progress {
    fn new(total: usize) -> Progress {
        Progress {
            total,
            enabled: total >= PROGRESS_FROM && std::io::stderr().is_terminal(),
            shown: false,
        }
    }

    fn draw(&mut self, done: usize) {
        if !self.enabled || done >= self.total {
            return;
        }
        const WIDTH: usize = 30;
        let filled = done * WIDTH / self.total.max(1);
        let bar = format!("{}{}", "#".repeat(filled), ".".repeat(WIDTH - filled));
        let _ = write!(std::io::stderr(), "\r[{bar}] {done}/{} files", self.total);
        let _ = std::io::stderr().flush();
        self.shown = true;
    }

    /// Erases the bar so that other output starts on a clean line.
    fn clear(&mut self) {
        if self.shown {
            let _ = write!(std::io::stderr(), "\r\x1b[2K");
            let _ = std::io::stderr().flush();
            self.shown = false;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inputs(n: usize) -> Vec<Input> {
        (0..n)
            .map(|i| Input {
                name: format!("f{i}"),
                path: None,
            })
            .collect()
    }

    #[test]
    fn results_come_back_in_input_order() {
        let list = inputs(50);
        for threads in [1, 3, 8] {
            let mut seen = Vec::new();
            run(
                &list,
                threads,
                |inp| {
                    // Uneven work so that threads finish out of order.
                    let n: u64 = inp.name[1..].parse().unwrap_or(0);
                    std::thread::sleep(std::time::Duration::from_micros((50 - n) * 40));
                    inp.name.clone()
                },
                |inp, r| {
                    assert_eq!(inp.name, r);
                    seen.push(r);
                },
            );
            let expected: Vec<String> = list.iter().map(|i| i.name.clone()).collect();
            assert_eq!(seen, expected, "{threads} threads");
        }
    }

    #[test]
    fn thread_count_is_bounded() {
        assert_eq!(threads(Some(8), 3), 3);
        assert_eq!(threads(Some(0), 3), 1);
        assert_eq!(threads(None, 0), 1);
        assert!(threads(None, 100) >= 1);
    }
}
