//! Parsing a list's elements on the machine's other cores, in order.
//!
//! `list_stream` finds where each element ends; parsing the elements into typed values is
//! most of the work of reading a large list (18 MB for 5,000 apps: about 80 ms on one core).
//! Elements are gathered into batches of about 256 KiB and parsed by up to two threads that
//! live as long as the list; the answers are taken back in the order the batches left, so the
//! list keeps its order. At most a few batches are out at once: a server that sends faster
//! than they parse waits in the socket, as it did when parsing was on the receiving thread,
//! and the memory a read holds stays bounded.

use std::collections::VecDeque;
use std::sync::mpsc::{Receiver, Sender, channel};

use serde::de::DeserializeOwned;

/// Bytes of elements per batch.
const BATCH: usize = 256 * 1024;
/// Batches handed out and not yet taken back, at the most.
const OUT_AT_ONCE: usize = 4;
/// Parse threads, at the most (fewer on a machine with fewer cores).
const THREADS: usize = 2;

/// Elements back to back, each with its end (in `bytes`) and where it ended in the body.
#[derive(Default)]
struct Batch {
    bytes: Vec<u8>,
    ends: Vec<(usize, usize)>,
    /// The number of the first element in the list (from 1), for error messages.
    first: usize,
}

impl Batch {
    fn parse<T: DeserializeOwned>(&self) -> Result<Vec<T>, String> {
        let mut items = Vec::with_capacity(self.ends.len());
        let mut start = 0;
        for (n, &(end, at)) in self.ends.iter().enumerate() {
            let item = parse(&self.bytes[start..end])
                .map_err(|e| format!("element {} (ending at byte {at}): {e}", self.first + n))?;
            items.push(item);
            start = end;
        }
        Ok(items)
    }
}

/// One element: its UTF-8 checked once, whole (a vectorised pass), then read by serde_json's
/// `&str` reader, which trusts it, instead of checking every string on its own.
fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, String> {
    let text = std::str::from_utf8(bytes).map_err(|e| format!("not UTF-8: {e}"))?;
    serde_json::from_str(text).map_err(|e| e.to_string())
}

struct Worker<T> {
    jobs: Sender<Batch>,
    answers: Receiver<Result<Vec<T>, String>>,
}

/// The parsed elements, in list order, and the batches still being parsed.
pub(super) struct Parser<T> {
    items: Vec<T>,
    batch: Batch,
    /// Elements taken in so far.
    count: usize,
    workers: Vec<Worker<T>>,
    /// Which worker has each batch that is out, oldest first.
    out: VecDeque<usize>,
    /// Batches handed out so far (round robin over the workers).
    sent: usize,
    /// The first error, kept until `finish` (later elements are not parsed).
    failed: Option<String>,
}

impl<T> Default for Parser<T> {
    fn default() -> Self {
        Parser {
            items: Vec::new(),
            batch: Batch {
                first: 1,
                ..Batch::default()
            },
            count: 0,
            workers: Vec::new(),
            out: VecDeque::new(),
            sent: 0,
            failed: None,
        }
    }
}

impl<T: DeserializeOwned + Send + 'static> Parser<T> {
    /// Takes in one element: `parts` are its bytes (from earlier chunks, then this one), and
    /// `at` where it ended in the body.
    pub(super) fn element(&mut self, parts: &[&[u8]], at: usize) -> Result<(), String> {
        if let Some(e) = &self.failed {
            return Err(e.clone());
        }
        for part in parts {
            self.batch.bytes.extend_from_slice(part);
        }
        self.batch.ends.push((self.batch.bytes.len(), at));
        self.count += 1;
        if self.batch.bytes.len() >= BATCH {
            self.hand_out()?;
        }
        Ok(())
    }

    /// Every element, in order, once the list has ended.
    pub(super) fn finish(&mut self) -> Result<Vec<T>, String> {
        if let Some(e) = self.failed.take() {
            return Err(e);
        }
        let last = std::mem::take(&mut self.batch);
        while !self.out.is_empty() {
            self.take_back()?;
        }
        self.items.extend(last.parse()?);
        self.workers.clear();
        Ok(std::mem::take(&mut self.items))
    }

    /// Sends the batch to a parse thread (the oldest answer is waited for when enough are
    /// out); parses it here when no thread can start.
    fn hand_out(&mut self) -> Result<(), String> {
        let next = Batch {
            first: self.count + 1,
            ..Batch::default()
        };
        let batch = std::mem::replace(&mut self.batch, next);
        if self.out.len() >= OUT_AT_ONCE {
            self.take_back()?;
        }
        let Some(w) = self.worker() else {
            // In order: nothing is out when no worker ever started.
            let parsed = batch.parse();
            return self.keep(parsed);
        };
        match self.workers[w].jobs.send(batch) {
            Ok(()) => {
                self.out.push_back(w);
                self.sent += 1;
                Ok(())
            }
            Err(returned) => {
                // The thread is gone (it panicked): parse here, after what is out.
                while !self.out.is_empty() {
                    self.take_back()?;
                }
                let parsed = returned.0.parse();
                self.keep(parsed)
            }
        }
    }

    /// The worker for the next batch, starting threads as they are first needed.
    fn worker(&mut self) -> Option<usize> {
        let wanted = std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .min(THREADS);
        if self.workers.len() < wanted && self.sent >= self.workers.len() {
            let (jobs, inbox) = channel::<Batch>();
            let (reply, answers) = channel();
            let started = std::thread::Builder::new()
                .name("extapps-parse".into())
                .spawn(move || {
                    for batch in inbox {
                        if reply.send(batch.parse::<T>()).is_err() {
                            break;
                        }
                    }
                });
            // Detached: closing `jobs` (when the parser is dropped) ends the thread.
            if started.is_ok() {
                self.workers.push(Worker { jobs, answers });
            }
        }
        (!self.workers.is_empty()).then(|| self.sent % self.workers.len())
    }

    /// Waits for the oldest batch that is out and keeps its elements.
    fn take_back(&mut self) -> Result<(), String> {
        let Some(w) = self.out.pop_front() else {
            return Ok(());
        };
        let parsed = self.workers[w]
            .answers
            .recv()
            .unwrap_or_else(|_| Err("a parse thread stopped".to_owned()));
        self.keep(parsed)
    }

    fn keep(&mut self, parsed: Result<Vec<T>, String>) -> Result<(), String> {
        match parsed {
            Ok(items) => {
                self.items.extend(items);
                Ok(())
            }
            Err(e) => {
                self.failed = Some(e.clone());
                Err(e)
            }
        }
    }
}
